package io.bucketdns.pdns;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PowerDNS remote backend's unix connector, for {@code
 * remote-connection-string=unix:path=...}: a stream socket on which each connection speaks
 * {@link LineProtocol}. PowerDNS opens one connection per backend thread and keeps it.
 *
 * <p>The socket file is made writable by every local user, because PowerDNS usually runs as its
 * own user and connecting needs write permission; it only answers questions that DNS publishes
 * anyway. A stale file left by a crash is replaced; a socket another process still serves is not.
 */
public final class UnixConnector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnixConnector.class);

    private final Path path;
    private final ServerSocketChannel server;
    private final RemoteBackend backend;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private UnixConnector(Path path, ServerSocketChannel server, RemoteBackend backend) {
        this.path = path;
        this.server = server;
        this.backend = backend;
        this.acceptor = Thread.ofVirtual().name("pdns-unix-accept").unstarted(this::accept);
    }

    /**
     * Creates the socket at {@code path} and starts serving.
     *
     * @throws IOException naming the path when it is in use, not a socket, or cannot be created
     */
    public static UnixConnector start(Path path, RemoteBackend backend) throws IOException {
        removeStale(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot create unix socket " + path + ": " + e.getMessage(), e);
        }
        UnixConnector connector = new UnixConnector(path, server, backend);
        connector.acceptor.start();
        return connector;
    }

    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new IOException(path + " exists and is not a socket; remove it or choose another [powerdns] unix_socket");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException(path + " is served by another process; stop it or choose another [powerdns] unix_socket");
        } catch (ConnectException e) {
            Files.delete(path);
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0140000; // S_IFMT == S_IFSOCK
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                LOG.warn("pdns unix: accept on {} failed: {}", path, e.toString());
                pause();
                continue;
            }
            clients.add(client);
            Thread.ofVirtual().name("pdns-unix").start(() -> serve(client));
        }
    }

    /** After a failed accept (such as running out of file descriptors), so as not to spin. */
    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            LineProtocol.serve(Channels.newInputStream(client), Channels.newOutputStream(client), backend);
        } catch (IOException e) {
            LOG.debug("pdns unix: connection ended: {}", e.toString());
        } finally {
            clients.remove(client);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            for (SocketChannel c : clients) {
                c.close();
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("pdns unix: closing {}: {}", path, e.toString());
        }
    }
}
