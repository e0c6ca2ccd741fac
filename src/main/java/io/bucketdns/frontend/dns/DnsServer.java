package io.bucketdns.frontend.dns;

import io.bucketdns.answer.Authority;
import io.bucketdns.catalog.CatalogHistory;
import io.bucketdns.catalog.CatalogListener;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone authoritative DNS server: UDP and TCP on each configured address, answering
 * from the {@link Authority} in force. UDP and TCP of one address share its port, also when
 * the port is chosen by the system (port 0).
 *
 * <p>Over UDP, a fixed set of platform threads per address (one per core by default) receive,
 * answer and send, reusing their buffers, each on a socket of its own where the system allows;
 * on Linux many datagrams per system call ({@link UdpIo#BATCHED}), else one ({@link UdpIo#NIO}).
 * Over TCP, each connection gets a virtual thread; their number is bounded, and at the bound the
 * connection idle the longest is closed to make room, so clients that connect and stall cannot
 * lock others out.
 *
 * <p>Each UDP reply must leave from the address its query came to: on a multi-homed, VIP or
 * anycast host resolvers drop replies from an address they did not ask. The batched path binds a
 * wildcard in {@code listen} ({@code 0.0.0.0}: every IPv4 address, {@code ::}: every address) as
 * it is and answers each datagram from its destination ({@code IP_PKTINFO}), so an address
 * routed to the host but on no interface (AnyIP, {@code ip route add local}) is answered too. The
 * NIO path cannot read a datagram's destination, so there every socket is bound to one address
 * and a wildcard stands for the addresses of the host's interfaces that are up, as BIND does it,
 * looked at again every {@value #RESCAN_SECONDS} seconds: new addresses get sockets, gone ones
 * lose theirs.
 *
 * <p>UDP answers over the rate of {@link RateLimit} are dropped or slipped; TCP is not limited
 * (its clients cannot be spoofed).
 *
 * <p>TCP is bound without {@code SO_REUSEPORT}: a port already served by another process makes
 * start-up fail instead of silently sharing its UDP traffic.
 *
 * <p>Most of its length is the set of bound addresses: wildcards matched against the host's
 * interfaces every few seconds (NIO), and a reload's two-phase change that keeps the sockets of kept
 * addresses; both edit the one address map under the same lock, so they stay together.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    /** The {@code listen(2)} backlog of TCP sockets. */
    private static final int BACKLOG = 128;
    /** How often to try another port when port 0 got a UDP port whose TCP twin is taken. */
    private static final int BIND_ATTEMPTS = 20;
    /** Kernel receive buffer asked for per UDP socket: absorbs bursts while the workers are busy. */
    private static final int UDP_RECEIVE_BUFFER = 4 << 20;
    /** How often a wildcard in {@code listen} is matched against the host's addresses again. */
    static final int RESCAN_SECONDS = 5;

    private final Responder responder;
    private final CatalogHistory history = new CatalogHistory();
    private final ZoneTransfer transfers;
    private final Limits limits;
    private final UdpIo udpIo;
    private final Connections<Socket> connections;
    private final AtomicReference<RateLimit> rateLimit = new AtomicReference<>();
    private final AtomicInteger tcpIdleMillis;
    private final ScheduledExecutorService rescans = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("dns-rescan").unstarted(r));
    // guarded by this
    private List<InetSocketAddress> listen = List.of();
    /** One UDP and TCP pair per address: as configured, or as found on an interface for a wildcard. */
    private final Map<InetSocketAddress, Endpoint> endpoints = new LinkedHashMap<>();
    /** Addresses a rescan could not bind, so that each is reported once, not every few seconds. */
    private final Set<InetSocketAddress> unbindable = new HashSet<>();
    private boolean changing;
    private boolean closed;

    /**
     * How much the server takes on.
     *
     * @param udpWorkers threads receiving and answering UDP, per address
     * @param maxUdpPayload the largest UDP response, whatever a client's EDNS offers (1232: no IP
     *     fragmentation on any common path, the DNS Flag Day 2020 value)
     * @param maxTcpConnections open TCP connections over all addresses
     * @param tcpIdleTimeout how long a TCP connection may wait between messages
     * @param tcpMessageTimeout how long one message may take to arrive once its first byte has
     * @param cpuAffinity on the batched path, keep each UDP worker on one CPU and give it the
     *     datagrams that arrive there ({@link CpuAffinity})
     */
    public record Limits(int udpWorkers, int maxUdpPayload, int maxTcpConnections, Duration tcpIdleTimeout,
            Duration tcpMessageTimeout, boolean cpuAffinity) {
        public Limits {
            if (udpWorkers < 1 || maxTcpConnections < 1) {
                throw new IllegalArgumentException("at least one UDP worker and one TCP connection");
            }
            if (maxUdpPayload < Responder.CLASSIC_UDP || maxUdpPayload > Wire.MAX_MESSAGE) {
                throw new IllegalArgumentException("UDP payload " + maxUdpPayload + " outside 512..65535");
            }
        }

        /** These limits with another TCP idle timeout. */
        public Limits withTcpIdleTimeout(Duration idle) {
            return new Limits(udpWorkers, maxUdpPayload, maxTcpConnections, idle, tcpMessageTimeout, cpuAffinity);
        }

        /** These limits with UDP workers kept on their CPUs, or not. */
        public Limits withCpuAffinity(boolean on) {
            return new Limits(udpWorkers, maxUdpPayload, maxTcpConnections, tcpIdleTimeout, tcpMessageTimeout, on);
        }

        /** One UDP worker per core, each on its CPU; 1232-byte UDP answers, 512 TCP connections, 10 s idle, 2 s per message. */
        public static Limits defaults() {
            return new Limits(Runtime.getRuntime().availableProcessors(), 1232, 512, Duration.ofSeconds(10), Duration.ofSeconds(2), true);
        }
    }

    /** The UDP and TCP listeners of one address. */
    private record Endpoint(UdpEndpoint udp, TcpListener tcp) {
        void start() {
            udp.start();
            tcp.start();
        }

        InetSocketAddress address() {
            return tcp.address();
        }

        void close() {
            tcp.close();
            udp.close();
        }
    }

    private DnsServer(Authority authority, Limits limits, UdpIo udpIo) {
        this.responder = new Responder(authority, limits.maxUdpPayload());
        this.transfers = new ZoneTransfer(authority, history, java.time.Clock.systemUTC());
        this.limits = limits;
        this.udpIo = udpIo;
        this.connections = new Connections<>(limits.maxTcpConnections());
        this.tcpIdleMillis = new AtomicInteger(millis(limits.tcpIdleTimeout()));
    }

    /**
     * Binds UDP and TCP on every address and starts answering.
     *
     * @param listen addresses as configured; a wildcard needs a port other than 0 on the NIO path
     * @param rateLimit the response rate limit of UDP answers
     * @param udpIo how UDP moves; {@link UdpIo#BATCHED} only where {@link UdpIo#select} gave it
     * @throws IOException when an address cannot be bound; nothing stays bound then
     */
    public static DnsServer start(List<InetSocketAddress> listen, Authority authority, Limits limits, RateLimit.Settings rateLimit,
            UdpIo udpIo) throws IOException {
        DnsServer server = new DnsServer(authority, limits, udpIo);
        server.rateLimit(rateLimit);
        Map<InetSocketAddress, Endpoint> bound = server.bindAll(server.wanted(listen), Set.of(), listen);
        synchronized (server) {
            server.listen = List.copyOf(listen);
            server.endpoints.putAll(bound);
        }
        bound.values().forEach(Endpoint::start);
        server.rescans.scheduleWithFixedDelay(server::rescan, RESCAN_SECONDS, RESCAN_SECONDS, TimeUnit.SECONDS);
        return server;
    }

    /** Applies new rate-limit settings; the counts so far are kept when they did not change. */
    public void rateLimit(RateLimit.Settings settings) {
        RateLimit now = rateLimit.get();
        if (now == null ? settings.responsesPerSecond() != 0 : !now.settings().equals(settings)) {
            rateLimit.set(RateLimit.of(settings));
        }
    }

    /**
     * Who may transfer the zones over TCP from now on ({@code [xfr] allow}; empty: nobody), and
     * the TSIG keys that must sign a transfer ({@code [xfr] tsig}; empty: unsigned is fine).
     */
    public void transfersAllowed(List<RateLimit.Network> allow, List<TsigKey> keys) {
        transfers.allow(allow, keys);
    }

    /**
     * The history IXFR answers come from: to be told of every catalog change ({@code
     * addCatalogListener}) while the server runs; untold, every IXFR is answered as an AXFR.
     */
    public CatalogListener history() {
        return history;
    }

    /** Applies a new TCP idle timeout to the connections accepted from now on. */
    public void tcpIdleTimeout(Duration idle) {
        tcpIdleMillis.set(millis(idle));
    }

    private static int millis(Duration d) {
        return Math.clamp(d.toMillis(), 1, Integer.MAX_VALUE);
    }

    /**
     * The first half of a change of {@code listen}: binds the addresses it adds, keeping the
     * sockets of those it keeps. Nothing changes for clients until {@link Change#commit()}.
     *
     * @throws IOException when an added address cannot be bound; nothing changed then
     */
    public synchronized Change change(List<InetSocketAddress> next) throws IOException {
        if (changing || closed) {
            throw new IllegalStateException("a listen change is under way already, or the server is closed");
        }
        Set<InetSocketAddress> wanted = wanted(next);
        Map<InetSocketAddress, Endpoint> added = bindAll(wanted, endpoints.keySet(), next);
        changing = true;
        return new Change(List.copyOf(next), wanted, added);
    }

    /** A change of {@code listen} whose new sockets are bound; exactly one of its methods must be called. */
    public final class Change {
        private final List<InetSocketAddress> next;
        private final Set<InetSocketAddress> wanted;
        private final Map<InetSocketAddress, Endpoint> added;

        private Change(List<InetSocketAddress> next, Set<InetSocketAddress> wanted, Map<InetSocketAddress, Endpoint> added) {
            this.next = next;
            this.wanted = wanted;
            this.added = added;
        }

        /** Starts answering on the added addresses and closes the dropped ones. */
        public void commit() {
            List<Endpoint> dropped = new ArrayList<>();
            synchronized (DnsServer.this) {
                changing = false;
                listen = next;
                dropped.addAll(removeAllBut(wanted));
                endpoints.putAll(added);
                unbindable.clear();
            }
            added.values().forEach(Endpoint::start);
            dropped.forEach(Endpoint::close);
        }

        /** Closes the added sockets; the server goes on as before. */
        public void abort() {
            synchronized (DnsServer.this) {
                changing = false;
            }
            added.values().forEach(Endpoint::close);
        }
    }

    /** How UDP moves, as chosen at start. */
    /** Whether batched UDP workers were asked to stay on their CPUs. */
    public boolean cpuAffinity() {
        return limits.cpuAffinity();
    }

    public UdpIo udpIo() {
        return udpIo;
    }

    /**
     * The addresses to bind for {@code listen}: on the batched path each as it is, but
     * {@code 0.0.0.0} when {@code ::} on the same port takes IPv4 already; on the NIO path as
     * {@link #expand} finds them.
     */
    private Set<InetSocketAddress> wanted(List<InetSocketAddress> listen) throws SocketException {
        if (udpIo == UdpIo.NIO) {
            return expand(listen);
        }
        Set<InetSocketAddress> out = new LinkedHashSet<>(listen);
        out.removeIf(a -> a.getAddress() instanceof Inet4Address && a.getAddress().isAnyLocalAddress()
                && listen.stream().anyMatch(b -> b.getAddress() instanceof Inet6Address && b.getAddress().isAnyLocalAddress()
                        && b.getPort() == a.getPort()));
        return out;
    }

    /**
     * The concrete addresses {@code listen} stands for now on the NIO path, in order: an address as it is, a
     * wildcard as every address of the interfaces that are up (IPv4 only for {@code 0.0.0.0}).
     */
    static Set<InetSocketAddress> expand(List<InetSocketAddress> listen) throws SocketException {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        List<InetAddress> local = null;
        for (InetSocketAddress a : listen) {
            if (!a.getAddress().isAnyLocalAddress()) {
                out.add(a);
                continue;
            }
            if (a.getPort() == 0) {
                throw new IllegalArgumentException(a + ": a wildcard address needs a port, the same on every local address");
            }
            if (local == null) {
                local = localAddresses();
            }
            for (InetAddress l : local) {
                if (a.getAddress() instanceof Inet6Address || l instanceof Inet4Address) {
                    out.add(new InetSocketAddress(l, a.getPort()));
                }
            }
        }
        return out;
    }

    private static List<InetAddress> localAddresses() throws SocketException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) {
            if (i.isUp()) {
                i.inetAddresses().forEach(out::add);
            }
        }
        return out;
    }

    /** Takes the endpoints of addresses not in {@code wanted} out of service; the caller closes them. */
    private List<Endpoint> removeAllBut(Set<InetSocketAddress> wanted) {
        List<Endpoint> removed = new ArrayList<>();
        endpoints.entrySet().removeIf(e -> !wanted.contains(e.getKey()) && removed.add(e.getValue()));
        return removed;
    }

    /**
     * Binds every address of {@code wanted} not in {@code have}; all or nothing, but for an address
     * a wildcard found that cannot be used yet (an IPv6 address still in duplicate address
     * detection at boot): that one is left to the next rescan.
     */
    private Map<InetSocketAddress, Endpoint> bindAll(Set<InetSocketAddress> wanted, Set<InetSocketAddress> have,
            List<InetSocketAddress> listen) throws IOException {
        Map<InetSocketAddress, Endpoint> bound = new LinkedHashMap<>();
        try {
            for (InetSocketAddress a : wanted) {
                if (have.contains(a)) {
                    continue;
                }
                try {
                    bound.put(a, bind(a));
                } catch (BindException e) {
                    if (listen.contains(a) || !String.valueOf(e.getMessage()).contains("Cannot assign requested address")) {
                        throw e;
                    }
                    LOG.warn("dns: {} cannot be bound yet ({}); trying again every {} s", a, e.getMessage(), RESCAN_SECONDS);
                }
            }
        } catch (IOException | RuntimeException e) {
            bound.values().forEach(Endpoint::close);
            throw e;
        }
        return bound;
    }

    /** Follows the host's addresses for the wildcards of {@code listen}. */
    private void rescan() {
        try {
            Map<InetSocketAddress, Endpoint> added = new LinkedHashMap<>();
            List<Endpoint> dropped = new ArrayList<>();
            synchronized (this) {
                if (changing || closed || udpIo == UdpIo.BATCHED || listen.stream().noneMatch(a -> a.getAddress().isAnyLocalAddress())) {
                    return;
                }
                Set<InetSocketAddress> wanted = expand(listen);
                for (InetSocketAddress a : wanted) {
                    if (!endpoints.containsKey(a)) {
                        try {
                            added.put(a, bind(a));
                            unbindable.remove(a);
                        } catch (IOException | RuntimeException e) {
                            if (unbindable.add(a)) {
                                LOG.warn("dns: new address {} cannot be served: {}; trying again every {} s", a, e.getMessage(), RESCAN_SECONDS);
                            }
                        }
                    }
                }
                dropped.addAll(removeAllBut(wanted));
                unbindable.retainAll(wanted);
                endpoints.putAll(added);
            }
            added.values().forEach(Endpoint::start);
            dropped.forEach(Endpoint::close);
            if (!added.isEmpty() || !dropped.isEmpty()) {
                LOG.info("dns: addresses changed: now udp and tcp on {}", addresses());
            }
        } catch (SocketException | RuntimeException e) {
            LOG.warn("dns: cannot list the host's addresses: {}", e.toString());
        }
    }

    private Endpoint bind(InetSocketAddress address) throws IOException {
        for (int attempt = 1; ; attempt++) {
            UdpEndpoint udp = null;
            ServerSocket socket = new ServerSocket();
            try {
                udp = udpIo == UdpIo.BATCHED ? batchedUdp(address) : nioUdp(address);
                socket.setReuseAddress(true);
                socket.bind(udp.address(), BACKLOG);
            } catch (BindException e) {
                closeAll(udp, socket);
                if (address.getPort() != 0 || attempt == BIND_ATTEMPTS) {
                    throw new BindException("cannot listen on " + address + " (udp and tcp): " + e.getMessage());
                }
                continue;
            } catch (IOException | RuntimeException e) {
                closeAll(udp, socket);
                throw e;
            }
            return new Endpoint(udp, new TcpListener(socket, responder, transfers, connections, limits, tcpIdleMillis));
        }
    }

    /** One socket per worker on {@code address}, all on the port the first one got. */
    private UdpEndpoint batchedUdp(InetSocketAddress address) throws IOException {
        int[] fds = new int[limits.udpWorkers()];
        int opened = 0;
        try {
            fds[0] = LinuxUdp.open(address, UDP_RECEIVE_BUFFER);
            opened = 1;
            InetSocketAddress bound = LinuxUdp.localAddress(fds[0]);
            for (; opened < fds.length; opened++) {
                fds[opened] = LinuxUdp.open(bound, UDP_RECEIVE_BUFFER);
            }
            return new BatchUdpListener(fds, bound, udpAnswers(), limits.udpWorkers(), limits.maxUdpPayload(),
                    limits.cpuAffinity() ? steer(fds, bound) : null);
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < opened; i++) {
                LinuxUdp.close(fds[i]);
            }
            throw e;
        }
    }

    /**
     * Steers {@code fds}' datagrams by the CPU they arrive on and returns the CPU for each socket's
     * worker; null, logged once, where the allowed CPUs do not map one to one onto the sockets or the
     * kernel refuses: the workers then go where the system puts them.
     */
    private int[] steer(int[] fds, InetSocketAddress bound) {
        try {
            int[] allowed = LinuxUdp.allowedCpus();
            int[] cpus = CpuAffinity.plan(allowed, fds.length);
            if (cpus == null) {
                LOG.info("dns: udp on {}: {} workers on CPUs {}: not one a CPU, left where the system puts them", bound, fds.length,
                        java.util.Arrays.toString(allowed));
                return null;
            }
            LinuxUdp.steerByCpu(fds[0], fds.length);
            LOG.info("dns: udp on {}: each worker kept on its CPU, fed what arrives there: CPUs {}", bound, java.util.Arrays.toString(cpus));
            return cpus;
        } catch (IOException e) {
            LOG.info("dns: udp on {}: workers left where the system puts them: {}", bound, e.getMessage());
            return null;
        }
    }

    private UdpAnswers udpAnswers() {
        return new UdpAnswers(responder, transfers, rateLimit, System::nanoTime);
    }

    private UdpEndpoint nioUdp(InetSocketAddress address) throws IOException {
        List<DatagramChannel> channels = new ArrayList<>();
        try {
            DatagramChannel first = udpChannel(address);
            channels.add(first);
            InetSocketAddress bound = (InetSocketAddress) first.getLocalAddress();
            if (first.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                for (int i = 1; i < limits.udpWorkers(); i++) {
                    channels.add(udpChannel(bound));
                }
            }
            return new UdpListener(channels, udpAnswers(), limits.udpWorkers());
        } catch (IOException | RuntimeException e) {
            for (DatagramChannel c : channels) {
                c.close();
            }
            throw e;
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

    private static void closeAll(UdpEndpoint udp, ServerSocket socket) throws IOException {
        if (udp != null) {
            udp.close();
        }
        socket.close();
    }

    /** The bound addresses: as configured, or found for a wildcard; each serves UDP and TCP on the same port. */
    public synchronized List<InetSocketAddress> addresses() {
        return endpoints.values().stream().map(Endpoint::address).toList();
    }

    /** The TCP connections open now, over all addresses. */
    public int connections() {
        return connections.size();
    }

    @Override
    public void close() {
        List<Endpoint> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(endpoints.values());
            endpoints.clear();
        }
        rescans.shutdownNow();
        all.forEach(e -> e.tcp().close());
        connections.closeAll();
        all.forEach(e -> e.udp().close());
    }
}
