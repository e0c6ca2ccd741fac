package io.bucketdns.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real HAProxy ({@code haproxy} from Debian) for a test: its own directory, config and admin
 * socket, in the foreground ({@code -db}), stopped by its PID. {@link #cli} talks to the runtime
 * API on its own (one command per connection), so tests see HAProxy's map without bucketdns's client.
 */
public final class Haproxy implements AutoCloseable {
    private final Path dir;
    private final int readySeconds;
    private Daemon daemon;

    private Haproxy(Path dir, int readySeconds) {
        this.dir = dir;
        this.readySeconds = readySeconds;
    }

    /**
     * Starts HAProxy with {@code config} (its {@code global} section names the admin socket, {@link
     * #socketIn}) and waits (at most 20 s) until the runtime API answers.
     */
    public static Haproxy start(Path dir, List<String> config) throws IOException {
        return start(dir, config, 20);
    }

    /** As {@link #start(Path, List)}, waiting up to {@code readySeconds} (a map of millions takes a while to load). */
    public static Haproxy start(Path dir, List<String> config, int readySeconds) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("haproxy.cfg"), config);
        Haproxy h = new Haproxy(dir, readySeconds);
        h.start();
        return h;
    }

    /** The admin socket path, for a global section: {@code stats socket PATH level admin}. */
    public static Path socketIn(Path dir) {
        return dir.resolve("admin.sock");
    }

    private void start() throws IOException {
        Files.deleteIfExists(socket());
        daemon = Daemon.start(List.of("haproxy", "-db", "-f", dir.resolve("haproxy.cfg").toString()), dir.resolve("haproxy.out"));
        daemon.await(Duration.ofSeconds(readySeconds), () -> {
            try {
                return cli("show info").contains("Name: HAProxy");
            } catch (IOException e) {
                return false;
            }
        }, "haproxy did not answer on " + socket(), null);
    }

    /** Stops it and starts it again with the same config: a new process that loads its map files. */
    public void restart() throws IOException {
        daemon.stop();
        start();
    }

    /** Stops it (the admin socket goes away). */
    public void stop() {
        daemon.stop();
    }

    public Path socket() {
        return socketIn(dir);
    }

    /** What HAProxy printed so far. */
    public String output() {
        return daemon.output();
    }

    /** One runtime API command on a connection of its own; the whole reply. */
    public String cli(String command) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket()));
            c.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (c.read(buf) >= 0) { // HAProxy closes a non-interactive connection after the reply
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** The entries of a map in the running HAProxy: key to value. */
    public Map<String, String> map(Path file) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : cli("show map " + file).split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3 && f[0].startsWith("0x")) {
                m.put(f[1], f[2]);
            }
        }
        return m;
    }

    /** The pid of the HAProxy process answering now. */
    public long pid() throws IOException {
        for (String line : cli("show info").split("\n")) {
            if (line.startsWith("Pid: ")) {
                return Long.parseLong(line.substring(5).strip());
            }
        }
        throw new IllegalStateException("show info gave no Pid");
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.stop();
        }
    }
}
