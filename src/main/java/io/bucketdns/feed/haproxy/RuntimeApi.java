package io.bucketdns.feed.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One connection to HAProxy's runtime API (its admin socket, {@code stats socket ... level
 * admin}), in interactive mode, so that many commands share it. Every wait is bounded: a peer that
 * stops answering costs a timeout, never a hung thread.
 *
 * <p>Not thread-safe: one owner, the runtime sink's thread or {@code check}'s. Its timeouts are on
 * {@link System#nanoTime}, not on the feed's clock that tests fake: they bound real waits on a
 * socket.
 */
final class RuntimeApi implements AutoCloseable {
    /** In interactive mode every reply ends with an empty line and this prompt. */
    private static final byte[] PROMPT = "\n> ".getBytes(StandardCharsets.US_ASCII);
    /**
     * A payload must fit HAProxy's request buffer ({@code tune.bufsize}, 16 KiB by default) with
     * the command in front of it.
     */
    static final int PAYLOAD_BYTES = 12 * 1024;
    private static final Pattern VERSION = Pattern.compile("New version created: (\\d+)");

    /** Which HAProxy process answers: a restart or a reload brings another one, with the map read from the file. */
    record Instance(String version, long pid, long startTime) {}

    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;
    private final String target;

    private RuntimeApi(SocketChannel channel, Selector selector, Duration timeout, String target) {
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
        this.target = target;
    }

    /**
     * Connects and switches to interactive mode.
     *
     * @throws IOException when nothing listens there, or what listens does not answer like HAProxy
     */
    static RuntimeApi connect(SocketAddress address, Duration timeout) throws IOException {
        SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            selector = Selector.open();
            RuntimeApi api = new RuntimeApi(channel, selector, timeout, describe(address));
            if (!channel.connect(address)) {
                api.await(SelectionKey.OP_CONNECT, System.nanoTime() + timeout.toNanos());
                channel.finishConnect();
            }
            String hello;
            try {
                hello = api.command("prompt");
            } catch (ProtocolException e) {
                throw new ProtocolException(api.target + " is not HAProxy's runtime API: to 'prompt' it " + e.getMessage());
            }
            if (!hello.isEmpty()) {
                throw new ProtocolException(api.target + " is not HAProxy's runtime API: it answered 'prompt' with '" + abbreviate(hello) + "'");
            }
            return api;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    static String describe(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress u ? u.getPath().toString() : address.toString().replaceFirst("^[^/]*/", "");
    }

    /** Runs one command; returns its reply without the prompt. */
    String command(String command) throws IOException {
        return exchange(command + "\n", timeout);
    }

    /** Which process answers ({@code show info}). */
    Instance instance() throws IOException {
        Map<String, String> info = new HashMap<>();
        for (String line : command("show info").split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                info.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        if (!"HAProxy".equals(info.get("Name")) || !info.containsKey("Pid")) {
            throw new ProtocolException(target + " is not HAProxy's runtime API: 'show info' gave no Name: HAProxy and Pid");
        }
        return new Instance(info.get("Version"), Long.parseLong(info.get("Pid")), Long.parseLong(info.getOrDefault("Start_time_sec", "0")));
    }

    /**
     * How many entries the map holds now ({@code entry_cnt} of {@code show map}).
     *
     * @throws ProtocolException when HAProxy has no map loaded from that file
     */
    long entries(String map) throws IOException {
        String reply = command("show map");
        Matcher m = Pattern.compile("\\(" + Pattern.quote(map) + "\\).*entry_cnt=(\\d+)").matcher(reply);
        if (!m.find()) {
            throw new ProtocolException("HAProxy at " + target + " has no map " + map
                    + "; fix: name that file in haproxy.cfg, e.g. use_backend rgw_%[var(txn.bucket),map(" + map + ",eu)]");
        }
        return Long.parseLong(m.group(1));
    }

    /** Adds an entry that is not there yet. */
    void add(String map, String key, String value) throws IOException {
        expect("add map", command("add map " + map + " " + key + " " + value), "");
    }

    /** Adds entries that are not there yet, as payloads that each fit HAProxy's buffer: one round trip per chunk, not per entry. */
    void addAll(String map, Map<String, String> entries) throws IOException {
        String head = "add map " + map + " <<\n";
        StringBuilder chunk = new StringBuilder(PAYLOAD_BYTES + 512);
        for (Map.Entry<String, String> e : entries.entrySet()) {
            chunk.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
            if (chunk.length() >= PAYLOAD_BYTES) {
                sendPayload(head, chunk);
            }
        }
        if (!chunk.isEmpty()) {
            sendPayload(head, chunk);
        }
    }

    /**
     * Changes an entry's value.
     *
     * @return false when there was no such entry
     */
    boolean set(String map, String key, String value) throws IOException {
        String reply = command("set map " + map + " " + key + " " + value);
        if (reply.startsWith("entry not found")) {
            return false;
        }
        expect("set map", reply, "");
        return true;
    }

    /**
     * Removes an entry.
     *
     * @return false when there was no such entry
     */
    boolean del(String map, String key) throws IOException {
        String reply = command("del map " + map + " " + key);
        if (reply.startsWith("Key not found")) {
            return false;
        }
        expect("del map", reply, "");
        return true;
    }

    /**
     * Replaces the whole map at once: a new version filled in chunks that each fit HAProxy's
     * buffer, then committed, so requests see the old map until the commit and the new one after.
     *
     * @param fill called with a sink for every entry of the new map
     */
    void replace(String map, java.util.function.Consumer<BiConsumer<String, String>> fill) throws IOException {
        String reply = command("prepare map " + map);
        Matcher m = VERSION.matcher(reply);
        if (!m.find()) {
            throw new ProtocolException("'prepare map " + map + "' answered '" + abbreviate(reply) + "'");
        }
        String version = m.group(1);
        String head = "add map @" + version + " " + map + " <<\n";
        StringBuilder chunk = new StringBuilder(PAYLOAD_BYTES + 512);
        IOException[] failed = {null};
        fill.accept((key, value) -> {
            if (failed[0] != null) {
                return;
            }
            chunk.append(key).append(' ').append(value).append('\n');
            if (chunk.length() >= PAYLOAD_BYTES) {
                try {
                    sendPayload(head, chunk);
                } catch (IOException e) {
                    failed[0] = e;
                }
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        if (!chunk.isEmpty()) {
            sendPayload(head, chunk);
        }
        // swapping in a big map takes HAProxy a while: as long as the entries take to send, at least
        expect("commit map", exchange("commit map @" + version + " " + map + "\n", timeout.multipliedBy(6)), "");
    }

    private void sendPayload(String head, StringBuilder lines) throws IOException {
        String reply = exchange(head + lines + "\n", timeout);
        lines.setLength(0);
        expect("add map (payload)", reply.replaceAll("^(\\+ )+", ""), "");
    }

    /** Every entry of the map ({@code show map MAP}): key to value. */
    Map<String, String> show(String map) throws IOException {
        Map<String, String> entries = new HashMap<>();
        for (String line : command("show map " + map).split("\n")) {
            String[] f = line.split(" ", 3);
            if (f.length == 3 && f[0].startsWith("0x")) {
                entries.putIfAbsent(f[1], f[2]);
            } else if (!line.isBlank()) {
                throw new ProtocolException("'show map " + map + "' answered '" + abbreviate(line) + "'");
            }
        }
        return entries;
    }

    private static void expect(String what, String reply, String wanted) throws ProtocolException {
        if (!reply.strip().equals(wanted)) {
            throw new ProtocolException("'" + what + "' answered '" + abbreviate(reply) + "'");
        }
    }

    private String exchange(String request, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
        Reply reply = new Reply();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        while (!reply.endsWith(PROMPT)) {
            int n = channel.read(in);
            if (n < 0 && reply.size() == 0) {
                throw new IOException("HAProxy at " + target + " closed the connection");
            }
            if (n < 0) {
                throw new ProtocolException("answered '" + abbreviate(reply.toString(StandardCharsets.UTF_8)) + "' and closed the connection");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadline);
                continue;
            }
            reply.write(in.array(), 0, in.position());
            in.clear();
        }
        String text = reply.text(PROMPT.length);
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** Collects a reply and sees its end without copying it. */
    private static final class Reply extends ByteArrayOutputStream {
        boolean endsWith(byte[] tail) {
            if (count < tail.length) {
                return false;
            }
            return java.util.Arrays.equals(buf, count - tail.length, count, tail, 0, tail.length);
        }

        String text(int dropTail) {
            return new String(buf, 0, count - dropTail, StandardCharsets.UTF_8);
        }
    }

    private void await(int op, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new java.net.SocketTimeoutException("HAProxy at " + target + " did not answer within " + timeout.toMillis() + " ms");
        }
        SelectionKey key = channel.register(selector, op);
        try {
            selector.select(Math.max(1, left / 1_000_000));
        } finally {
            key.interestOps(0);
            selector.selectedKeys().clear();
        }
    }

    private static String abbreviate(String s) {
        String one = s.strip().replace('\n', ' ');
        return one.length() <= 120 ? one : one.substring(0, 117) + "...";
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            // the peer is gone either way
        }
    }

    /** HAProxy (or whatever listens there) answered something the API does not answer. */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }
}
