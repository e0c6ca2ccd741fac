package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Which addresses the real process answers from: with {@code listen = 0.0.0.0:PORT} (and
 * {@code [::]:PORT}) on a host with several addresses, each reply leaves from the address its
 * query went to (resolvers drop any other), over UDP and TCP. On the batched path that holds for
 * every address routed to the host, one on no interface included (127.0.0.0/8 is all local on
 * {@code lo}, as an AnyIP route makes a prefix); on the NIO path, whose wildcard stands for the
 * interfaces' addresses, for the addresses of interfaces, also one added after the start. And a
 * {@code [dns] listen} change keeps the very sockets of the addresses it keeps.
 *
 * <p>The extra addresses are /32s on {@code lo} (127.0.{100+slot}.x, so parallel work trees do not
 * meet), added and removed by the test; that needs CAP_NET_ADMIN, which root has.
 */
class ListenAddressesE2ETest {
    private static final String NET = "127.0." + (100 + RgwLab.labSlot()) + ".";
    /** An address routed to the host (127.0.0.0/8 is) but on no interface. */
    private static final String ROUTED_ONLY = NET + "9";
    private static final boolean NIO = BucketDnsFiles.UDP_IO.isPresent();

    @TempDir
    Path dir;
    BucketDnsProcess bucketdns;
    final List<String> added = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (bucketdns != null) {
            bucketdns.close();
        }
        for (String a : added) {
            ip("del", a);
        }
    }

    @Test
    void aWildcardAnswersFromEachAddressItWasAskedOnFollowingAddressChanges() throws Exception {
        String a = NET + "1";
        String b = NET + "2";
        String c = NET + "3";
        addAddress(a);
        addAddress(b);
        int port = Ports.free();
        int ops = Ports.free();
        bucketdns = BucketDnsProcess.serve(BucketDnsFiles.write(dir, List.of(), List.of("listen = 0.0.0.0:" + port, "[ops]",
                "listen = 127.0.0.1:" + ops)));
        assertThat(Ports.await(30, () -> "127.0.0.1".equals(replyFromOrNull("127.0.0.1", port)))).as("started; log:\n%s", bucketdns.log())
                .isTrue();

        for (String address : NIO ? List.of("127.0.0.1", a, b) : List.of("127.0.0.1", a, b, ROUTED_ONLY)) {
            assertAnsweredFromItself(address, port);
        }
        if (!NIO) {
            assertThat(inodes("udp", "0.0.0.0", port)).as("one wildcard socket per worker").isNotEmpty();
            return; // the wildcard sockets answer every address there is or will be: nothing to follow
        }
        assertThat(replyFromOrNull(ROUTED_ONLY, port)).as("nio binds the interfaces' addresses only").isNull();

        addAddress(c);
        assertThat(Ports.await(20, () -> c.equals(replyFromOrNull(c, port))))
                .as("an address added after the start is served from itself; log:\n%s", bucketdns.log()).isTrue();

        ip("del", b);
        added.remove(b);
        assertThat(Ports.await(20, () -> inodes("udp", b, port).isEmpty() && inodes("tcp", b, port).isEmpty()))
                .as("a removed address loses its sockets; log:\n%s", bucketdns.log()).isTrue();
        assertThat(replyFrom(a, port)).isEqualTo(a);
    }

    @Test
    void anIpv6WildcardAnswersIpv4AndIpv6EachFromTheAddressAsked() throws Exception {
        int port = Ports.free();
        bucketdns = BucketDnsProcess.serve(BucketDnsFiles.write(dir, List.of(), List.of("listen = [::]:" + port, "[ops]",
                "listen = 127.0.0.1:" + Ports.free())));
        assertThat(Ports.await(30, () -> "0:0:0:0:0:0:0:1".equals(replyFromOrNull("::1", port)))).as("started; log:\n%s", bucketdns.log())
                .isTrue();

        for (String address : NIO ? List.of("::1", "127.0.0.1") : List.of("::1", "127.0.0.1", ROUTED_ONLY)) {
            assertAnsweredFromItself(address, port);
        }
    }

    /** UDP from an unconnected socket and dig over UDP and TCP, which reject an answer from another address. */
    private static void assertAnsweredFromItself(String address, int port) throws IOException {
        assertThat(InetAddress.getByName(replyFrom(address, port))).as("reply to a query sent to %s", address)
                .isEqualTo(InetAddress.getByName(address));
        for (String transport : List.of("+notcp", "+tcp")) {
            Dig.Result dig = Dig.ask(address, port, "foo.o.example.com", "A", transport);
            assertThat(dig.status()).as("%s %s: %s", address, transport, dig.output()).isEqualTo("NOERROR");
            assertThat(dig.output()).as("dig checks the source").doesNotContain("unexpected source");
        }
    }

    @Test
    void aListenChangeKeepsTheSocketsOfTheAddressesItKeeps() throws Exception {
        int kept = Ports.free();
        int dropped = Ports.free();
        int added = Ports.free();
        int ops = Ports.free();
        Path conf = BucketDnsFiles.write(dir, List.of(), List.of("listen = 127.0.0.1:" + kept + ", 127.0.0.1:" + dropped,
                "[ops]", "listen = 127.0.0.1:" + ops));
        bucketdns = BucketDnsProcess.serve(conf);
        assertThat(Ports.await(30, () -> Ports.accepts(kept))).as("started; log:\n%s", bucketdns.log()).isTrue();
        Set<String> udp = inodes("udp", "127.0.0.1", kept);
        Set<String> tcp = inodes("tcp", "127.0.0.1", kept);
        assertThat(udp).as("one UDP socket per worker").isNotEmpty();
        assertThat(tcp).hasSize(1);

        String text = Files.readString(conf).replace("127.0.0.1:" + dropped, "127.0.0.1:" + added);
        Files.writeString(conf, text);
        Cli.Result reload = Cli.run("reload", "--config", conf.toString());
        assertThat(reload.exitCode()).as("%s", reload).isZero();
        assertThat(reload.out()).contains("reloaded:").contains("dns [/127.0.0.1:" + kept + ", /127.0.0.1:" + added + "]");

        assertThat(inodes("udp", "127.0.0.1", kept)).as("the kept address keeps its UDP sockets").isEqualTo(udp);
        assertThat(inodes("tcp", "127.0.0.1", kept)).as("and its TCP socket").isEqualTo(tcp);
        assertThat(inodes("udp", "127.0.0.1", dropped)).isEmpty();
        assertThat(replyFrom("127.0.0.1", kept)).isEqualTo("127.0.0.1");
        assertThat(replyFrom("127.0.0.1", added)).isEqualTo("127.0.0.1");
    }

    private Set<String> inodes(String table, String address, int port) {
        try {
            return bucketdns.socketInodes(table, address, port);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Asks {@code address:port} for foo from an unconnected socket; the reply's source address. */
    private static String replyFrom(String address, int port) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) { // the wildcard: IPv4 and IPv6
            socket.setSoTimeout(2000);
            Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(org.xbill.DNS.Name.fromString("foo.o.example.com."), Type.A,
                    org.xbill.DNS.DClass.IN));
            byte[] wire = q.toWire();
            socket.send(new DatagramPacket(wire, wire.length, InetAddress.getByName(address), port));
            byte[] buf = new byte[1232];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            socket.receive(reply);
            Message m = new Message(java.util.Arrays.copyOf(buf, reply.getLength()));
            assertThat(m.getHeader().getID()).isEqualTo(q.getHeader().getID());
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.getPort()).isEqualTo(port);
            return reply.getAddress().getHostAddress();
        }
    }

    private static String replyFromOrNull(String address, int port) {
        try {
            return replyFrom(address, port);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private void addAddress(String address) throws Exception {
        ip("del", address); // left over by an interrupted run
        assertThat(ip("add", address)).as("ip addr add %s/32 dev lo (needs CAP_NET_ADMIN)", address).isZero();
        added.add(address);
    }

    private static int ip(String verb, String address) throws Exception {
        Process p = new ProcessBuilder("ip", "addr", verb, address + "/32", "dev", "lo").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }
}
