package io.bucketdns.e2e;

import java.time.Duration;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.BooleanSupplier;

/** Loopback ports for servers the tests start. */
public final class Ports {
    private Ports() {}

    /** A port free for both TCP and UDP on 127.0.0.1 right now. */
    public static int free() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
                if (udpFree(tcp.getLocalPort(), loopback)) {
                    return tcp.getLocalPort();
                }
            } catch (IOException e) {
                throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP on loopback");
    }

    private static boolean udpFree(int port, InetAddress address) {
        try {
            new DatagramSocket(port, address).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True once something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean accepts(int port) {
        try {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls {@code condition} until it holds; false after {@code seconds}. */
    public static boolean await(int seconds, BooleanSupplier condition) {
        return E2EWait.within(Duration.ofSeconds(seconds), condition::getAsBoolean);
    }
}
