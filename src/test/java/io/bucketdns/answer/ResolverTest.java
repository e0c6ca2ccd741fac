package io.bucketdns.answer;

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

/** The answer rules of the README's answer table, one row per case: question in, rcode + answer + authority out. */
class ResolverTest {
    static final Zone STRICT = new Zone("s3.example.net", SOA, 3600, 30, List.of(), List.of(), List.of("2001:db8::1"),
            UnknownBucketPolicy.NXDOMAIN);
    static final Resolver RESOLVER = new Resolver(List.of(ZONE, STRICT));

    static final String SOA_NEG = "o.example.com.\t60\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60";
    static final String SOA_NEG_STRICT = "s3.example.net.\t60\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60";
    /** A negative answer that is only a guess: the SOA's TTL is the zone's unknown_ttl (default 5), not its minimum. */
    static final String SOA_GUESS = "o.example.com.\t5\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60";
    static final String SOA_GUESS_STRICT = "s3.example.net.\t5\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60";

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
                // unknown bucket, policy default: CNAME to the default zonegroup, a guess: TTL unknown_ttl
                c("newbucket.o.example.com.", "A", Rcode.NOERROR,
                        List.of("newbucket.o.example.com.\t5\tIN\tCNAME\tnewbucket.o.example.eu."), List.of()),
                // unknown bucket, policy nxdomain: negative TTL unknown_ttl
                c("newbucket.s3.example.net.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_GUESS_STRICT)),
                // empty non-terminals: buckets eu.dotted.bucket and a-b.c lie below these names
                c("dotted.bucket.s3.example.net.", "A", Rcode.NOERROR, List.of(), List.of(SOA_GUESS_STRICT)),
                c("c.o.example.com.", "A", Rcode.NOERROR, List.of(), List.of(SOA_NEG)),
                c("C.s3.example.net.", "TXT", Rcode.NOERROR, List.of(), List.of(SOA_NEG_STRICT)),
                // a possible bucket with buckets below: unknown, so by policy, but never NXDOMAIN
                c("bucket.o.example.com.", "A", Rcode.NOERROR, List.of("bucket.o.example.com.\t5\tIN\tCNAME\tbucket.o.example.eu."), List.of()),
                c("bucket.s3.example.net.", "A", Rcode.NOERROR, List.of(), List.of(SOA_GUESS_STRICT)),
                // below a name that is no bucket and has none below: NXDOMAIN
                c("x.c.x.s3.example.net.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_GUESS_STRICT)),
                c("x._y.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("foo.s3.example.net.", "A", Rcode.NOERROR, List.of("foo.s3.example.net.\t30\tIN\tCNAME\tfoo.o.example.eu."), List.of()),
                // names that cannot be buckets; while a bucket could still appear below one (x.ab), its
                // NXDOMAIN, which denies everything below (RFC 8020), is a guess too
                c("_x.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("ab.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_GUESS)),
                c("*.o.example.com.", "ANY", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("a..b.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_NEG)),
                c("-foo.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_GUESS)),
                c("192.168.1.1.o.example.com.", "A", Rcode.NXDOMAIN, List.of(), List.of(SOA_GUESS)),
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

    @Test
    void unknownTtlIsPerZoneAndNeverLongerThanTheNegativeTtl() {
        Zone longGuess = new Zone("o.example.com", SOA, 3600, 60, List.of(), List.of(), List.of(), UnknownBucketPolicy.DEFAULT,
                30, StaticRecords.NONE);
        Zone shortGuess = new Zone("s3.example.net", SOA, 3600, 60, List.of(), List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN,
                2, StaticRecords.NONE);
        Zone neverCached = new Zone("z.example.org", SOA, 3600, 60, List.of(), List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN,
                600, StaticRecords.NONE);
        Resolver r = new Resolver(List.of(longGuess, shortGuess, neverCached));

        assertThat(r.resolve(CATALOG, "new.o.example.com", RecordType.A).answer()).map(ResourceRecord::ttl).containsExactly(30L);
        assertThat(r.resolve(CATALOG, "new.s3.example.net", RecordType.A).authority()).map(ResourceRecord::ttl).containsExactly(2L);
        // the SOA's own negative TTL (its minimum, 60) still bounds a longer unknown_ttl
        assertThat(r.resolve(CATALOG, "new.z.example.org", RecordType.A).authority()).map(ResourceRecord::ttl).containsExactly(60L);
        // a known bucket keeps dns_default_ttl
        assertThat(r.resolve(CATALOG, "foo.s3.example.net", RecordType.A).answer()).map(ResourceRecord::ttl).containsExactly(60L);
    }

    @Test
    void anEmptyNonTerminalFollowsTheCatalog() {
        Catalog created = CATALOG.withChanges(Map.of("x.ab", "us"));
        Catalog removedAgain = created.withChanges(java.util.Collections.singletonMap("x.ab", null));

        assertThat(RESOLVER.resolve(CATALOG, "ab.o.example.com", RecordType.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
        Answer ent = RESOLVER.resolve(created, "ab.o.example.com", RecordType.A);
        assertThat(ent.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ent.outcome()).isEqualTo(Answer.Outcome.NODATA);
        assertThat(ent.answer()).isEmpty();
        assertThat(RESOLVER.resolve(removedAgain, "ab.o.example.com", RecordType.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    static final Zone WITH_RECORDS = new Zone("o.example.com", SOA, 3600, 60, List.of("ns1.o.example.com.", "ns2.example.net."),
            List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN, 5, StaticRecords.parse("o.example.com", List.of(
                    "ns1.o.example.com. 3600 IN A 192.0.2.53",
                    "ns1 3600 IN AAAA 2001:db8::53",
                    "@ 3600 IN CAA 0 issue \"letsencrypt.org\"",
                    "_acme-challenge.www 60 IN TXT \"token\"",
                    "foo 300 IN A 192.0.2.7"), 60));

    @Test
    void staticRecordsComeBeforeBucketsWithNodataAndNxdomainAroundThem() {
        Resolver r = new Resolver(List.of(WITH_RECORDS));

        assertThat(r.resolve(CATALOG, "NS1.o.example.com.", RecordType.A).answer()).map(ResourceRecord::toString)
                .containsExactly("NS1.o.example.com.\t3600\tIN\tA\t192.0.2.53");
        Answer mx = r.resolve(CATALOG, "ns1.o.example.com.", RecordType.code("MX"));
        assertThat(mx.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(mx.answer()).isEmpty();
        assertThat(mx.authority()).map(ResourceRecord::toString).containsExactly(SOA_NEG);
        // a bucket named foo exists, but the record takes its name
        assertThat(r.resolve(CATALOG, "foo.o.example.com.", RecordType.A).answer()).map(ResourceRecord::data).containsExactly("192.0.2.7");
        assertThat(r.resolve(CATALOG, "foo.o.example.com.", RecordType.CNAME).answer()).isEmpty();
        // the name above a record exists, empty
        Answer www = r.resolve(CATALOG, "www.o.example.com.", RecordType.A);
        assertThat(www.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(www.outcome()).isEqualTo(Answer.Outcome.NODATA);
        assertThat(r.resolve(CATALOG, "_acme-challenge.www.o.example.com.", RecordType.code("TXT")).answer())
                .map(ResourceRecord::data).containsExactly("\"token\"");
        assertThat(r.resolve(CATALOG, "_other.www.o.example.com.", RecordType.code("TXT")).rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(r.resolve(CATALOG, "o.example.com.", RecordType.code("CAA")).answer()).map(ResourceRecord::data)
                .containsExactly("0 issue \"letsencrypt.org\"");
    }

    @Test
    void apexNsCarriesTheAddressesOfInZoneNameServers() {
        Answer ns = new Resolver(List.of(WITH_RECORDS)).resolve(CATALOG, "o.example.com.", RecordType.NS);

        assertThat(ns.answer()).map(ResourceRecord::data).containsExactly("ns1.o.example.com.", "ns2.example.net.");
        assertThat(ns.additional()).map(ResourceRecord::toString).containsExactly(
                "ns1.o.example.com.\t3600\tIN\tA\t192.0.2.53", "ns1.o.example.com.\t3600\tIN\tAAAA\t2001:db8:0:0:0:0:0:53");
    }
}
