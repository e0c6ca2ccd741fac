package io.bucketdns.server;

import java.io.IOException;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open TCP connections of a server, at most {@code max}. Admitting one more at the bound
 * closes the connection that has waited longest since its last message: a crowd of clients that
 * connect and stall then only ever delays the next client by one close, never locks it out.
 */
final class Connections {
    private final int max;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    Connections(int max) {
        this.max = max;
    }

    /** Registers an accepted socket, closing the idlest connection first when at the bound. */
    synchronized Connection admit(Socket socket) {
        if (open.size() >= max) {
            Connection idlest = null;
            for (Connection c : open) {
                if (idlest == null || c.lastActive - idlest.lastActive < 0) {
                    idlest = c;
                }
            }
            if (idlest != null) {
                remove(idlest);
                idlest.close();
            }
        }
        Connection c = new Connection(socket);
        open.add(c);
        return c;
    }

    void remove(Connection c) {
        open.remove(c);
    }

    int size() {
        return open.size();
    }

    void closeAll() {
        for (Connection c : open) {
            c.close();
        }
        open.clear();
    }

    /** One client connection and when it last completed a message. */
    static final class Connection {
        final Socket socket;
        volatile long lastActive = System.nanoTime();

        Connection(Socket socket) {
            this.socket = socket;
        }

        void touch() {
            lastActive = System.nanoTime();
        }

        /** Closes the socket; a thread blocked reading or writing it wakes with an exception. */
        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
