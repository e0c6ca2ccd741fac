package io.bucketdns.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kind of value a {@link Key} takes. Scalar kinds check their own range, so an error message
 * and the reference are both made from the one declared range and cannot disagree; {@link Text}
 * values are checked by the reader of the section that uses them (a DNS name, an address, a path
 * that must exist), the kind only names them for the reference.
 */
public sealed interface Type {
    /** The kind and range as the reference states them, e.g. {@code whole number, 1 to 65535}. */
    String describe();

    /** A problem with a value: what is wrong and how to fix it. */
    record Problem(String what, String fix) {}

    private static String fix(Type type, String example) {
        return "write a " + type.describe() + (example.isEmpty() ? "" : ", e.g. " + example);
    }

    /** A whole number within {@code min..max}. */
    record Whole(long min, long max) implements Type {
        @Override
        public String describe() {
            return max == Integer.MAX_VALUE ? "whole number, " + min + " or more" : "whole number, " + min + " to " + max;
        }

        /** The number, or an {@link Invalid} naming the range and, when there is one, {@code example}. */
        long parse(String v, String example) throws Invalid {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new Invalid(new Problem("'" + v + "' is not a whole number", fix(this, example)));
            }
            if (n < min || n > max) {
                throw new Invalid(new Problem(v + " is outside " + min + ".." + max, fix(this, example)));
            }
            return n;
        }
    }

    /** A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} (a bare number is seconds), within {@code min..max}. */
    record Span(Duration min, Duration max) implements Type {
        private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d|)");

        @Override
        public String describe() {
            return "duration, " + text(min) + " to " + text(max);
        }

        Duration parse(String raw, String example) throws Invalid {
            Matcher m = DURATION.matcher(raw.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new Invalid(new Problem("'" + raw + "' is not a duration", "write a number with a unit: 500ms, 30s, 5m, 1h or 2d"));
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "", "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new Invalid(new Problem("'" + raw + "' is outside " + text(min) + ".." + text(max), fix(this, example)));
            }
            return d;
        }

        /** The shortest exact way to write {@code d} in the config's own syntax. */
        static String text(Duration d) {
            long ms = d.toMillis();
            if (ms % 86_400_000 == 0 && ms > 0) {
                return ms / 86_400_000 + "d";
            }
            if (ms % 3_600_000 == 0 && ms > 0) {
                return ms / 3_600_000 + "h";
            }
            if (ms % 60_000 == 0 && ms > 0) {
                return ms / 60_000 + "m";
            }
            return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
    }

    /** {@code true} or {@code false} (also {@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code 0}, as ConfigParser reads them). */
    record Flag() implements Type {
        @Override
        public String describe() {
            return "true or false";
        }

        boolean parse(String v) throws Invalid {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "1", "yes", "true", "on" -> true;
                case "0", "no", "false", "off" -> false;
                default -> throw new Invalid(new Problem("'" + v + "' is not a boolean", "write true or false"));
            };
        }
    }

    /**
     * One of a few words, case-insensitive.
     *
     * @param choices the words, as the reference lists them
     * @param aliases other spellings accepted for a choice (e.g. {@code 4} for {@code v4})
     */
    record OneOf(List<String> choices, Map<String, String> aliases) implements Type {
        public OneOf {
            choices = List.copyOf(choices);
            aliases = Map.copyOf(aliases);
        }

        static OneOf of(String... choices) {
            return new OneOf(List.of(choices), Map.of());
        }

        @Override
        public String describe() {
            return String.join(" or ", choices);
        }

        String parse(String v) throws Invalid {
            String w = v.toLowerCase(Locale.ROOT);
            w = aliases.getOrDefault(w, w);
            if (!choices.contains(w)) {
                throw new Invalid(new Problem("'" + v + "' is not one of " + String.join(", ", choices), "write " + describe()));
            }
            return w;
        }
    }

    /**
     * A value the section's reader checks itself.
     *
     * @param what how the reference names it, e.g. {@code host:port}
     */
    record Text(String what) implements Type {
        @Override
        public String describe() {
            return what;
        }
    }

    /** A value that does not fit its {@link Type}. */
    final class Invalid extends Exception {
        private final transient Problem problem;

        Invalid(Problem problem) {
            super(problem.what(), null, false, false);
            this.problem = problem;
        }

        Problem problem() {
            return problem;
        }
    }
}
