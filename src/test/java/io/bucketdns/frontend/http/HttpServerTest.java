package io.bucketdns.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.frontend.pdns.HttpConnectorTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's own guarantees on a real socket: framing errors and limits answered and closed,
 * deadlines, eviction at the limit, keep-alive, 500 on a handler failure. Time-based cases run with
 * short limits given to the constructor; the defaults are asserted on their own.
 */
class HttpServerTest {
    private static final HttpServer.ErrorBody JSON_REASON =
            reason -> ("{\"error\":\"" + reason.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
    private static final int MAX_BODY = 1024;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** Answers {"ok":TARGET,"body":BODY}; /boom throws. */
    private HttpServer start(HttpServer.Limits limits) throws IOException {
        HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), MAX_BODY, request -> {
            if (request.target().equals("/boom")) {
                throw new IllegalStateException("injected failure");
            }
            return new HttpServer.Response(200, ("{\"ok\":\"" + request.target() + "\",\"body\":\""
                    + new String(request.body(), StandardCharsets.UTF_8) + "\"}").getBytes(StandardCharsets.UTF_8));
        }, JSON_REASON, limits);
        open.add(server);
        return server;
    }

    private Socket connect(HttpServer server) throws IOException {
        Socket s = new Socket("127.0.0.1", server.address().getPort());
        s.setSoTimeout(10_000);
        open.add(s);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static String response(InputStream in) throws IOException {
        return HttpConnectorTest.readResponse(in);
    }

    /** One request on a connection of its own: its reply, and whether the server closed the connection after it. */
    private String exchange(HttpServer server, String request) throws IOException {
        Socket s = connect(server);
        send(s, request);
        String reply = response(s.getInputStream());
        return reply + (s.getInputStream().read() < 0 ? "\n[closed]" : "\n[open]");
    }

    @Test
    void theDefaultLimits() {
        assertThat(HttpServer.Limits.DEFAULT).isEqualTo(new HttpServer.Limits(512, Duration.ofSeconds(60), Duration.ofSeconds(10)));
        assertThat(HttpServer.MAX_HEADER_BYTES).isEqualTo(8192);
        assertThat(HttpServer.MAX_HEADERS).isEqualTo(100);
    }

    @Test
    void closingReleasesThePortAtOnceAndEndsItsConnections() throws IOException {
        HttpServer first = start(HttpServer.Limits.DEFAULT);
        Socket kept = connect(first);
        send(kept, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response(kept.getInputStream())).startsWith("HTTP/1.1 200");
        int port = first.address().getPort();
        first.close();
        assertThat(kept.getInputStream().read()).isEqualTo(-1);
        // a reload that moves a listener away and back binds the same port again at once
        HttpServer second = new HttpServer(new InetSocketAddress("127.0.0.1", port), 0, request -> new HttpServer.Response(200, new byte[0]),
                JSON_REASON);
        open.add(second);
        assertThat(second.address().getPort()).isEqualTo(port);
    }

    @Test
    void aHandlerFailureIsA500WithItsReasonAndTheConnectionKeepsServing() throws IOException {
        HttpServer server = start(HttpServer.Limits.DEFAULT);
        Socket s = connect(server);
        send(s, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 500 ")
                .contains("Content-Type: application/json")
                .endsWith("{\"error\":\"internal error: IllegalStateException; the request was not handled, the server keeps answering\"}");
        send(s, "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("{\"ok\":\"/next\",\"body\":\"\"}");
    }

    @Test
    void connectionsStayOpenAcrossRequestsAndBodiesComeEitherWay() throws IOException {
        HttpServer server = start(HttpServer.Limits.DEFAULT);
        Socket s = connect(server);
        send(s, "POST /a?x=%2e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200 OK").doesNotContain("Connection: close")
                .endsWith("{\"ok\":\"/a?x=%2e\",\"body\":\"hello\"}");
        send(s, "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n");
        assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("{\"ok\":\"/b\",\"body\":\"hello\"}");
        // pipelined, and a HEAD reply carries the length of the body it leaves out
        send(s, "HEAD /c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(head(s.getInputStream())).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 21");
        assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("{\"ok\":\"/d\",\"body\":\"\"}");
    }

    @Test
    void framingRfc9112CallsInvalidIsA400AndTheConnectionCloses() throws IOException {
        HttpServer server = start(HttpServer.Limits.DEFAULT);
        String post = "POST /x HTTP/1.1\r\nHost: x\r\n";
        assertThat(exchange(server, post + "Content-Length: 5\r\nContent-Length: 2\r\n\r\nhello"))
                .startsWith("HTTP/1.1 400 ").contains("Connection: close").endsWith("{\"error\":\"Multiple Content-Lengths\"}\n[closed]");
        assertThat(exchange(server, post + "Content-Length: 5, 5\r\n\r\nhello"))
                .startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"Invalid Content-Length Value\"}\n[closed]");
        assertThat(exchange(server, post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"Transfer-Encoding and Content-Length\"}\n[closed]");
        assertThat(exchange(server, post + "Transfer-Encoding: gzip\r\n\r\nhello"))
                .startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"Bad Transfer-Encoding, chunked not last\"}\n[closed]");
        for (String badChunks : List.of("zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n")) {
            assertThat(exchange(server, post + "Transfer-Encoding: chunked\r\n\r\n" + badChunks))
                    .startsWith("HTTP/1.1 400 ").contains("Connection: close")
                    .endsWith("{\"error\":\"request body: invalid chunked framing, or cut short\"}\n[closed]");
        }
        assertThat(exchange(server, "GET / HTTP/1.1\r\nHost : x\r\n\r\n")).startsWith("HTTP/1.1 400 ").endsWith("[closed]");
        assertThat(exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"Line Folding not supported\"}\n[closed]");
        assertThat(exchange(server, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"Duplicate Host Header\"}\n[closed]");
        assertThat(exchange(server, "GET / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"No Host\"}\n[closed]");
    }

    @Test
    void overTheLimitsIs413Or414Or431AndTheConnectionCloses() throws IOException {
        HttpServer server = start(HttpServer.Limits.DEFAULT);
        assertThat(exchange(server, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n{"))
                .startsWith("HTTP/1.1 413 ").contains("Connection: close").endsWith("{\"error\":\"request body larger than 1024 bytes\"}\n[closed]");
        assertThat(exchange(server, "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + "x".repeat(1024)
                + "\r\n1\r\ny\r\n0\r\n\r\n"))
                .startsWith("HTTP/1.1 413 ").endsWith("{\"error\":\"request body larger than 1024 bytes\"}\n[closed]");
        assertThat(exchange(server, "GET /" + "a".repeat(HttpServer.MAX_HEADER_BYTES) + " HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 414 ").endsWith("{\"error\":\"request line longer than 8192 bytes\"}\n[closed]");
        assertThat(exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(HttpServer.MAX_HEADER_BYTES) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431 ").endsWith("{\"error\":\"request line and header fields longer than 8192 bytes\"}\n[closed]");
        assertThat(exchange(server, "GET / HTTP/1.1\r\nHost: x\r\n" + "X-A: 1\r\n".repeat(HttpServer.MAX_HEADERS) + "\r\n"))
                .startsWith("HTTP/1.1 431 ").endsWith("{\"error\":\"more than 100 header fields\"}\n[closed]");
        // one field fewer is a request like any other
        Socket s = connect(server);
        send(s, "GET / HTTP/1.1\r\nHost: x\r\n" + "X-A: 1\r\n".repeat(HttpServer.MAX_HEADERS - 1) + "\r\n");
        assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200 ").doesNotContain("Connection: close");
    }

    @Test
    void aClientStillSendingItsTooLargeBodyReadsTheReasonNotAReset() throws IOException {
        HttpServer server = start(HttpServer.Limits.DEFAULT);
        Socket s = connect(server);
        send(s, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n");
        byte[] chunk = new byte[1000];
        for (int i = 0; i < 300; i++) {
            s.getOutputStream().write(chunk); // the server drops it while it lingers
        }
        assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 413 ").endsWith("{\"error\":\"request body larger than 1024 bytes\"}");
        assertThat(s.getInputStream().read()).isEqualTo(-1);
    }

    /**
     * Sends {@code request} a byte at a time, the next one each time {@code pauseMillis} pass without
     * an answer; returns how many bytes were sent when the answer (whose first byte it takes) came.
     */
    private static int trickle(Socket s, String request, int pauseMillis) throws IOException {
        s.setSoTimeout(pauseMillis);
        int sent = 0;
        while (sent < request.length()) {
            send(s, request.substring(sent, sent + 1));
            sent++;
            try {
                assertThat(s.getInputStream().read()).as("the first byte of the answer").isEqualTo('H');
                break;
            } catch (SocketTimeoutException e) {
                // no answer within the pause: time for the next byte
            }
        }
        s.setSoTimeout(10_000);
        return sent;
    }

    /** The status line and headers of a reply without a body (to HEAD). */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the end of the header").isNotNegative();
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void aRequestTricklingInIsCutAtItsDeadlineWith408() throws Exception {
        HttpServer server = start(new HttpServer.Limits(16, Duration.ofSeconds(60), Duration.ofMillis(800)));
        Socket s = connect(server);
        long start = System.nanoTime();
        String request = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";
        // a byte every 100 ms: each read is quick, the request as a whole is not
        int sent = trickle(s, request, 100);
        String reply = "H" + response(s.getInputStream());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(reply).startsWith("HTTP/1.1 408 ").contains("Connection: close")
                .endsWith("{\"error\":\"request not complete within 800 ms\"}");
        assertThat(millis).isBetween(700L, 5_000L);
        assertThat(sent).isLessThan(request.length());
        assertThat(s.getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void aBodyTricklingInIsCutAtTheSameDeadline() throws Exception {
        HttpServer server = start(new HttpServer.Limits(16, Duration.ofSeconds(60), Duration.ofMillis(800)));
        Socket s = connect(server);
        long start = System.nanoTime();
        send(s, "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n");
        int sent = trickle(s, "x".repeat(40), 100);
        String reply = "H" + response(s.getInputStream());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(reply).startsWith("HTTP/1.1 408 ").contains("Connection: close")
                .endsWith("{\"error\":\"request not complete within 800 ms\"}");
        assertThat(millis).isBetween(700L, 5_000L);
        assertThat(sent).isLessThan(40);
    }

    @Test
    void aStalledRequestIsCutAtItsDeadlineAndAnIdleOneAtTheIdleTimeout() throws Exception {
        HttpServer server = start(new HttpServer.Limits(16, Duration.ofMillis(1500), Duration.ofMillis(500)));
        Socket stalled = connect(server);
        long start = System.nanoTime();
        send(stalled, "GET /stall");
        assertThat(response(stalled.getInputStream())).startsWith("HTTP/1.1 408 ").endsWith("{\"error\":\"request not complete within 500 ms\"}");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(400L, 1_400L);

        Socket idle = connect(server);
        send(idle, "GET /once HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response(idle.getInputStream())).startsWith("HTTP/1.1 200 ");
        long served = System.nanoTime();
        // kept alive past the request deadline, closed at the idle timeout
        assertThat(idle.getInputStream().read()).isEqualTo(-1);
        assertThat((System.nanoTime() - served) / 1_000_000).isBetween(1_400L, 5_000L);
    }

    @Test
    void atTheLimitTheIdlestConnectionMakesRoom() throws Exception {
        HttpServer server = start(new HttpServer.Limits(4, Duration.ofSeconds(60), Duration.ofSeconds(60)));
        Socket kept = connect(server);
        send(kept, "GET /kept HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response(kept.getInputStream())).startsWith("HTTP/1.1 200");
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = connect(server);
            send(s, "GET /stalled-" + i);
            stalled.add(s);
        }
        // connections are admitted in the order they come, so each fresh one finds the stalled ones counted
        for (int i = 0; i < 10; i++) {
            Socket s = connect(server);
            send(s, "GET /fresh-" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200").endsWith("{\"ok\":\"/fresh-" + i + "\",\"body\":\"\"}");
        }
        // the stalled ones never completed a request, so they were the idlest: each was closed to make room
        for (Socket s : stalled) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        // the kept-alive one, idle between its requests as PowerDNS's are, still serves
        send(kept, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response(kept.getInputStream())).startsWith("HTTP/1.1 200").endsWith("{\"ok\":\"/again\",\"body\":\"\"}");
        assertThat(server.connections()).isLessThanOrEqualTo(4);
    }
}
