package io.bucketdns.frontend.dns;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP on one address (RFC 7766): any number of length-prefixed queries per connection, each
 * connection on a virtual thread; answers go in order, except one that waits for an on-demand RGW
 * look-up, which is written when it comes while the next queries are answered. A connection is
 * closed when it stays idle past the idle timeout, when a message it started does not arrive
 * whole within the message timeout, or when it sends something that is not a query (the stream
 * can no longer be trusted).
 */
final class TcpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);
    /** Pause after a failed accept (such as running out of file descriptors), so as not to spin. */
    private static final long ACCEPT_RETRY_MILLIS = 50;
    private static final int READ_BUFFER = 4096;

    private final ServerSocket server;
    private final Responder responder;
    private final ZoneTransfer transfers;
    private final Connections<Socket> connections;
    /** The idle timeout, shared with the server so that a reload reaches connections accepted after it. */
    private final AtomicInteger idleMillis;
    private final long messageNanos;
    private Thread acceptor;

    TcpListener(ServerSocket server, Responder responder, ZoneTransfer transfers, Connections<Socket> connections,
            DnsServer.Limits limits, AtomicInteger idleMillis) {
        this.server = server;
        this.responder = responder;
        this.transfers = transfers;
        this.connections = connections;
        this.idleMillis = idleMillis;
        this.messageNanos = limits.tcpMessageTimeout().toNanos();
    }

    void start() {
        acceptor = Thread.ofVirtual().name("dns-tcp-accept-" + address()).start(this::accept);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                LOG.warn("dns: tcp accept on {} failed: {}", address(), e.toString());
                sleep();
                continue;
            }
            Connections.Connection<Socket> c = connections.admit(socket);
            Thread.ofVirtual().name("dns-tcp").start(() -> serve(c));
        }
    }

    private void serve(Connections.Connection<Socket> c) {
        Socket socket = c.socket;
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), READ_BUFFER);
            OutputStream out = socket.getOutputStream();
            Query query = new Query();
            Wire wire = new Wire(2);
            // answers that waited for a look-up are written by other threads, in between (RFC 7766 6.2.1.1)
            Lock writing = new ReentrantLock();
            byte[] message = new byte[Responder.CLASSIC_UDP];
            while (true) {
                socket.setSoTimeout(idleMillis.get());
                int high = in.read();
                if (high < 0) {
                    return;
                }
                long deadline = System.nanoTime() + messageNanos;
                int length = (high << 8) | read(socket, in, deadline);
                if (length > message.length) {
                    message = new byte[length];
                }
                for (int got = 0; got < length; ) {
                    setTimeout(socket, deadline);
                    int n = in.read(message, got, length - got);
                    if (n < 0) {
                        throw new EOFException("connection closed inside a message");
                    }
                    got += n;
                }
                c.touch();
                if (ZoneTransfer.isTransfer(message, length)) {
                    transfers.serve(message, length, socket.getInetAddress(), m -> send(m, out, writing));
                    continue;
                }
                int n = responder.respond(query, message, length, wire, false);
                if (n == Responder.LATER) {
                    responder.answerLater(query, false, (late, answer, size) -> send(answer, size, out, writing));
                    continue;
                }
                if (n < 0) {
                    return;
                }
                send(wire, n, out, writing);
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("dns: tcp {} timed out", socket.getRemoteSocketAddress());
        } catch (IOException e) {
            LOG.debug("dns: tcp {}: {}", socket.getRemoteSocketAddress(), e.toString());
        } finally {
            connections.remove(c);
        }
    }

    private static void send(Wire wire, int n, OutputStream out, Lock writing) throws IOException {
        wire.buf[0] = (byte) (n >> 8);
        wire.buf[1] = (byte) n;
        writing.lock();
        try {
            out.write(wire.buf, 0, n + 2);
        } finally {
            writing.unlock();
        }
    }

    private static void send(byte[] message, OutputStream out, Lock writing) throws IOException {
        writing.lock();
        try {
            out.write(new byte[] {(byte) (message.length >> 8), (byte) message.length});
            out.write(message);
        } finally {
            writing.unlock();
        }
    }

    private static int read(Socket socket, InputStream in, long deadline) throws IOException {
        setTimeout(socket, deadline);
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed inside a message");
        }
        return b;
    }

    private static void setTimeout(Socket socket, long deadline) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("message not complete in time");
        }
        socket.setSoTimeout((int) left);
    }

    private static void sleep() {
        try {
            Thread.sleep(ACCEPT_RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("dns: closing tcp {}: {}", server, e.toString());
        }
        if (acceptor != null) {
            try {
                acceptor.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
