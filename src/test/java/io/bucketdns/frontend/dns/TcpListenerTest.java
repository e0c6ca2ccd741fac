package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * DNS over TCP on a real loopback socket (RFC 7766): pipelined queries, an answer that waits while
 * the next are answered, and the connections it closes. A client reads with a 5 s timeout, so a
 * connection the listener should have closed fails the test instead of hanging it.
 */
class TcpListenerTest {
    private final DeferringAuthority authority = new DeferringAuthority();
    private final List<Socket> clients = new ArrayList<>();
    private TcpListener listener;

    private void start(int maxConnections, Duration messageTimeout) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        DnsServer.Limits limits = new DnsServer.Limits(1, 1232, maxConnections, Duration.ofSeconds(10), messageTimeout, false);
        listener = new TcpListener(server, new Responder(authority, 1232), new ZoneTransfer(authority, new io.bucketdns.catalog.CatalogHistory(), java.time.Clock.systemUTC()), new Connections<>(maxConnections), limits,
                new AtomicInteger(10_000));
        listener.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.connect(listener.address(), 3_000);
        s.setSoTimeout(5_000);
        return s;
    }

    private static byte[] query(String name, int id) {
        Message q = Fixture.query(name, Type.A);
        q.getHeader().setID(id);
        return Fixture.framed(q.toWire());
    }

    private static Message read(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] m = new byte[in.readUnsignedShort()];
        in.readFully(m);
        return new Message(m);
    }

    /** True when the listener closed the connection: the next read ends the stream. */
    private static boolean closedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        return in.read() < 0;
    }

    @Test
    void answersPipelinedQueriesInTheirOrder() throws IOException {
        start(4, Duration.ofSeconds(2));
        Socket s = connect();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(query("foo.o.example.com.", 1));
        all.writeBytes(query("bar.o.example.com.", 2));
        all.writeBytes(query("nope.o.example.com.", 3));
        s.getOutputStream().write(all.toByteArray());

        assertThat(read(s).getHeader().getID()).isEqualTo(1);
        assertThat(read(s).getHeader().getID()).isEqualTo(2);
        Message third = read(s);
        assertThat(third.getHeader().getID()).isEqualTo(3);
        assertThat(third.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void anAnswerThatWaitsIsWrittenWhenItComesAfterTheQueriesBehindIt() throws Exception {
        start(4, Duration.ofSeconds(2));
        Socket s = connect();
        s.getOutputStream().write(query("new-1.o.example.com.", 1));
        s.getOutputStream().write(query("foo.o.example.com.", 2));

        assertThat(read(s).getHeader().getID()).as("answered while new-1 waits").isEqualTo(2);
        authority.finishNext();
        Message late = read(s);
        assertThat(late.getHeader().getID()).isEqualTo(1);
        assertThat(late.getHeader().getFlag(Flags.TC)).as("TCP answers are never truncated").isFalse();
    }

    @Test
    void aMessageThatDoesNotArriveWholeInTimeClosesTheConnection() throws IOException {
        start(4, Duration.ofMillis(200));
        Socket s = connect();
        byte[] q = query("foo.o.example.com.", 1);
        s.getOutputStream().write(q, 0, q.length - 3); // the rest never comes

        assertThat(closedByServer(s)).isTrue();
    }

    @Test
    void aResponseWhereAQueryBelongsClosesTheConnection() throws IOException {
        start(4, Duration.ofSeconds(2));
        Socket s = connect();
        Message response = Fixture.query("foo.o.example.com.", Type.A);
        response.getHeader().setFlag(Flags.QR);
        s.getOutputStream().write(Fixture.framed(response.toWire()));

        assertThat(closedByServer(s)).as("the stream can no longer be trusted").isTrue();
    }

    @Test
    void atTheBoundTheIdlestConnectionMakesRoomForTheNext() throws IOException {
        start(1, Duration.ofSeconds(2));
        Socket first = connect();
        first.getOutputStream().write(query("foo.o.example.com.", 1));
        assertThat(read(first).getHeader().getID()).isEqualTo(1);

        Socket second = connect();
        second.getOutputStream().write(query("bar.o.example.com.", 2));

        assertThat(read(second).getHeader().getID()).isEqualTo(2);
        assertThat(closedByServer(first)).isTrue();
    }
}
