package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real PowerDNS authoritative server ({@code pdns_server} from Debian), started by a test on a
 * loopback port with a remote backend, and stopped by its PID.
 */
public final class PowerDns implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private PowerDns(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts pdns_server with {@code launch=remote} and the given connection string, then waits
     * (at most 20 s) until it answers an SOA query for {@code zone}.
     *
     * @param dir a scratch directory for its config, socket and log
     * @param extraSettings more pdns.conf lines
     */
    public static PowerDns start(Path dir, String connectionString, String zone, String... extraSettings) throws IOException, InterruptedException {
        int port = Ports.free();
        List<String> conf = new ArrayList<>(List.of(
                "launch=remote",
                "remote-connection-string=" + connectionString,
                "local-address=127.0.0.1",
                "local-port=" + port,
                "socket-dir=" + dir,
                "daemon=no", "guardian=no", "write-pid=no", "disable-syslog=yes",
                "webserver=no", "api=no", "security-poll-suffix=", "loglevel=6"));
        conf.addAll(List.of(extraSettings));
        Files.createDirectories(dir);
        Files.write(dir.resolve("pdns.conf"), conf);
        Path log = dir.resolve("pdns.log");
        Process p = new ProcessBuilder("pdns_server", "--config-dir=" + dir)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PowerDns pdns = new PowerDns(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("pdns_server exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            if (Dig.query(port, zone, "SOA", "+time=1").status().equals("NOERROR")) {
                return pdns;
            }
            Thread.sleep(100);
        }
        pdns.close();
        throw new IllegalStateException("pdns_server did not answer within 20 s:\n" + Files.readString(log));
    }

    /** The DNS port it listens on, UDP and TCP, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** What it logged so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
