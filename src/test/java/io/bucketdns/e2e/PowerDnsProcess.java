package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code pdns_server} for a test: its own config dir, a free loopback port, no daemon,
 * guardian, syslog, API or pid file; stopped by its PID (and any co-processes it started, such
 * as pipe backends) on {@link #close()}.
 */
public final class PowerDnsProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private PowerDnsProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts PowerDNS with {@code lines} added to a minimal {@code pdns.conf} in {@code dir}
     * (e.g. {@code launch=remote} and its connection string) and waits until it accepts TCP.
     *
     * @throws IllegalStateException with PowerDNS's log when it exits or does not come up in 20 s
     */
    public static PowerDnsProcess start(Path dir, List<String> lines) throws IOException {
        Files.createDirectories(dir);
        int port = Ports.free();
        List<String> conf = new ArrayList<>(List.of(
                "local-address=127.0.0.1", "local-port=" + port, "socket-dir=" + dir,
                "daemon=no", "guardian=no", "disable-syslog=yes", "write-pid=no", "webserver=no", "api=no",
                "security-poll-suffix="));
        conf.addAll(lines);
        Files.write(dir.resolve("pdns.conf"), conf);
        Path log = dir.resolve("pdns.log");
        Process p = new ProcessBuilder("pdns_server", "--config-dir=" + dir)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PowerDnsProcess pdns = new PowerDnsProcess(p, port, log);
        if (!Ports.await(20, () -> !p.isAlive() || Ports.accepts(port)) || !p.isAlive()) {
            pdns.close();
            throw new IllegalStateException("pdns_server did not start on port " + port + "; its log:\n" + pdns.log());
        }
        return pdns;
    }

    /** Asks this PowerDNS with dig. */
    public Dig.Result dig(String... args) {
        return Dig.ask("127.0.0.1", port, args);
    }

    /**
     * Asks {@code name type} as often as PowerDNS has backend threads (3 by default, given
     * questions in turn), allowing each 10 s, so that every backend connection exists before a
     * test measures answers: a pipe co-process is started on its thread's first question.
     *
     * @throws IllegalStateException with PowerDNS's log when a question gets no answer
     */
    public void warmUp(String name, String type) {
        for (int i = 0; i < 2 * 3; i++) {
            Dig.Result r = Dig.ask("127.0.0.1", port, name, type, "+time=10");
            if (r.status() == null) {
                throw new IllegalStateException("pdns_server on port " + port + " did not answer " + name + " " + type + ":\n" + r + "\n" + log());
            }
        }
    }

    /** What PowerDNS has logged so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // co-processes end when PowerDNS closes their stdin; any that do not are stopped by PID
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
    }
}
