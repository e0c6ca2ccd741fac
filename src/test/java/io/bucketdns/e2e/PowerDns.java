package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real PowerDNS authoritative server ({@code pdns_server} from Debian) for a test: its own
 * config dir, a free loopback port, no daemon, guardian, syslog, API or pid file; stopped by its
 * PID, with any co-process it started (pipe backends), on {@link #close()}.
 */
public final class PowerDns implements AutoCloseable {
    private final Daemon daemon;
    private final int port;

    private PowerDns(Daemon daemon, int port) {
        this.daemon = daemon;
        this.port = port;
    }

    /**
     * Starts PowerDNS with {@code launch=remote} and {@code connectionString}, and waits (at most
     * 20 s) until it answers an SOA question for {@code zone}: only then has it loaded its zones
     * from the backend.
     *
     * @param extraSettings more pdns.conf lines
     */
    public static PowerDns start(Path dir, String connectionString, String zone, String... extraSettings) throws IOException {
        List<String> lines = new ArrayList<>(List.of("launch=remote", "remote-connection-string=" + connectionString, "loglevel=6"));
        lines.addAll(List.of(extraSettings));
        PowerDns pdns = start(dir, lines);
        pdns.daemon.awaitAnswer("127.0.0.1", pdns.port, zone, "SOA", "NOERROR", "pdns_server", null);
        return pdns;
    }

    /**
     * Starts PowerDNS with {@code lines} added to a minimal {@code pdns.conf} in {@code dir} and
     * waits (at most 20 s) until it accepts TCP.
     *
     * @throws IllegalStateException with PowerDNS's log when it exits or does not come up
     */
    public static PowerDns start(Path dir, List<String> lines) throws IOException {
        return start(dir, Ports.free(), lines);
    }

    /** {@link #start(Path, List)} on a port chosen before, for peers that must be told it first. */
    public static PowerDns start(Path dir, int port, List<String> lines) throws IOException {
        Files.createDirectories(dir);
        List<String> conf = new ArrayList<>(List.of(
                "local-address=127.0.0.1", "local-port=" + port, "socket-dir=" + dir,
                "daemon=no", "guardian=no", "disable-syslog=yes", "write-pid=no", "webserver=no", "api=no",
                "security-poll-suffix="));
        conf.addAll(lines);
        Files.write(dir.resolve("pdns.conf"), conf);
        Daemon daemon = Daemon.start(List.of("pdns_server", "--config-dir=" + dir), dir.resolve("pdns.log"));
        daemon.await(Daemon.READY_LIMIT, () -> Ports.accepts(port), "pdns_server did not accept TCP on port " + port, null);
        return new PowerDns(daemon, port);
    }

    /** The DNS port it listens on, UDP and TCP, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Asks this PowerDNS with dig; {@code args} are dig's own (name, type, +options). */
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
            Dig.Result r = dig(name, type, "+time=10");
            if (r.status() == null) {
                throw new IllegalStateException("pdns_server on port " + port + " did not answer " + name + " " + type + ":\n" + r + "\n" + log());
            }
        }
    }

    /** What PowerDNS has logged so far. */
    public String log() {
        return daemon.output();
    }

    @Override
    public void close() {
        // co-processes end when PowerDNS closes their stdin; any that do not are stopped by PID
        daemon.stop();
    }
}
