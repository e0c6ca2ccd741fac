package io.bucketdns.frontend.dns;

import java.net.InetSocketAddress;

/** UDP on one address, by either path ({@link UdpIo}): the workers answering it. */
sealed interface UdpEndpoint extends AutoCloseable permits UdpListener, BatchUdpListener {
    void start();

    /** The address served, its port the one bound when it was 0. */
    InetSocketAddress address();

    /** Stops the workers and closes the sockets; answers still waiting for RGW are not sent. */
    @Override
    void close();
}
