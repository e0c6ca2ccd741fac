package io.bucketdns.frontend.pdns;

import io.bucketdns.frontend.dns.Connections;
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
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PowerDNS remote backend's unix connector, for {@code
 * remote-connection-string=unix:path=...}: a stream socket on which each connection speaks
 * {@link LineProtocol}. PowerDNS opens one connection per backend thread and keeps it.
 *
 * <p>Connecting needs write permission on the socket file: it gets the configured mode (0660 by
 * default) and group (the one PowerDNS runs as), so other local users are refused by the kernel.
 * At most {@value #MAX_CONNECTIONS} connections are open; one more closes the idlest, as the other
 * listeners do, and each connection's buffers grow with the lines it sends rather than being
 * allocated whole up front. A stale file left by a crash is replaced; a socket another process
 * still serves is not.
 */
public final class UnixConnector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnixConnector.class);
    /** PowerDNS opens one connection per backend thread (a handful); the rest is room for reconnects and tools. */
    static final int MAX_CONNECTIONS = 64;

    private final Path path;
    private final ServerSocketChannel server;
    private final RemoteBackend backend;
    private final Connections<SocketChannel> clients = new Connections<>(MAX_CONNECTIONS);
    private final Thread acceptor;

    private UnixConnector(Path path, ServerSocketChannel server, RemoteBackend backend) {
        this.path = path;
        this.server = server;
        this.backend = backend;
        this.acceptor = Thread.ofVirtual().name("pdns-unix-accept").unstarted(this::accept);
    }

    /**
     * Creates the socket at {@code path} with {@code mode} and {@code group} and starts serving.
     *
     * @param group a group name or number; null keeps the process's own
     * @throws IOException naming the path when it is in use, not a socket, or cannot be created or given that group
     */
    public static UnixConnector start(Path path, Set<PosixFilePermission> mode, String group, RemoteBackend backend) throws IOException {
        removeStale(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, mode);
            if (group != null) {
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setGroup(path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group));
            }
        } catch (IOException e) {
            server.close();
            Files.deleteIfExists(path);
            throw new IOException("cannot create unix socket " + path + (group == null ? "" : " for group " + group) + ": " + e
                    + (group == null ? "" : "; the process must be a member of that group (systemd: SupplementaryGroups=)"), e);
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
            Connections.Connection<SocketChannel> c = clients.admit(client);
            Thread.ofVirtual().name("pdns-unix").start(() -> serve(c));
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

    private void serve(Connections.Connection<SocketChannel> c) {
        try (SocketChannel client = c.socket) {
            LineProtocol.serve(Channels.newInputStream(client), Channels.newOutputStream(client), backend, c::touch);
        } catch (IOException e) {
            LOG.debug("pdns unix: connection ended: {}", e.toString());
        } finally {
            clients.remove(c);
        }
    }

    /** Open connections now. */
    int connections() {
        return clients.size();
    }

    @Override
    public void close() {
        try {
            server.close();
            clients.closeAll();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("pdns unix: closing {}: {}", path, e.toString());
        }
    }
}
