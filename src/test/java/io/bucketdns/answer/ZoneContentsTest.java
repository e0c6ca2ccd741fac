package io.bucketdns.answer;

import static io.bucketdns.Fixtures.CATALOG;
import static io.bucketdns.Fixtures.SOA;
import static io.bucketdns.Fixtures.ZONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The zone a secondary copies: the apex first, the static records, a CNAME per bucket, the wildcard of unknown_bucket = default. */
class ZoneContentsTest {
    private static List<String> contents(Zone zone) {
        List<String> out = new ArrayList<>();
        ZoneContents.forEach(zone, CATALOG, r -> out.add(r.toString()));
        return out;
    }

    @Test
    void theApexComesFirstWithItsSoaThenEveryBucketThenTheWildcardOfTheDefaultZonegroup() {
        List<String> records = contents(ZONE);

        assertThat(records.get(0)).startsWith("o.example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 ");
        assertThat(records).filteredOn(r -> r.contains("\tSOA\t")).hasSize(1);
        assertThat(records).contains("o.example.com.\t3600\tIN\tNS\tns1.example.com.", "o.example.com.\t60\tIN\tA\t192.0.2.1",
                "foo.o.example.com.\t60\tIN\tCNAME\tfoo.o.example.eu.", "bar.o.example.com.\t60\tIN\tCNAME\tbar.o.example.us.",
                "eu.dotted.bucket.o.example.com.\t60\tIN\tCNAME\teu.dotted.bucket.o.example.eu.",
                "a-b.c.o.example.com.\t60\tIN\tCNAME\ta-b.c.o.example.us.");
        assertThat(records.get(records.size() - 1)).as("unknown names go where bucketdns sends them: the default zonegroup")
                .isEqualTo("*.o.example.com.\t5\tIN\tCNAME\to.example.eu.");
    }

    @Test
    void underNxdomainThereIsNoWildcard() {
        Zone strict = new Zone("o.example.com", SOA, 3600, 60, List.of("ns1.example.com."), List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN);

        assertThat(contents(strict)).noneMatch(r -> r.startsWith("*."));
    }

    @Test
    void aStaticRecordWinsOverABucketOfItsNameAsInAnswers() {
        StaticRecords records = StaticRecords.parse("o.example.com", List.of("foo 300 IN A 192.0.2.7", "www.bar 300 IN A 192.0.2.8"), 60);
        Zone zone = new Zone("o.example.com", SOA, 3600, 60, List.of("ns1.example.com."), List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN,
                5, records);

        List<String> out = contents(zone);

        assertThat(out).contains("foo.o.example.com.\t300\tIN\tA\t192.0.2.7", "www.bar.o.example.com.\t300\tIN\tA\t192.0.2.8",
                "a-b.c.o.example.com.\t60\tIN\tCNAME\ta-b.c.o.example.us.");
        assertThat(out).as("foo has its static A; bar is above the static www.bar, so NODATA, as the resolver answers both")
                .noneMatch(r -> r.startsWith("foo.o.example.com.\t60\tIN\tCNAME") || r.startsWith("bar.o.example.com."));
        Resolver resolver = new Resolver(List.of(zone));
        assertThat(resolver.resolve(CATALOG, "bar.o.example.com.", RecordType.A).answer()).isEmpty();
        assertThat(resolver.resolve(CATALOG, "foo.o.example.com.", RecordType.A).answer()).singleElement()
                .satisfies(r -> assertThat(r.data()).isEqualTo("192.0.2.7"));
    }
}
