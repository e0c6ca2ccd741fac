package io.bucketdns.frontend.pdns;

import io.bucketdns.LiveAuthority;
import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.answer.Soa;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineProtocolTest {
    private static final RemoteBackend BACKEND = backend();

    @Test
    void answersEachCallOnItsOwnLineInOrder() throws IOException {
        List<String> replies = serve("""
                {"method":"initialize","parameters":{"path":"/run/x.sock","timeout":"2000"}}
                {"method":"lookup","parameters":{"qname":"FoO.o.example.com.","qtype":"ANY","remote":"127.0.0.1"}}
                {"method":"lookup","parameters":{"qname":"o.example.com.","qtype":"SOA"}}
                {"method":"lookup","parameters":{"qname":"nope.o.example.com.","qtype":"ANY"}}
                """);
        assertThat(replies).containsExactly(
                "{\"result\":true}",
                "{\"result\":[{\"qtype\":\"CNAME\",\"qname\":\"FoO.o.example.com.\",\"content\":\"foo.o.example.eu.\",\"ttl\":60}]}",
                "{\"result\":[{\"qtype\":\"SOA\",\"qname\":\"o.example.com.\",\"content\":\"ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60\",\"ttl\":3600}]}",
                "{\"result\":[]}");
    }

    @Test
    void aZonesListingIsStreamedOnOneLineAndTheNextCallFollows() throws IOException {
        List<String> replies = serve("""
                {"method":"list","parameters":{"zonename":"o.example.com.","domain_id":1}}
                {"method":"list","parameters":{"zonename":"other.example.","domain_id":2}}
                {"method":"initialize"}
                """);
        assertThat(replies).hasSize(3);
        assertThat(replies.get(0)).startsWith("{\"result\":[{\"qtype\":\"SOA\"")
                .contains("{\"qtype\":\"CNAME\",\"qname\":\"foo.o.example.com.\",\"content\":\"foo.o.example.eu.\",\"ttl\":60}")
                .endsWith("]}");
        // the same bytes the in-memory path gives
        assertThat(replies.get(0)).isEqualTo(new String(BACKEND.handle("list",
                new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"zonename\":\"o.example.com.\"}")), StandardCharsets.UTF_8));
        assertThat(replies.get(1)).isEqualTo("{\"result\":false}");
        assertThat(replies.get(2)).isEqualTo("{\"result\":true}");
    }

    @Test
    void aLineThatIsNotACallGetsAFailureSayingWhyAndTheStreamStaysInStep() throws IOException {
        List<String> replies = serve("not json\n[1,2]\n{\"parameters\":{}}\n\n   \n{\"method\":\"initialize\"}\n");
        assertThat(replies).hasSize(4);
        assertThat(replies.get(0)).startsWith("{\"result\":false,\"log\":[\"cannot read call 'not json': not valid JSON");
        assertThat(replies.get(1)).contains("not a JSON object");
        assertThat(replies.get(2)).contains("no \\\"method\\\" in the call");
        assertThat(replies.get(3)).isEqualTo("{\"result\":true}");
    }

    @Test
    void anOverlongLineIsRefusedAndTheNextOneAnswered() throws IOException {
        String huge = "{\"method\":\"lookup\",\"parameters\":{\"qname\":\"" + "a".repeat(LineProtocol.MAX_LINE) + "\"}}";
        List<String> replies = serve(huge + "\n{\"method\":\"initialize\"}\n");
        assertThat(replies).containsExactly("{\"result\":false,\"log\":[\"line longer than 65536 bytes\"]}", "{\"result\":true}");
    }

    @Test
    void theLastCallNeedsNoNewline() throws IOException {
        assertThat(serve("{\"method\":\"initialize\"}\r\n{\"method\":\"initialize\"}")).containsExactly("{\"result\":true}", "{\"result\":true}");
    }

    private static List<String> serve(String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LineProtocol.serve(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, BACKEND);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).as("every reply ends its line").endsWith("\n");
        return text.lines().toList();
    }

    private static RemoteBackend backend() {
        Zone zone = new Zone("o.example.com", Soa.parse("ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60"), 3600, 60,
                List.of(), List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN);
        Zonegroup eu = new Zonegroup("eu", "o.example.eu");
        LiveCatalog catalog = LiveCatalog.of(Catalog.of(Map.of("eu", eu), eu, Map.of("foo", "eu"), 0));
        return new RemoteBackend(LiveAuthority.of(List.of(zone), catalog), "unix");
    }
}
