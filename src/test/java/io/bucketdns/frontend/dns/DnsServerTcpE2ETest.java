package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Clients that connect and stall, or send half a message, never lock a good client out. */
class DnsServerTcpE2ETest {
    private static final int MAX_CONNECTIONS = 32;
    private static final Duration IDLE = Duration.ofSeconds(1);
    private static final Duration MESSAGE = Duration.ofMillis(500);

    private DnsServer server;
    private InetSocketAddress address;
    private final List<Socket> attackers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = DnsServer.start(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Fixture.authority(List.of()), new DnsServer.Limits(1, 1232, MAX_CONNECTIONS, IDLE, MESSAGE, false), RateLimit.Settings.DEFAULT,
                Fixture.udpIo());
        address = server.addresses().get(0);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : attackers) {
            s.close();
        }
        server.close();
    }

    @Test
    void aClientAsksSeveralQuestionsOnOneConnection() throws IOException {
        try (Socket s = connect()) {
            for (int i = 0; i < 20; i++) {
                assertAnswered(s, 200);
            }
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket s = connect()) {
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(IDLE.minusMillis(100), IDLE.multipliedBy(3));
        }
    }

    @Test
    void halfAMessageIsClosedAfterTheMessageTimeout() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(new byte[] {0, 40, 1, 2, 3});
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(MESSAGE.minusMillis(100), MESSAGE.multipliedBy(4));
        }
    }

    @Test
    void stalledClientsBeyondTheLimitDoNotStarveAGoodOne() throws Exception {
        for (int i = 0; i < 3 * MAX_CONNECTIONS; i++) {
            attackers.add(stall(i));
        }
        // the table is full of stalled clients: a good one is still admitted and answered at once
        try (Socket s = connect()) {
            for (int i = 0; i < 20; i++) {
                assertAnswered(s, 200);
            }
        }
        // and while more keep arriving, each new good connection is answered too
        AtomicBoolean attacking = new AtomicBoolean(true);
        Thread attack = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 1000 && attacking.get(); i++) {
                try {
                    Socket s = stall(i);
                    synchronized (attackers) {
                        attackers.add(s);
                    }
                    Thread.sleep(5);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        try {
            for (int i = 0; i < 50; i++) {
                try (Socket s = connect()) {
                    assertAnswered(s, 500);
                }
            }
        } finally {
            attacking.set(false);
            attack.join();
        }
        assertThat(server.connections()).isLessThanOrEqualTo(MAX_CONNECTIONS);
    }

    /** Connects and sends nothing, or half a message. */
    private Socket stall(int i) throws IOException {
        Socket s = connect();
        if (i % 2 == 0) {
            s.getOutputStream().write(new byte[] {0, 40, 0x12, 0x34, 0});
        }
        return s;
    }

    private Socket connect() throws IOException {
        return new Socket(address.getAddress(), address.getPort());
    }

    private static void assertAnswered(Socket s, int millis) throws IOException {
        Message q = Fixture.query("foo.o.example.com.", Type.A);
        long start = System.nanoTime();
        s.setSoTimeout(millis);
        s.getOutputStream().write(Fixture.framed(q.toWire()));
        InputStream in = s.getInputStream();
        DataInputStream data = new DataInputStream(in);
        byte[] r = new byte[data.readUnsignedShort()];
        data.readFully(r);
        assertThat(new Message(r).getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("foo.o.example.eu.");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(millis));
    }
}
