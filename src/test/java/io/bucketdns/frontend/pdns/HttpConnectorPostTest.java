package io.bucketdns.frontend.pdns;

import io.bucketdns.LiveAuthority;
import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.answer.Soa;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The POST encodings of the HTTP connector, whose JSON body goes through {@link RemoteCall}. */
class HttpConnectorPostTest {
    private static final String CNAME = "{\"result\":[{\"qtype\":\"CNAME\",\"qname\":\"foo.o.example.com.\",\"content\":\"foo.o.example.eu.\",\"ttl\":60}]}";
    private static HttpConnector connector;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        Zone zone = new Zone("o.example.com", Soa.parse("ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60"), 3600, 60,
                List.of(), List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN);
        Zonegroup eu = new Zonegroup("eu", "o.example.eu");
        LiveCatalog catalog = LiveCatalog.of(Catalog.of(Map.of("eu", eu), eu, Map.of("foo", "eu"), 0));
        RemoteBackend backend = new RemoteBackend(LiveAuthority.of(List.of(zone), catalog), "http");
        connector = HttpConnector.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backend);
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    @Test
    void postJsonNamesTheMethodInTheBody() throws Exception {
        HttpResponse<String> r = post("/dns", "{\"method\":\"lookup\",\"parameters\":{\"qname\":\"foo.o.example.com.\",\"qtype\":\"ANY\"}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(CNAME);
    }

    @Test
    void postFormNamesTheMethodInThePath() throws Exception {
        String json = "{\"qname\":\"foo.o.example.com.\",\"qtype\":\"ANY\"}";
        HttpResponse<String> r = post("/dns/lookup", "parameters=" + URLEncoder.encode(json, StandardCharsets.UTF_8));
        assertThat(r.body()).isEqualTo(CNAME);
    }

    @Test
    void aBodyThatIsNotACallIsA400SayingWhy() throws Exception {
        HttpResponse<String> bad = post("/dns", "{\"method\":");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("{\"result\":false,\"log\":[\"POST body is not valid JSON: ");
        HttpResponse<String> array = post("/dns/lookup", "parameters=[1]");
        assertThat(array.statusCode()).isEqualTo(200);
        assertThat(array.body()).contains("lookup needs qname and qtype");
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + connector.address().getPort() + path);
        return CLIENT.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
