package io.bucketdns.source.rgw.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminHttpTest {
    private static final SigV4Signer SIGNER = new SigV4Signer("a", "s", "us-east-1", "s3");
    private static final AdminHttp.Timing TIMING =
            new AdminHttp.Timing(Duration.ofSeconds(1), Duration.ofSeconds(1), 3, Duration.ofMillis(100), Duration.ofSeconds(5));
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void aFailingEndpointIsPassedOverAndThenTriedLast() throws Exception {
        AtomicInteger failing = new AtomicInteger();
        String bad = serve(503, "{}", failing);
        String good = serve(200, "[\"foo\"]", new AtomicInteger());
        try (AdminHttp http = new AdminHttp(List.of(bad, good), "admin", SIGNER, TIMING)) {
            AdminHttp.Reply first = http.get("metadata/bucket", Map.of());
            AdminHttp.Reply second = http.get("metadata/bucket", Map.of());

            assertThat(first.endpoint()).isEqualTo(good);
            assertThat(first.text()).isEqualTo("[\"foo\"]");
            assertThat(second.endpoint()).isEqualTo(good);
            assertThat(failing.get()).as("the 503 endpoint is not asked again while marked down").isEqualTo(1);
        }
    }

    @Test
    void errorsBelow500AreAnswersNotFailures() throws Exception {
        String notFound = serve(404, "{\"Code\":\"NoSuchKey\"}", new AtomicInteger());
        AtomicInteger other = new AtomicInteger();
        String good = serve(200, "{}", other);
        try (AdminHttp http = new AdminHttp(List.of(notFound, good), "admin", SIGNER, TIMING)) {
            assertThat(http.get("metadata/bucket", Map.of("key", "x")).status()).isEqualTo(404);
            assertThat(other.get()).isZero();
        }
    }

    @Test
    void whenNoEndpointAnswersItGivesUpAfterBoundedRetries() {
        AdminHttp http = new AdminHttp(List.of("http://127.0.0.1:1", "http://127.0.0.1:2"), "admin", SIGNER, TIMING);
        long start = System.nanoTime();

        assertThatThrownBy(() -> http.get("log", Map.of("type", "metadata")))
                .isInstanceOfSatisfying(RgwException.class, e -> assertThat(e.unreachable()).isTrue())
                .hasMessageContaining("GET /admin/log?type=metadata: no RGW endpoint answered")
                .hasMessageContaining("ConnectException");
        // three rounds with 100 + 200 ms of backoff between them
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
        http.close();
    }

    @Test
    void eachRequestHasItsOwnConnectionAndNamesBucketdns() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        s.createContext("/admin/", x -> {
            seen.add(x.getRequestHeaders().getFirst("Connection") + " " + x.getRequestHeaders().getFirst("User-Agent"));
            x.sendResponseHeaders(200, 2);
            x.getResponseBody().write("{}".getBytes());
            x.close();
        });
        s.start();
        servers.add(s);
        try (AdminHttp http = new AdminHttp(List.of("http://127.0.0.1:" + s.getAddress().getPort()), "admin", SIGNER, TIMING)) {
            http.get("log", Map.of("type", "metadata"));
        }

        assertThat(seen).singleElement().asString().matches("close bucketdns/\\S+");
    }

    @Test
    void aGatewayThatTricklesItsAnswerTimesOutAndTheNextOneAnswers() throws Exception {
        try (ServerSocket slow = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread trickle = Thread.ofVirtual().start(() -> {
                try (Socket c = slow.accept()) {
                    var out = c.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes());
                    c.setSoTimeout(100);
                    for (int i = 0; i < 100 && !hungUp(c); i++) { // a byte every 100 ms: each read is quick, the whole never ends
                        out.write("1\r\n[\r\n".getBytes());
                        out.flush();
                    }
                } catch (Exception e) {
                    // the client gave up and closed: what this test waits for
                }
            });
            String good = serve(200, "[]", new AtomicInteger());
            try (AdminHttp http = new AdminHttp(List.of("http://127.0.0.1:" + slow.getLocalPort(), good), "admin", SIGNER, TIMING)) {
                long start = System.nanoTime();
                AdminHttp.Reply r = http.get("log", Map.of("type", "metadata"));

                assertThat(r.endpoint()).isEqualTo(good);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
            }
            trickle.join(Duration.ofSeconds(15));
        }
    }

    @Test
    void closeEndsARequestWaitingForAnAnswer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            AdminHttp.Timing patient = new AdminHttp.Timing(Duration.ofSeconds(1), Duration.ofSeconds(60), 1, Duration.ofMillis(100),
                    Duration.ofSeconds(5));
            AdminHttp http = new AdminHttp(List.of("http://127.0.0.1:" + silent.getLocalPort()), "admin", SIGNER, patient);
            CompletableFuture<AdminHttp.Reply> request =
                    CompletableFuture.supplyAsync(() -> http.get("log", Map.of()), r -> new Thread(r).start());
            try (Socket accepted = silent.accept()) {
                var in = new BufferedReader(new InputStreamReader(accepted.getInputStream(), StandardCharsets.US_ASCII));
                while (!in.readLine().isEmpty()) {
                    // the request's head, read whole: the client now waits for an answer
                }
                http.close();

                assertThat(request).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                        .isInstanceOf(RgwException.class).withMessageContaining("closed");
            }
        }
    }

    @Test
    void queryValuesAreEncodedAsS3Does() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("key", "bucket:id.1");
        q.put("marker", "a/b+c=");
        q.put("info", null);

        assertThat(AdminHttp.queryString(q)).isEqualTo("?key=bucket%3Aid.1&marker=a%2Fb%2Bc%3D&info");
    }

    private String serve(int status, String body, AtomicInteger hits) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        s.createContext("/admin/", x -> {
            hits.incrementAndGet();
            byte[] b = body.getBytes();
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        servers.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    /** Whether the client has hung up, waiting for it up to the socket's timeout: the trickle's pace. */
    private static boolean hungUp(Socket c) throws IOException {
        try {
            byte[] sink = new byte[4096];
            return c.getInputStream().read(sink) < 0; // the request it sent, read and dropped, or the end
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }
}
