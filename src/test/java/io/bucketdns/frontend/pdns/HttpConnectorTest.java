package io.bucketdns.frontend.pdns;

import io.bucketdns.LiveAuthority;
import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP connector on a real socket: PowerDNS's three encodings, keep-alive, and garbage. */
public class HttpConnectorTest {
    static HttpConnector connector;
    static String base;
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String FOO = "{\"result\":[{\"qtype\":\"CNAME\",\"qname\":\"foo.o.example.com.\",\"content\":\"foo.o.example.eu.\",\"ttl\":60}]}";

    @BeforeAll
    static void start() throws IOException {
        RemoteBackend backend = new RemoteBackend(LiveAuthority.of(List.of(Fixtures.ZONE), Fixtures.liveCatalog()), "http");
        connector = HttpConnector.start(new InetSocketAddress("127.0.0.1", 0), backend);
        base = "http://127.0.0.1:" + connector.address().getPort();
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getAsPowerDnsSendsIt() throws Exception {
        HttpResponse<String> r = get("/dns/lookup/foo%2eo%2eexample%2ecom%2e/ANY");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.body()).isEqualTo(FOO);
    }

    @Test
    void theSeedsCurlCheckStillAnswers() throws Exception {
        // from the docstring of Ceph's pdns-backend-rgw.py: no trailing dot, no escaping
        assertThat(get("/dns/lookup/foo.o.example.com/ANY").body())
                .isEqualTo(FOO.replace("\"qname\":\"foo.o.example.com.\"", "\"qname\":\"foo.o.example.com.\""));
    }

    @Test
    void getAllDomainsWithQueryString() throws Exception {
        assertThat(get("/dns/getAllDomains?includeDisabled=true").body()).contains("\"zone\":\"o.example.com.\"");
        assertThat(get("/dns/getDomainMetadata/o%2eexample%2ecom%2e/PRESIGNED").body()).isEqualTo("{\"result\":[]}");
        assertThat(get("/dns/list/1/o%2eexample%2ecom%2e").body()).contains("bar.o.example.us.");
    }

    @Test
    void postForm() throws Exception {
        String params = "{\"qname\":\"foo.o.example.com.\",\"qtype\":\"ANY\",\"remote\":\"127.0.0.1\",\"zone-id\":-1}";
        HttpResponse<String> r = post("/dns/lookup", "application/x-www-form-urlencoded",
                "parameters=" + URLEncoder.encode(params, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(FOO);
    }

    @Test
    void postJson() throws Exception {
        String call = "{\"method\":\"lookup\",\"parameters\":{\"qname\":\"foo.o.example.com.\",\"qtype\":\"ANY\"}}";
        assertThat(post("/dns", "application/json", call).body()).isEqualTo(FOO);
        assertThat(post("/dns/lookup", "text/javascript", call).body()).isEqualTo(FOO);
    }

    @Test
    void setNotifiedIsAPatchWithTheSerialInAFormAsPowerDnsSendsIt() throws Exception {
        assertThat(get("/dns/getUpdatedMasters").body()).contains("\"zone\":\"o.example.com.\"");

        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/dns/setNotified/1"))
                .header("Content-Type", "application/x-www-form-urlencoded").method("PATCH", HttpRequest.BodyPublishers.ofString("serial=7%2e000000"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"result\":true}");
        assertThat(get("/dns/getUpdatedMasters").body()).as("its fixed serial 7 went out").isEqualTo("{\"result\":[]}");
    }

    @Test
    void notRemoteBackendCallsGetAClearJsonError() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"result\":false,\"log\":[\"no such path; PowerDNS remote-backend calls go to /dns/<method>\"]}");
        HttpResponse<String> noMethod = get("/dns");
        assertThat(noMethod.statusCode()).isEqualTo(400);
        assertThat(noMethod.body()).contains("no remote-backend method named; call /dns/<method>");
        assertThat(get("/dnsx/lookup/a/A").statusCode()).isEqualTo(404);

        HttpResponse<String> bad = post("/dns/lookup", "application/json", "{not json");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("{\"result\":false,\"log\":[\"POST body is not valid JSON");
        assertThat(post("/dns/lookup", "application/x-www-form-urlencoded", "x=1").body())
                .contains("neither JSON nor a form with a 'parameters' field");
        assertThat(post("/dns/lookup", "application/json", "[1,2]").body()).contains("neither JSON");

        HttpResponse<String> big = post("/dns/lookup", "application/json", "{\"a\":\"" + "x".repeat(HttpConnector.MAX_BODY) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.body()).contains("request body larger than 65536 bytes");

        HttpResponse<String> put = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/dns/lookup/a/A"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
    }

    @Test
    void absurdNamesGetAReason() throws Exception {
        String longLabel = "x".repeat(64) + "%2eo%2eexample%2ecom%2e";
        assertThat(get("/dns/lookup/" + longLabel + "/ANY").body()).contains("label of 64 octets (at most 63)");
        assertThat(get("/dns/lookup/" + "abcd%2e".repeat(70) + "o%2eexample%2ecom%2e/ANY").body()).contains("(at most 255)");
        assertThat(get("/dns/lookup/b%c3%bccket%2eo%2eexample%2ecom%2e/ANY").body()).contains("U+00FC");
        assertThat(get("/dns/lookup/%ff%fe%2eo%2eexample%2ecom%2e/ANY").body()).contains("U+FFFD");
        assertThat(get("/dns/lookup").body()).contains("lookup needs qname and qtype");
    }

    @Test
    void connectionsStayOpenAcrossCalls() throws IOException {
        try (Socket s = new Socket("127.0.0.1", connector.address().getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 3; i++) {
                out.write(("GET /dns/lookup/foo.o.example.com./ANY HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = readResponse(s.getInputStream());
                assertThat(response).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("Connection: close").endsWith(FOO);
            }
        }
    }

    record Garbage(String request, String status, String reason) {}

    @Test
    void garbageOnTheSocketGetsAJsonReasonAndDoesNotHurtTheNextClient() throws Exception {
        String post = "POST /dns/lookup HTTP/1.1\r\nHost: x\r\n";
        List<Garbage> garbage = List.of(
                new Garbage("\u0000\u0001\u0002\r\n\r\n", "400", "Illegal character CNTL=0x0"),
                new Garbage("GET\r\n\r\n", "400", "No URI"),
                new Garbage("GET /dns/lookup/" + "a".repeat(200_000) + "/A HTTP/1.1\r\nHost: x\r\n\r\n", "414",
                        "request line longer than 8192 bytes"),
                new Garbage("GET / HTTP/1.1\r\nHost: x\r\n" + "X-Junk: y\r\n".repeat(5000) + "\r\n", "431",
                        "request line and header fields longer than 8192 bytes"),
                new Garbage("GET / HTTP/1.1\r\nHost: x\r\n" + "X-Junk: y\r\n".repeat(150) + "\r\n", "431", "more than 100 header fields"),
                new Garbage("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(10_000) + "\r\n\r\n", "431",
                        "request line and header fields longer than 8192 bytes"),
                new Garbage("GET / HTTP/1.1\r\nno colon here\r\n\r\n", "400", "Illegal character SPACE=' '"),
                new Garbage("GET /dns/getAllDomains HTTP/1.1\r\n\r\n", "400", "No Host"),
                new Garbage(post + "Content-Length: 99999999\r\n\r\n{", "413", "request body larger than 65536 bytes"),
                new Garbage(post + "Content-Length: -5\r\n\r\n", "400", "Invalid Content-Length Value"),
                // RFC 9112 framing errors: each one 400 and the connection closed
                new Garbage(post + "Content-Length: +5\r\n\r\nhello", "400", "Invalid Content-Length Value"),
                new Garbage(post + "Content-Length: 5, 5\r\n\r\nhello", "400", "Invalid Content-Length Value"),
                new Garbage(post + "Content-Length: 0x5\r\n\r\nhello", "400", "Invalid Content-Length Value"),
                new Garbage(post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "400", "Multiple Content-Lengths"),
                new Garbage(post + "Content-Length: 5\r\nContent-Length: 2\r\n\r\nhello", "400", "Multiple Content-Lengths"),
                new Garbage(post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        "400", "Transfer-Encoding and Content-Length"),
                new Garbage(post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", "400",
                        "request body: invalid chunked framing, or cut short"),
                new Garbage("GET / HTTP/1.1\r\nHost : x\r\n\r\n", "400", "Illegal character SPACE=' '"),
                new Garbage(post + "Content-Length\t: 2\r\n\r\n{}", "400", "Illegal character HTAB=0x9"),
                new Garbage("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", "400", "Line Folding not supported"),
                new Garbage("GET / HTTP/1.1\r\nHost: x\r\nX(A): 1\r\n\r\n", "400", "Illegal character VCHAR='('"),
                new Garbage("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n", "400", "Illegal character CNTL=0x0"),
                new Garbage("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400", "Duplicate Host Header"),
                new Garbage("GET /dns/lookup/%zz%2eo%2eexample%2ecom/ANY HTTP/1.1\r\nHost: x\r\n\r\n", "400", "bad request: !hex z"),
                // a chunked body is a body like any other
                new Garbage("POST /dns HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"method\":\"looku\r\n"
                        + "3d\r\np\",\"parameters\":{\"qname\":\"foo.o.example.com.\",\"qtype\":\"ANY\"}}\r\n0\r\n\r\n", "200", FOO));
        for (Garbage g : garbage) {
            try (Socket s = new Socket("127.0.0.1", connector.address().getPort())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(g.request().getBytes(StandardCharsets.ISO_8859_1));
                String response = readResponse(s.getInputStream());
                assertThat(response).as(g.reason())
                        .startsWith("HTTP/1.1 " + g.status() + " ")
                        .contains("Content-Type: application/json")
                        .contains(g.reason());
                if (!g.status().equals("200")) {
                    // after a framing error the next request's start cannot be trusted: closed
                    assertThat(response).contains("Connection: close").endsWith("{\"result\":false,\"log\":[\"" + g.reason() + "\"]}");
                    assertThat(s.getInputStream().read()).isEqualTo(-1);
                }
            }
            assertThat(get("/dns/lookup/foo.o.example.com./ANY").body()).isEqualTo(FOO);
        }
    }

    @Test
    void slowAndIdleClientsDoNotBlockOthers() throws Exception {
        List<Socket> stalled = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket("127.0.0.1", connector.address().getPort());
                s.getOutputStream().write("GET /dns/lookup/foo".getBytes(StandardCharsets.US_ASCII));
                stalled.add(s);
            }
            assertThat(get("/dns/lookup/foo.o.example.com./ANY").body()).isEqualTo(FOO);
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws IOException {
        try (Socket s = new Socket("127.0.0.1", connector.address().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /dns/lookup/foo.o.example.com/ANY HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // the connection closes after the reply, so the reply's end is the connection's
            String response = readAll(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith(FOO);
        }
    }

    /** One response from {@code in}: status line, headers and Content-Length bytes of body. */
    public static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
