package io.bucketdns.frontend.pdns;

import io.bucketdns.LiveAuthority;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketdns.Fixtures;
import io.bucketdns.answer.Soa;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The remote-backend methods, as PowerDNS 4.7 calls them, and the JSON it gets back. */
class RemoteBackendTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final RemoteBackend backend = new RemoteBackend(LiveAuthority.of(List.of(Fixtures.ZONE), Fixtures.liveCatalog()), "http");

    String call(String method, String parameters) throws IOException {
        return new String(backend.handle(method, JSON.readTree(parameters)), java.nio.charset.StandardCharsets.UTF_8);
    }

    JsonNode callJson(String method, String parameters) throws IOException {
        return JSON.readTree(call(method, parameters));
    }

    @Test
    void lookupOfABucketIsItsCname() throws IOException {
        assertThat(call("lookup", "{\"qname\":\"Foo.o.example.com.\",\"qtype\":\"ANY\",\"zone-id\":-1}"))
                .isEqualTo("{\"result\":[{\"qtype\":\"CNAME\",\"qname\":\"Foo.o.example.com.\",\"content\":\"foo.o.example.eu.\",\"ttl\":60}]}");
    }

    @Test
    void soaLookupsReturnOnlySoaRecords() throws IOException {
        // PowerDNS finds the zone by asking SOA for the name and each parent: a CNAME there is SERVFAIL.
        assertThat(call("lookup", "{\"qname\":\"foo.o.example.com.\",\"qtype\":\"SOA\"}")).isEqualTo("{\"result\":[]}");
        JsonNode apex = callJson("lookup", "{\"qname\":\"o.example.com.\",\"qtype\":\"SOA\"}").get("result");
        assertThat(apex).hasSize(1);
        assertThat(apex.get(0).get("qtype").asText()).isEqualTo("SOA");
        assertThat(apex.get(0).get("content").asText()).isEqualTo("ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60");
        assertThat(apex.get(0).get("ttl").asLong()).isEqualTo(3600);
    }

    @Test
    void apexAnyHasEveryApexRecord() throws IOException {
        JsonNode r = callJson("lookup", "{\"qname\":\"o.example.com.\",\"qtype\":\"ANY\"}").get("result");
        assertThat(r.findValuesAsText("qtype")).containsExactly("SOA", "NS", "NS", "A");
    }

    @Test
    void noRecordsAndNotOurs() throws IOException {
        assertThat(call("lookup", "{\"qname\":\"*.o.example.com.\",\"qtype\":\"ANY\"}")).isEqualTo("{\"result\":[]}");
        assertThat(call("lookup", "{\"qname\":\"_x.o.example.com.\",\"qtype\":\"ANY\"}")).isEqualTo("{\"result\":[]}");
        assertThat(call("lookup", "{\"qname\":\"example.org.\",\"qtype\":\"SOA\"}")).isEqualTo("{\"result\":false}");
    }

    @Test
    void badQuestionsGetAReasonNotAnError() throws IOException {
        assertThat(call("lookup", "{}")).isEqualTo("{\"result\":false,\"log\":[\"lookup needs qname and qtype\"]}");
        assertThat(call("lookup", "{\"qname\":\"\",\"qtype\":\"A\"}")).isEqualTo("{\"result\":false,\"log\":[\"not a DNS name: empty name\"]}");
        assertThat(call("lookup", "{\"qname\":\"" + "x".repeat(64) + ".o.example.com.\",\"qtype\":\"A\"}"))
                .contains("label of 64 octets (at most 63)");
        assertThat(call("lookup", "{\"qname\":\"" + "abc.".repeat(70) + "o.example.com.\",\"qtype\":\"A\"}"))
                .contains("octets on the wire (at most 255)");
        assertThat(call("lookup", "{\"qname\":\"bücket.o.example.com.\",\"qtype\":\"A\"}")).contains("U+00FC");
        assertThat(call("lookup", "{\"qname\":\"foo.o.example.com.\",\"qtype\":\"BOGUS\"}"))
                .isEqualTo("{\"result\":false,\"log\":[\"unknown qtype 'BOGUS'\"]}");
        assertThat(call("lookup", "{\"qname\":[1,2],\"qtype\":\"A\"}")).contains("lookup needs qname and qtype");
        assertThat(call("frobnicate", "{}")).isEqualTo("{\"result\":false,\"log\":[\"bucketdns does not implement method 'frobnicate'\"]}");
        assertThat(call("bad\u0001name", "{}")).contains("bad\\\\x01name");
    }

    @Test
    void zoneMethods() throws IOException {
        JsonNode all = callJson("getAllDomains", "{\"include_disabled\":true}").get("result");
        assertThat(all).hasSize(1);
        assertThat(all.get(0).get("zone").asText()).isEqualTo("o.example.com.");
        assertThat(all.get(0).get("kind").asText()).isEqualTo("native");
        assertThat(all.get(0).get("id").asInt()).isEqualTo(1);
        assertThat(all.get(0).get("serial").asLong()).isEqualTo(7);

        assertThat(callJson("getDomainInfo", "{\"name\":\"O.example.com.\"}").get("result").get("zone").asText()).isEqualTo("o.example.com.");
        assertThat(call("getDomainInfo", "{\"name\":\"example.org.\"}")).isEqualTo("{\"result\":false}");
        assertThat(call("getAllDomainMetadata", "{\"name\":\"o.example.com.\"}")).isEqualTo("{\"result\":{}}");
        assertThat(call("getDomainMetadata", "{\"name\":\"o.example.com.\",\"kind\":\"PRESIGNED\"}")).isEqualTo("{\"result\":[]}");
        assertThat(call("initialize", "{\"path\":\"/x\"}")).isEqualTo("{\"result\":true}");

        JsonNode list = callJson("list", "{\"zonename\":\"o.example.com.\",\"domain_id\":1}").get("result");
        assertThat(list.findValuesAsText("qname")).contains("o.example.com.", "foo.o.example.com.", "eu.dotted.bucket.o.example.com.");
        assertThat(list.findValuesAsText("content")).contains("bar.o.example.us.");
        assertThat(list.findValuesAsText("qname")).as("unknown_bucket = default: the wildcard a secondary answers unknown names with")
                .contains("*.o.example.com.");
        assertThat(list).as("the apex, the buckets, the wildcard: the zone an AXFR sends").hasSize(4 + 4 + 1);
    }

    /**
     * What a PowerDNS with primary=yes asks every xfr-cycle-interval and NOTIFYs each time: a zone
     * is listed until setNotified says its serial went out, and again once the catalog moves it.
     */
    @Test
    void aZoneIsAnUpdatedMasterUntilItsSerialWasNotified() throws IOException {
        Zone following = new Zone("o.example.com", Fixtures.ZONE.soa().withSerial(Soa.FOLLOW_CATALOG), 3600, 60,
                List.of("ns1.example.com."), List.of(), List.of(), UnknownBucketPolicy.DEFAULT);
        LiveCatalog live = new LiveCatalog();
        try (CatalogWriter writer = new CatalogWriter(live)) {
            writer.replace(Fixtures.CATALOG, Map.of()).join();
            RemoteBackend primary = new RemoteBackend(LiveAuthority.of(List.of(following), live), "http");
            long serial = live.current().serial();

            JsonNode first = JSON.readTree(primary.handle("getUpdatedMasters", JSON.readTree("{}"))).get("result");
            assertThat(first).as("after a start: every zone").singleElement().satisfies(z -> {
                assertThat(z.get("zone").asText()).isEqualTo("o.example.com.");
                assertThat(z.get("id").asInt()).isEqualTo(1);
                assertThat(z.get("serial").asLong()).isEqualTo(serial);
            });
            assertThat(new String(primary.handle("setNotified", JSON.readTree("{\"id\":\"1\",\"serial\":\"" + serial + ".000000\"}"))))
                    .isEqualTo("{\"result\":true}");
            assertThat(JSON.readTree(primary.handle("getUpdatedMasters", JSON.readTree("{}"))).get("result")).as("notified").isEmpty();

            writer.change(Map.of("fresh", "us"), Map.of()).join();

            assertThat(JSON.readTree(primary.handle("getUpdatedMasters", JSON.readTree("{}"))).get("result")).singleElement()
                    .satisfies(z -> assertThat(z.get("notified_serial").asLong()).isEqualTo(serial))
                    .satisfies(z -> assertThat(z.get("serial").asLong()).isEqualTo(live.current().serial()));
            assertThat(new String(primary.handle("setNotified", JSON.readTree("{\"id\":7,\"serial\":1}")))).contains("no zone has id 7");
            assertThat(new String(primary.handle("setNotified", JSON.readTree("{}")))).contains("setNotified needs a zone id and a serial");
        }
    }
}
