package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real {@code dig} and reads its output the way a person does: the status, the header
 * flags, and each section's records with white space normalized.
 */
public final class Dig {
    private static final Pattern STATUS = Pattern.compile(";; ->>HEADER<<- opcode: (\\S+), status: (\\S+),");
    private static final Pattern FLAGS = Pattern.compile(";; flags:([^;]*);");
    private static final Pattern SERVER = Pattern.compile(";; SERVER: \\S+ \\((UDP|TCP)\\)");

    private Dig() {}

    /**
     * Asks {@code server} on {@code port}; {@code args} are dig's own (name, type, +options).
     * Waits at most one try of two seconds per transport.
     */
    public static Result ask(String server, int port, String... args) {
        List<String> command = new ArrayList<>(List.of("dig", "@" + server, "-p", String.valueOf(port), "+time=2", "+tries=1"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("dig did not end: " + command);
            }
            return parse(out);
        } catch (IOException e) {
            throw new AssertionError("cannot run dig (apt-get install dnsutils): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code dig @127.0.0.1 -p PORT NAME TYPE [+options]}: the common case. */
    public static Result query(int port, String name, String type, String... options) {
        List<String> args = new ArrayList<>(List.of(name, type));
        args.addAll(List.of(options));
        return ask("127.0.0.1", port, args.toArray(String[]::new));
    }

    static Result parse(String out) {
        Matcher status = STATUS.matcher(out);
        Matcher flags = FLAGS.matcher(out);
        Matcher server = SERVER.matcher(out);
        // a retry over TCP prints a second header: the last one is the answer
        String rcode = null;
        while (status.find()) {
            rcode = status.group(2);
        }
        String flagText = "";
        while (flags.find()) {
            flagText = flags.group(1).strip();
        }
        String transport = null;
        while (server.find()) {
            transport = server.group(1);
        }
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : out.lines().toList()) {
            if (line.startsWith(";; ") && line.endsWith(" SECTION:")) {
                current = new ArrayList<>();
                sections.put(line.substring(3, line.length() - " SECTION:".length()), current);
            } else if (line.isBlank()) {
                current = null;
            } else if (current != null && !line.startsWith(";")) {
                current.add(String.join(" ", line.strip().split("\\s+")));
            }
        }
        return new Result(rcode, flagText.isEmpty() ? Set.of() : Set.of(flagText.split(" ")),
                sections.getOrDefault("ANSWER", List.of()), sections.getOrDefault("AUTHORITY", List.of()),
                out.contains("; EDNS: version: 0"), transport, out);
    }

    /**
     * What dig printed.
     *
     * @param status NOERROR, NXDOMAIN, REFUSED...; null when no answer came
     * @param flags the header flags: qr, aa, tc, rd, ra
     * @param answer the answer section's records, one normalized line each
     * @param authority the authority section's records
     * @param edns true when the answer had an OPT record
     * @param transport UDP or TCP, as dig reports the last exchange
     * @param output the whole output, for failure messages
     */
    public record Result(String status, Set<String> flags, List<String> answer, List<String> authority, boolean edns,
            String transport, String output) {
        @Override
        public String toString() {
            return output;
        }

        /** True when the answer is authoritative. */
        public boolean aa() {
            return flags.contains("aa");
        }

        /** The same answer, without what may differ between servers that agree: output, transport, RRset order. */
        public Result comparable() {
            return new Result(status, flags, answer.stream().sorted().toList(), authority.stream().sorted().toList(), edns, null, "");
        }
    }
}
