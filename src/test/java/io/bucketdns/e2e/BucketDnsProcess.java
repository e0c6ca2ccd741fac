package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** {@code bucketdns serve} as its own process from the built jar, its log in a file, stopped by PID. */
final class BucketDnsProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/bucketdns.jar").toAbsolutePath();

    final Process process;
    final Path log;

    private BucketDnsProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static BucketDnsProcess serve(Path config) throws IOException {
        return serve(config, List.of());
    }

    /** With {@code prefix} before the java command, such as {@code nice -n -10}. */
    static BucketDnsProcess serve(Path config, List<String> prefix) throws IOException {
        Path log = config.resolveSibling("bucketdns.log");
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString(),
                "serve", "--config", config.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // a test run stopped half-way (a killed Maven) must not leave it asking the lab's gateways
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "bucketdns-stop-" + p.pid()));
        return new BucketDnsProcess(p, log);
    }

    void hangUp() throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor()).isZero();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The inodes of this process's sockets bound to IPv4 {@code address} and {@code port} in
     * {@code /proc/net/udp} or {@code tcp} (or their IPv6 twins, where the JDK's dual-stack sockets
     * show the address IPv4-mapped): what stays the same as long as the socket does.
     */
    Set<String> socketInodes(String table, String ipv4, int port) throws IOException {
        Set<String> mine = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        mine.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        String[] o = ipv4.split("\\.");
        StringBuilder hex = new StringBuilder(); // the address in host byte order, as /proc/net writes it
        for (int i = 3; i >= 0; i--) {
            hex.append(String.format(Locale.ROOT, "%02X", Integer.parseInt(o[i])));
        }
        String p = ":" + String.format(Locale.ROOT, "%04X", port);
        Set<String> out = new HashSet<>();
        for (String[] t : List.of(new String[] {table, hex + p}, new String[] {table + "6", "0000000000000000FFFF0000" + hex + p})) {
            for (String line : Files.readAllLines(Path.of("/proc/net", t[0]))) {
                String[] f = line.strip().split("\\s+");
                // a TCP socket counts when listening (state 0A), not the connections it accepted
                if (f.length > 9 && f[1].equalsIgnoreCase(t[1]) && mine.contains(f[9]) && (table.equals("udp") || f[3].equals("0A"))) {
                    out.add(f[9]);
                }
            }
        }
        return out;
    }

    /** The lines of the log that contain {@code text}. */
    List<String> logLines(String text) {
        return log().lines().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
