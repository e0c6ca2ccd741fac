package io.bucketdns.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.pdns.HttpConnectorTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's own guarantees on a real socket: deadlines, eviction at the limit, 500 on a handler failure. */
class Http11ServerTest {
    private static final Http11Server.ErrorBody JSON_REASON =
            reason -> ("{\"error\":\"" + reason + "\"}").getBytes(StandardCharsets.UTF_8);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private Http11Server start(Http11Server.Limits limits) throws IOException {
        Http11Server server = new Http11Server(new InetSocketAddress("127.0.0.1", 0), 1024, request -> {
            if (request.target().equals("/boom")) {
                throw new IllegalStateException("injected failure");
            }
            return new Http11Server.Response(200, ("{\"ok\":\"" + request.target() + "\"}").getBytes(StandardCharsets.UTF_8));
        }, JSON_REASON, limits);
        open.add(server);
        return server;
    }

    private Socket connect(Http11Server server) throws IOException {
        Socket s = new Socket("127.0.0.1", server.address().getPort());
        s.setSoTimeout(10_000);
        open.add(s);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Whether the server answers (or hangs up) within {@code limit}; what it sent stays to be read. */
    private static boolean answers(Socket s, PushbackInputStream in, Duration limit) throws IOException {
        int before = s.getSoTimeout();
        s.setSoTimeout((int) limit.toMillis());
        try {
            int b = in.read();
            if (b >= 0) {
                in.unread(b);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            s.setSoTimeout(before);
        }
    }

    private static String response(InputStream in) throws IOException {
        return HttpConnectorTest.readResponse(in);
    }

    @Test
    void aHandlerFailureIsA500WithItsReasonAndTheConnectionKeepsServing() throws IOException {
        Http11Server server = start(Http11Server.Limits.DEFAULT);
        Socket s = connect(server);
        send(s, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 500 Internal Server Error\r\n")
                .contains("Content-Type: application/json")
                .endsWith("{\"error\":\"internal error: IllegalStateException; the request was not handled, the server keeps answering\"}");
        send(s, "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("{\"ok\":\"/next\"}");
    }

    @Test
    void aRequestTricklingInIsCutAtItsDeadlineWith408() throws Exception {
        Http11Server server = start(new Http11Server.Limits(16, Duration.ofSeconds(60), Duration.ofMillis(800)));
        Socket s = connect(server);
        long start = System.nanoTime();
        // one byte every 200 ms: each read is quick, the request as a whole is not
        String request = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";
        PushbackInputStream in = new PushbackInputStream(s.getInputStream());
        int sent = 0;
        while (sent < request.length()) {
            try {
                send(s, request.substring(sent, sent + 1));
            } catch (IOException e) {
                break; // closed by the server
            }
            sent++;
            if (answers(s, in, Duration.ofMillis(200))) {
                break;
            }
        }
        String reply = response(in);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(reply).startsWith("HTTP/1.1 408 Request Timeout").contains("Connection: close")
                .endsWith("{\"error\":\"request not complete within 800 ms\"}");
        assertThat(millis).isBetween(700L, 5_000L);
        assertThat(sent).isLessThan(request.length());
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void atTheLimitTheIdlestConnectionMakesRoom() throws Exception {
        Http11Server server = start(new Http11Server.Limits(4, Duration.ofSeconds(60), Duration.ofSeconds(60)));
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket s = connect(server);
            send(s, "GET /stalled-" + i);
            stalled.add(s);
        }
        // the accept loop admits connections in the order they come, before it accepts the next:
        // the four are in before the first fresh one
        for (int i = 0; i < 10; i++) {
            Socket s = connect(server);
            send(s, "GET /fresh-" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200").endsWith("{\"ok\":\"/fresh-" + i + "\"}");
        }
        // the stalled ones were the idlest: every one of them was closed to make room
        for (Socket s : stalled) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(server.connections()).isLessThanOrEqualTo(4);
    }
}
