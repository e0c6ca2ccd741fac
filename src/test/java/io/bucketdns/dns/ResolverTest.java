package io.bucketdns.dns;

import static org.assertj.core.api.Assertions.assertThat;

import static io.bucketdns.Fixtures.CATALOG;
import static io.bucketdns.Fixtures.EU;
import static io.bucketdns.Fixtures.SOA;
import static io.bucketdns.Fixtures.ZONE;

import io.bucketdns.catalog.Catalog;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The answer rules of DESIGN.md, one row per case: question in, rcode + answer + authority out. */
class ResolverTest {
    static final Zone STRICT = new Zone("s3.example.net", SOA, 3600, 30, List.of(), List.of(), List.of("2001:db8::1"),
            UnknownBucketPolicy.NXDOMAIN);
    static final Resolver RESOLVER = new Resolver(List.of(ZONE, STRICT));

    static final String SOA_NEG = "o.example.com.\t60\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60";
    static final String SOA_NEG_STRICT = "s3.example.net.\t60\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60";

    record Case(String qname, String qtype, Rcode rcode, List<String> answer, List<String> authority) {}

    static Case c(String qname, String qtype, Rcode rcode, List<String> answer, List<String> authority) {
        return new Case(qname, qtype, rcode, answer, authority);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // a known bucket answers every type with its CNAME, and nothing else
                c("foo.o.example.com.", "A", Rcode.NOERROR, List.of("foo.o.example.com.\t60\tIN\tCNAME\tfoo.o.example.eu."), List.of()),
                c("foo.o.example.com.", "AAAA", Rcode.NOERROR, List.of("foo.o.example.com.\t60\tIN\tCNAME\tfoo.o.example.eu."), List.of()),
                c("foo.o.example.com.", "MX", Rcode.NOERROR, List.of("foo.o.example.com.\t60\tIN\tCNAME\tfoo.o.example.eu."), List.of()),
                c("foo.o.example.com.", "SOA", Rcode.NOERROR, List.of("foo.o.example.com.\t60\tIN\tCNAME\tfoo.o.example.eu."), List.of()),
                c("foo.o.example.com.", "ANY", Rcode.NOERROR, List.of("foo.o.example.com.\t60\tIN\tCNAME\tfoo.o.example.eu."), List.of()),
                c("bar.o.example.com", "TXT", Rcode.NOERROR, List.of("bar.o.example.com.\t60\tIN\tCNAME\tbar.o.example.us."), List.of()),
                // the bucket is everything left of the zone, dots included
                c("eu.dotted.bucket.o.example.com.", "A", Rcode.NOERROR,
                        List.of("eu.dotted.bucket.o.example.com.\t60\tIN\tCNAME\teu.dotted.bucket.o.example.eu."), List.of()),
                c("a-b.c.o.example.com.", "A", Rcode.NOERROR, List.of("a-b.c.o.example.com.\t60\tIN\tCNAME\ta-b.c.o.example.us."), List.of()),
                // case-insensitive; the owner keeps the question's case, the target is lowercase
                c("FoO.O.Example.COM.", "A", Rcode.NOERROR, List.of("FoO.O.Example.COM.\t60\tIN\tCNAME\tfoo.o.example.eu."), List.of()),
                // unknown bucket, policy default: CNAME to the default zonegroup, TTL = SOA minimum
                c("newbucket.o.example.com.", "A", Rcode.NOERROR,
                        List.of("newbucket.o.example.com.\t60\tIN\tCNAME\tnewbucket.o.example.eu."), List.of()),
                // unknown bucket, policy nxdomain
                c("newbucket.s3.example.net.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG_STRICT)),
                c("foo.s3.example.net.", "A", Rcode.NOERROR, List.of("foo.s3.example.net.\t30\tIN\tCNAME\tfoo.o.example.eu."), List.of()),
                // names that cannot be buckets
                c("_x.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("ab.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("*.o.example.com.", "ANY", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("a..b.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("-foo.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("192.168.1.1.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("x".repeat(64) + ".o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("bücket.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                // the apex
                c("o.example.com.", "SOA", Rcode.NOERROR,
                        List.of("o.example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60"), List.of()),
                c("O.EXAMPLE.COM.", "NS", Rcode.NOERROR,
                        List.of("O.EXAMPLE.COM.\t3600\tIN\tNS\tns1.example.com.", "O.EXAMPLE.COM.\t3600\tIN\tNS\tns2.example.com."), List.of()),
                c("o.example.com.", "A", Rcode.NOERROR, List.of("o.example.com.\t60\tIN\tA\t192.0.2.1"), List.of()),
                c("o.example.com.", "AAAA", Rcode.NOERROR, List.of(), List.of(SOA_NEG)),
                c("o.example.com.", "MX", Rcode.NOERROR, List.of(), List.of(SOA_NEG)),
                c("o.example.com.", "CNAME", Rcode.NOERROR, List.of(), List.of(SOA_NEG)),
                c("s3.example.net.", "NS", Rcode.NOERROR, List.of(), List.of(SOA_NEG_STRICT)),
                c("s3.example.net.", "AAAA", Rcode.NOERROR, List.of("s3.example.net.\t30\tIN\tAAAA\t2001:db8::1"), List.of()),
                c("o.example.com.", "ANY", Rcode.NOERROR, List.of(
                        "o.example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60",
                        "o.example.com.\t3600\tIN\tNS\tns1.example.com.", "o.example.com.\t3600\tIN\tNS\tns2.example.com.",
                        "o.example.com.\t60\tIN\tA\t192.0.2.1"), List.of()),
                // outside every zone, including look-alikes that only share a suffix
                c("example.com.", "SOA", Rcode.REFUSED, List.of(), List.of()),
                c("foo.xo.example.com.", "A", Rcode.REFUSED, List.of(), List.of()),
                c("foo.o.example.eu.", "A", Rcode.REFUSED, List.of(), List.of()),
                c(".", "NS", Rcode.REFUSED, List.of(), List.of()),
                c("", "A", Rcode.REFUSED, List.of(), List.of()))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answers(Case c) {
        Answer a = RESOLVER.resolve(CATALOG, c.qname(), RecordType.code(c.qtype()));
        assertThat(a.rcode()).isEqualTo(c.rcode());
        assertThat(a.answer()).map(ResourceRecord::toString).containsExactlyElementsOf(c.answer());
        assertThat(a.authority()).map(ResourceRecord::toString).containsExactlyElementsOf(c.authority());
    }

    @Test
    void unknownBucketIsNxdomainWhenThereIsNoDefaultZonegroup() {
        Catalog noDefault = Catalog.of(Map.of("eu", EU), null, Map.of("foo", "eu"), 0);
        Answer a = RESOLVER.resolve(noDefault, "other.o.example.com.", RecordType.A);
        assertThat(a.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(a.outcome()).isEqualTo(Answer.Outcome.NO_SUCH_BUCKET);
        assertThat(a.bucket()).isEqualTo("other");
    }

    @Test
    void missesNameTheBucketSoTheCatalogCanLookItUp() {
        Answer a = RESOLVER.resolve(CATALOG, "NewOne.o.example.com.", RecordType.A);
        assertThat(a.outcome().isMiss()).isTrue();
        assertThat(a.bucket()).isEqualTo("newone");
        assertThat(RESOLVER.resolve(CATALOG, "foo.o.example.com.", RecordType.A).outcome().isMiss()).isFalse();
    }

    @Test
    void nestedZonesTakeTheLongestMatch() {
        Zone outer = new Zone("example.com", SOA, 3600, 10, List.of(), List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN);
        Resolver r = new Resolver(List.of(outer, ZONE));
        Answer a = r.resolve(CATALOG, "foo.o.example.com", RecordType.A);
        assertThat(a.zone()).isEqualTo(ZONE);
        assertThat(a.answer()).map(ResourceRecord::data).containsExactly("foo.o.example.eu.");
        // in the outer zone the bucket is "foo.o", which is not known
        assertThat(r.resolve(CATALOG, "foo.o.example.com.", RecordType.A).answer().get(0).ttl()).isEqualTo(60);
        assertThat(r.resolve(CATALOG, "bar.example.com.", RecordType.A).answer()).map(ResourceRecord::data).containsExactly("bar.o.example.us.");
    }

    @Test
    void soaSerialFollowsTheCatalogWhenNoneIsConfigured() {
        Zone z = new Zone("o.example.com", SOA.withSerial(Soa.FOLLOW_CATALOG), 3600, 60, List.of(), List.of(), List.of(),
                UnknownBucketPolicy.DEFAULT);
        Resolver r = new Resolver(List.of(z));
        Catalog before = CATALOG;
        Catalog after = before.withChanges(Map.of("fresh", "us"));
        long s1 = Long.parseLong(r.resolve(before, "o.example.com", RecordType.SOA).answer().get(0).data().split(" ")[2]);
        long s2 = Long.parseLong(r.resolve(after, "o.example.com", RecordType.SOA).answer().get(0).data().split(" ")[2]);
        assertThat(s2).isGreaterThan(s1);
    }
}
