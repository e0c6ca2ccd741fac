package io.bucketdns.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An INI file read the way Python's ConfigParser reads it, so that the seed's {@code
 * rgw-pdns.conf} files parse unchanged: {@code [section]} headers, {@code key = value} or {@code
 * key: value}, keys case-insensitive, full-line comments with {@code #} or {@code ;}, inline
 * comments after whitespace, and continuation lines indented deeper than the line of their key. A section or a key
 * given twice is an error, as in ConfigParser's default strict mode. Unlike ConfigParser, values are
 * taken literally (no {@code %} interpolation) and {@code [DEFAULT]} is an ordinary section name.
 */
final class Ini {
    /**
     * One value and the line it was set on, for error messages.
     *
     * @param value the lines joined with single spaces, as most keys read it
     * @param parts each non-empty physical line of the value and its line number, for keys whose
     *     value is a list of lines ({@code records})
     */
    record Entry(String value, int line, List<Part> parts) {
        Entry {
            parts = List.copyOf(parts);
        }
    }

    /** One line of a multi-line value. */
    record Part(String text, int line) {}

    private final Path file;
    private final Map<String, Map<String, Entry>> sections;
    private final Map<String, Integer> sectionLines;

    private Ini(Path file, Map<String, Map<String, Entry>> sections, Map<String, Integer> sectionLines) {
        this.file = file;
        this.sections = sections;
        this.sectionLines = sectionLines;
    }

    /**
     * Parses the lines of {@code file}.
     *
     * @throws ConfigException for a line that is neither a section, a key, a comment nor blank
     */
    static Ini parse(Path file, List<String> lines) {
        Map<String, Map<String, Entry>> sections = new LinkedHashMap<>();
        Map<String, Integer> sectionLines = new LinkedHashMap<>();
        Map<String, Entry> current = null;
        String lastKey = null;
        int keyIndent = 0;
        for (int i = 0; i < lines.size(); i++) {
            int n = i + 1;
            String raw = lines.get(i);
            if (i == 0 && raw.startsWith("\uFEFF")) {
                raw = raw.substring(1);
            }
            String trimmed = raw.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            int indent = indent(raw);
            // ConfigParser compares with the key's own indent, so keys indented alike stay separate keys
            if (current != null && lastKey != null && indent > keyIndent) {
                Entry e = current.get(lastKey);
                String more = stripComment(trimmed).strip();
                List<Part> parts = new ArrayList<>(e.parts());
                if (!more.isEmpty()) {
                    parts.add(new Part(more, n));
                }
                current.put(lastKey, new Entry((e.value() + " " + more).strip(), e.line(), parts));
                continue;
            }
            keyIndent = indent;
            if (trimmed.startsWith("[")) {
                int close = trimmed.indexOf(']');
                if (close < 0) {
                    throw new ConfigException(file, n, "section header '" + trimmed + "' has no closing ']'", "write it as [name]");
                }
                String name = trimmed.substring(1, close).strip();
                if (name.isEmpty()) {
                    throw new ConfigException(file, n, "empty section name '[]'", "name the section, e.g. [powerdns]");
                }
                if (sections.containsKey(name)) {
                    throw new ConfigException(file, n, "section [" + name + "] appears twice (first on line "
                            + sectionLines.get(name) + ")", "merge the two sections");
                }
                current = new LinkedHashMap<>();
                sections.put(name, current);
                sectionLines.put(name, n);
                lastKey = null;
                continue;
            }
            int eq = separator(trimmed);
            if (eq <= 0) {
                throw new ConfigException(file, n, "'" + abbreviate(trimmed) + "' is not 'key = value', a [section] or a comment",
                        "write key = value, or start the line with # to comment it out");
            }
            if (current == null) {
                throw new ConfigException(file, n, "key '" + trimmed.substring(0, eq).strip() + "' comes before any [section]",
                        "put it under a section header such as [powerdns]");
            }
            String key = trimmed.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = stripComment(trimmed.substring(eq + 1)).strip();
            if (current.containsKey(key)) {
                // as Python's ConfigParser (strict, its default) refuses it: the one meant is not clear
                throw new ConfigException(file, n, "key '" + key + "' appears twice in its section (first on line "
                        + current.get(key).line() + ")", "keep one of them");
            }
            current.put(key, new Entry(value, n, value.isEmpty() ? List.of() : List.of(new Part(value, n))));
            lastKey = key;
        }
        return new Ini(file, sections, sectionLines);
    }

    Path file() {
        return file;
    }

    Map<String, Map<String, Entry>> sections() {
        return sections;
    }

    int sectionLine(String section) {
        return sectionLines.getOrDefault(section, 0);
    }

    /** Leading whitespace characters; a tab counts as one, as in ConfigParser. */
    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int separator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    private static String stripComment(String value) {
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c == ';' || c == '#') && Character.isWhitespace(value.charAt(i - 1))) {
                return value.substring(0, i);
            }
        }
        return value;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
