package io.bucketdns.server;

import io.bucketdns.dns.Authority;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone authoritative DNS server: UDP and TCP on each configured address, answering
 * from the {@link Authority} in force. UDP and TCP of one address share its port, also when
 * the port is chosen by the system (port 0).
 *
 * <p>Over UDP, a fixed set of platform threads per address (one per core by default) receive,
 * answer and send, reusing their buffers, each on a socket of its own where the system allows.
 * Over TCP, each connection gets a virtual thread; their number is bounded, and at the bound the
 * connection idle the longest is closed to make room, so clients that connect and stall cannot
 * lock others out.
 *
 * <p>TCP is bound without {@code SO_REUSEPORT}: a port already served by another process makes
 * start-up fail instead of silently sharing its UDP traffic.
 */
public final class DnsServer implements AutoCloseable {
    /** The {@code listen(2)} backlog of TCP sockets. */
    private static final int BACKLOG = 128;
    /** How often to try another port when port 0 got a UDP port whose TCP twin is taken. */
    private static final int BIND_ATTEMPTS = 20;
    /** Kernel receive buffer asked for per UDP socket: absorbs bursts while the workers are busy. */
    private static final int UDP_RECEIVE_BUFFER = 4 << 20;

    private final List<UdpListener> udp = new ArrayList<>();
    private final List<TcpListener> tcp = new ArrayList<>();
    private final Connections<Socket> connections;

    /**
     * How much the server takes on.
     *
     * @param udpWorkers threads receiving and answering UDP, per address
     * @param maxUdpPayload the largest UDP response, whatever a client's EDNS offers (1232: no IP
     *     fragmentation on any common path, the DNS Flag Day 2020 value)
     * @param maxTcpConnections open TCP connections over all addresses
     * @param tcpIdleTimeout how long a TCP connection may wait between messages
     * @param tcpMessageTimeout how long one message may take to arrive once its first byte has
     */
    public record Limits(int udpWorkers, int maxUdpPayload, int maxTcpConnections, Duration tcpIdleTimeout,
            Duration tcpMessageTimeout) {
        public Limits {
            if (udpWorkers < 1 || maxTcpConnections < 1) {
                throw new IllegalArgumentException("at least one UDP worker and one TCP connection");
            }
            if (maxUdpPayload < Responder.CLASSIC_UDP || maxUdpPayload > Wire.MAX_MESSAGE) {
                throw new IllegalArgumentException("UDP payload " + maxUdpPayload + " outside 512..65535");
            }
        }

        /** One UDP worker per core, 1232-byte UDP answers, 512 TCP connections, 10 s idle, 2 s per message. */
        public static Limits defaults() {
            return new Limits(Runtime.getRuntime().availableProcessors(), 1232, 512, Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    private DnsServer(Limits limits) {
        this.connections = new Connections<>(limits.maxTcpConnections());
    }

    /**
     * Binds UDP and TCP on every address and starts answering.
     *
     * @throws IOException when an address cannot be bound; nothing stays bound then
     */
    public static DnsServer start(List<InetSocketAddress> addresses, Authority authority, Limits limits)
            throws IOException {
        Responder responder = new Responder(authority, limits.maxUdpPayload());
        DnsServer server = new DnsServer(limits);
        try {
            for (InetSocketAddress a : addresses) {
                server.bind(a, responder, limits);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        server.udp.forEach(UdpListener::start);
        server.tcp.forEach(TcpListener::start);
        return server;
    }

    private void bind(InetSocketAddress address, Responder responder, Limits limits) throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<DatagramChannel> channels = new ArrayList<>();
            ServerSocket socket = new ServerSocket();
            try {
                DatagramChannel first = udpChannel(address);
                channels.add(first);
                InetSocketAddress bound = (InetSocketAddress) first.getLocalAddress();
                if (first.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    for (int i = 1; i < limits.udpWorkers(); i++) {
                        channels.add(udpChannel(bound));
                    }
                }
                socket.setReuseAddress(true);
                socket.bind(bound, BACKLOG);
            } catch (BindException e) {
                closeAll(channels, socket);
                if (address.getPort() != 0 || attempt == BIND_ATTEMPTS) {
                    throw new BindException("cannot listen on " + address + " (udp and tcp): " + e.getMessage());
                }
                continue;
            } catch (IOException | RuntimeException e) {
                closeAll(channels, socket);
                throw e;
            }
            udp.add(new UdpListener(channels, responder, limits.udpWorkers()));
            tcp.add(new TcpListener(socket, responder, connections, limits));
            return;
        }
    }

    private static DatagramChannel udpChannel(InetSocketAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open(
                address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            if (channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.setOption(StandardSocketOptions.SO_RCVBUF, UDP_RECEIVE_BUFFER);
            channel.bind(address);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void closeAll(List<DatagramChannel> channels, ServerSocket socket) throws IOException {
        for (DatagramChannel c : channels) {
            c.close();
        }
        socket.close();
    }

    /** The bound addresses, in configured order; each serves UDP and TCP on the same port. */
    public List<InetSocketAddress> addresses() {
        return tcp.stream().map(TcpListener::address).toList();
    }

    /** The TCP connections open now, over all addresses. */
    public int connections() {
        return connections.size();
    }

    @Override
    public void close() {
        tcp.forEach(TcpListener::close);
        connections.closeAll();
        udp.forEach(UdpListener::close);
    }
}
