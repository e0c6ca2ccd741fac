package io.bucketdns.feed.haproxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-process stand-in for HAProxy's admin socket, enough for {@link RuntimeApi}: interactive
 * mode, {@code show info}, and each named map's {@code show}/{@code add}/{@code set}/{@code
 * del}/{@code prepare}/{@code commit}, with payloads, answering as HAProxy 2.6 does (a map it was
 * not started with is unknown, as one haproxy.cfg does not name). Tests read and change its
 * map behind the feed's back, restart it as another pid, or take it away.
 */
final class FakeHaproxy implements AutoCloseable {
    private final Path socket;
    private final String mapName;
    private final List<SocketChannel> connections = new ArrayList<>();
    private final List<String> commands = new ArrayList<>();
    /** Each map by name, as {@code show map} lists them. */
    private final Map<String, OneMap> maps = new LinkedHashMap<>();
    private long pid = 100;
    private int accepted;
    private ServerSocketChannel server;

    /** One map's entries and the versions being prepared. */
    private static final class OneMap {
        final Map<Integer, Map<String, String>> versions = new HashMap<>();
        Map<String, String> entries = new LinkedHashMap<>();
        int currentVersion;
        int nextVersion;
    }

    private FakeHaproxy(Path socket, String mapName, String... otherMaps) {
        this.socket = socket;
        this.mapName = mapName;
        maps.put(mapName, new OneMap());
        for (String m : otherMaps) {
            maps.put(m, new OneMap());
        }
    }

    /** Listens on {@code socket}, with an empty map named {@code mapName} and each of {@code otherMaps}. */
    static FakeHaproxy start(Path socket, String mapName, String... otherMaps) throws IOException {
        FakeHaproxy h = new FakeHaproxy(socket, mapName, otherMaps);
        h.listen();
        return h;
    }

    UnixDomainSocketAddress address() {
        return UnixDomainSocketAddress.of(socket);
    }

    /** The entries of the first map. */
    synchronized Map<String, String> map() {
        return map(mapName);
    }

    synchronized Map<String, String> map(String name) {
        return Map.copyOf(maps.get(name).entries);
    }

    /** Changes the running map without the feed: drift. */
    synchronized void edit(java.util.function.Consumer<Map<String, String>> edit) {
        edit.accept(maps.get(mapName).entries);
    }

    /** Connections accepted so far. */
    synchronized int connections() {
        return accepted;
    }

    /** Every command received so far but {@code prompt}, payloads left out. */
    synchronized List<String> commands() {
        return List.copyOf(commands);
    }

    synchronized long pid() {
        return pid;
    }

    /** Gone: nothing listens any more. */
    void stop() throws IOException {
        List<SocketChannel> open;
        synchronized (this) {
            server.close();
            open = List.copyOf(connections);
            connections.clear();
        }
        for (SocketChannel c : open) {
            c.close();
        }
        Files.deleteIfExists(socket);
    }

    /** Back as another process that loaded {@code fromFile}, as a restarted HAProxy does. */
    void restart(Map<String, String> fromFile) throws IOException {
        synchronized (this) {
            pid++;
            maps.replaceAll((name, m) -> new OneMap());
            maps.get(mapName).entries.putAll(fromFile);
        }
        listen();
    }

    private void listen() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        synchronized (this) {
            server = s;
        }
        Thread.ofVirtual().start(() -> {
            while (s.isOpen()) {
                try {
                    SocketChannel c = s.accept();
                    synchronized (this) {
                        connections.add(c);
                        accepted++;
                    }
                    Thread.ofVirtual().start(() -> serve(c));
                } catch (IOException e) {
                    return; // stopped
                }
            }
        });
    }

    private void serve(SocketChannel c) {
        try (c; BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.US_ASCII));
                OutputStream out = Channels.newOutputStream(c)) {
            boolean interactive = false;
            for (String line; (line = in.readLine()) != null; ) {
                List<String> payload = new ArrayList<>();
                if (line.endsWith(" <<")) {
                    line = line.substring(0, line.length() - 3);
                    for (String p; (p = in.readLine()) != null && !p.isEmpty(); ) {
                        payload.add(p);
                    }
                }
                String reply;
                if (line.equals("prompt")) {
                    interactive = !interactive;
                    reply = "";
                } else {
                    reply = answer(line, payload);
                }
                out.write((reply + (interactive ? "\n> " : "\n")).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!interactive) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client or stop() closed it
        }
    }

    private synchronized String answer(String line, List<String> payload) {
        commands.add(line);
        String[] w = line.split(" ");
        if (line.equals("show info")) {
            return "Name: HAProxy\nVersion: 2.6-fake\nPid: " + pid + "\nStart_time_sec: 1700000000\n";
        }
        if (line.equals("show map")) {
            StringBuilder b = new StringBuilder("# id (file) description\n");
            int id = -1;
            for (Map.Entry<String, OneMap> e : maps.entrySet()) {
                OneMap m = e.getValue();
                b.append(id--).append(" (").append(e.getKey()).append(") pattern loaded from file '").append(e.getKey())
                        .append("' used by map at file 'haproxy.cfg' line 9. curr_ver=").append(m.currentVersion).append(" next_ver=")
                        .append(m.nextVersion).append(" entry_cnt=").append(m.entries.size()).append('\n');
            }
            return b.toString();
        }
        if (w.length < 3 || !w[1].equals("map")) {
            return "Unknown command: '" + line + "'\n";
        }
        boolean versioned = w[2].startsWith("@");
        String name = versioned ? w[3] : w[2];
        OneMap m = maps.get(name);
        if (m == null) {
            return "Unknown map identifier. Please use #<id> or <file>.\n";
        }
        Map<String, String> map = m.entries;
        String[] kv = java.util.Arrays.copyOfRange(w, versioned ? 4 : 3, w.length);
        Map<String, String> into = versioned ? m.versions.get(Integer.parseInt(w[2].substring(1))) : map;
        switch (w[0]) {
            case "show" -> {
                StringBuilder b = new StringBuilder();
                map.forEach((k, v) -> b.append("0x55d0").append(Integer.toHexString(k.hashCode())).append(' ').append(k).append(' ')
                        .append(v).append('\n'));
                return b.toString();
            }
            case "add" -> {
                if (kv.length == 2) {
                    into.put(kv[0], kv[1]);
                }
                for (String p : payload) {
                    String[] e = p.split(" ", 2);
                    into.put(e[0], e[1]);
                }
                return "";
            }
            case "set" -> {
                return map.replace(kv[0], kv[1]) == null ? "entry not found.\n" : "";
            }
            case "del" -> {
                return map.remove(kv[0]) == null ? "Key not found.\n" : "";
            }
            case "prepare" -> {
                m.versions.put(++m.nextVersion, new LinkedHashMap<>());
                return "New version created: " + m.nextVersion + "\n";
            }
            case "commit" -> {
                m.currentVersion = Integer.parseInt(w[2].substring(1));
                m.entries = m.versions.remove(m.currentVersion);
                return "";
            }
            default -> {
                return "Unknown command: '" + line + "'\n";
            }
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
