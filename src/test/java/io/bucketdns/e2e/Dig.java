package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the real {@code dig} against a loopback server and reads what a user would read. */
public final class Dig {
    private static final Pattern HEADER = Pattern.compile("status: (\\w+),");
    private static final Pattern FLAGS = Pattern.compile(";; flags: ([a-z ]*);");

    /**
     * What dig printed.
     *
     * @param status NOERROR, NXDOMAIN, REFUSED, SERVFAIL... or TIMEOUT when no answer came
     * @param flags the header flags (qr aa rd ...)
     * @param answer the answer section, one "name ttl class type data" line each, white space folded
     * @param authority the authority section, the same way
     * @param output everything dig printed
     */
    public record Result(String status, List<String> flags, List<String> answer, List<String> authority, String output) {
        public boolean aa() {
            return flags.contains("aa");
        }
    }

    private Dig() {}

    /** {@code dig @127.0.0.1 -p PORT NAME TYPE} with extra options such as {@code +tcp}. */
    public static Result query(int port, String name, String type, String... options) {
        List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+time=3", "+tries=1",
                "+nocookie", name, type));
        cmd.addAll(List.of(options));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("dig did not finish in 15 s: " + cmd);
            }
            return parse(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run dig (apt-get install dnsutils): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Result parse(String out) {
        Matcher h = HEADER.matcher(out);
        String status = h.find() ? h.group(1) : "TIMEOUT";
        Matcher f = FLAGS.matcher(out);
        List<String> flags = f.find() ? List.of(f.group(1).strip().split(" ")) : List.of();
        return new Result(status, flags, section(out, "ANSWER"), section(out, "AUTHORITY"), out);
    }

    private static List<String> section(String out, String name) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : out.split("\n")) {
            if (line.startsWith(";; " + name + " SECTION:")) {
                in = true;
            } else if (in && (line.isBlank() || line.startsWith(";;"))) {
                break;
            } else if (in) {
                lines.add(line.strip().replaceAll("\\s+", " "));
            }
        }
        return lines;
    }
}
