package io.bucketdns.frontend.dns;

import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections of a server, at most {@code max}. Admitting one more at the bound closes
 * the connection that has waited longest since its last message, preferring one that never
 * completed a message: a crowd of clients that connect and stall then only ever delays the next
 * client by one close, never locks it out, and never costs a client that is being served (such as
 * PowerDNS's kept-alive connection, idle between its questions) its connection. Shared by every
 * stream listener (DNS over TCP, the HTTP and unix connectors).
 *
 * @param <C> the connection's socket or channel, closed on eviction
 */
public final class Connections<C extends Closeable> {
    private final int max;
    private final Set<Connection<C>> open = ConcurrentHashMap.newKeySet();

    public Connections(int max) {
        this.max = max;
    }

    /** Registers an accepted socket, closing the idlest connection first when at the bound. */
    public synchronized Connection<C> admit(C socket) {
        if (open.size() >= max) {
            Connection<C> idlest = null;
            for (Connection<C> c : open) {
                if (idlest == null || idlest.served && !c.served
                        || idlest.served == c.served && c.lastActive - idlest.lastActive < 0) {
                    idlest = c;
                }
            }
            if (idlest != null) {
                remove(idlest);
                idlest.close();
            }
        }
        Connection<C> c = new Connection<>(socket);
        open.add(c);
        return c;
    }

    public void remove(Connection<C> c) {
        open.remove(c);
    }

    public int size() {
        return open.size();
    }

    public void closeAll() {
        for (Connection<C> c : open) {
            c.close();
        }
        open.clear();
    }

    /** One client connection and when it last completed a message. */
    public static final class Connection<C extends Closeable> {
        public final C socket;
        volatile long lastActive = System.nanoTime();
        volatile boolean served;

        Connection(C socket) {
            this.socket = socket;
        }

        /** A whole message arrived: this connection is now the least idle. */
        public void touch() {
            lastActive = System.nanoTime();
            served = true;
        }

        /**
         * Only the end of a last reply is left to deliver (a lingering close): this connection no
         * longer counts as served, so it makes room before any client still being served, and after
         * the connections that stalled before it.
         */
        public void finishing() {
            lastActive = System.nanoTime();
            served = false;
        }

        /** Closes the socket; a thread blocked reading or writing it wakes with an exception. */
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
