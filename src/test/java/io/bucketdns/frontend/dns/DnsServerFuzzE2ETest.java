package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A million random and mutated packets against the running server on loopback. After every
 * batch a good question must still be answered at once (no hang), no answer may be SERVFAIL (an
 * exception inside), and no worker thread may be lost. Reproduce a failure with -Dfuzz.seed=N.
 */
class DnsServerFuzzE2ETest {
    private static final int UDP_PACKETS = 1_000_000;
    private static final int TCP_MESSAGES = 20_000;
    private static final int BATCH = 250;
    private static final int PROBE_TIMEOUT_MILLIS = 2000;

    private final long seed = Long.getLong("fuzz.seed", System.nanoTime());
    private final Packets packets = new Packets(seed);
    private DnsServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        server = DnsServer.start(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Fixture.authority(List.of("2001:db8::1")), DnsServer.Limits.defaults(), new RateLimit.Settings(0, 0, List.of()),
                Fixture.udpIo());
        address = server.addresses().get(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aMillionBadUdpPacketsCrashNothingHangNothingAndLoseNoThread() throws IOException {
        int workers = udpWorkers();
        assertThat(workers).isEqualTo(DnsServer.Limits.defaults().udpWorkers());
        long started = System.nanoTime();
        long responses = 0;
        try (DatagramSocket client = new DatagramSocket()) {
            client.connect(address);
            client.setReceiveBufferSize(4 << 20);
            byte[] buffer = new byte[Wire.MAX_MESSAGE];
            DatagramPacket received = new DatagramPacket(buffer, buffer.length);
            for (int sent = 0, probe = 0; sent < UDP_PACKETS; probe++) {
                for (int i = 0; i < BATCH; i++, sent++) {
                    byte[] p = packets.bad();
                    client.send(new DatagramPacket(p, p.length));
                }
                Message question = Fixture.query("FoO.o.example.com.", Type.A);
                question.getHeader().setID(probe & 0xFFFF);
                byte[] q = question.toWire();
                client.send(new DatagramPacket(q, q.length));
                // drain the answers to the batch until the probe's own answer comes
                long deadline = System.nanoTime() + PROBE_TIMEOUT_MILLIS * 1_000_000L;
                while (true) {
                    int left = (int) ((deadline - System.nanoTime()) / 1_000_000);
                    assertThat(left).as("seed %d: no answer to a good question after %d packets", seed, sent).isPositive();
                    client.setSoTimeout(left);
                    try {
                        client.receive(received);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    responses++;
                    byte[] r = Arrays.copyOf(buffer, received.getLength());
                    assertThat(r.length).as("seed %d", seed).isGreaterThanOrEqualTo(Query.HEADER);
                    assertThat(r[2] & 0x80).as("seed %d: QR", seed).isNotZero();
                    assertThat(r[3] & 0xF).as("seed %d: SERVFAIL means an exception inside", seed).isNotEqualTo(Rcode.SERVFAIL);
                    if (isAnswerTo(r, question)) {
                        break;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("fuzz (seed %d): %d packets over udp, %d responses, %.1f s, %.0f packets/s%n",
                seed, UDP_PACKETS, responses, seconds, UDP_PACKETS / seconds);
        assertThat(udpWorkers()).as("worker threads alive").isEqualTo(workers);
        assertGoodAnswers();
    }

    @Test
    void badMessagesOverTcpCloseOnlyTheirConnection() throws IOException {
        Socket socket = null;
        try {
            for (int i = 0; i < TCP_MESSAGES; i++) {
                if (socket == null) {
                    socket = new Socket(address.getAddress(), address.getPort());
                    socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
                }
                byte[] m = packets.bad();
                if (!exchange(socket, m)) {
                    socket.close();
                    socket = null;
                }
            }
        } finally {
            if (socket != null) {
                socket.close();
            }
        }
        assertGoodAnswers();
    }

    /** Writes one length-prefixed message; true when an answer came back, false when the server closed. */
    private boolean exchange(Socket socket, byte[] m) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(Fixture.framed(m));
        DataInputStream in = new DataInputStream(socket.getInputStream());
        try {
            byte[] r = new byte[in.readUnsignedShort()];
            in.readFully(r);
            assertThat(r[3] & 0xF).as("seed %d: SERVFAIL means an exception inside", seed).isNotEqualTo(Rcode.SERVFAIL);
            return true;
        } catch (EOFException | java.net.SocketException e) {
            return false;
        }
    }

    private void assertGoodAnswers() throws IOException {
        Message q = Fixture.query("foo.o.example.com.", Type.A);
        try (DatagramSocket client = new DatagramSocket()) {
            client.connect(address);
            client.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            byte[] wire = q.toWire();
            client.send(new DatagramPacket(wire, wire.length));
            byte[] buffer = new byte[Wire.MAX_MESSAGE];
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            client.receive(p);
            assertThat(isAnswerTo(Arrays.copyOf(buffer, p.getLength()), q)).isTrue();
        }
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            assertThat(exchange(socket, q.toWire())).isTrue();
        }
    }

    private static boolean isAnswerTo(byte[] response, Message question) throws IOException {
        if (Query.u16(response, 0) != question.getHeader().getID()) {
            return false;
        }
        Message m;
        try {
            m = new Message(response);
        } catch (IOException e) {
            return false;
        }
        if (!question.getQuestion().equals(m.getQuestion())) {
            return false;
        }
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(m.getSection(Section.ANSWER)).hasSize(1);
        assertThat(m.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("foo.o.example.eu.");
        return true;
    }

    private static int udpWorkers() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("dns-udp-") && t.isAlive()).count();
    }
}
