package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * DNSSEC through a signing secondary, as the shipped examples/secondaries set it up: bucketdns
 * the hidden primary, Knot from Debian copying the zone and signing it (knot-signing.conf), and
 * unbound from Debian validating with the zone's KSK as its trust anchor, as a resolver does once
 * the DS is in the parent. Bucket answers come validated (AD); a bucket created in the catalog is
 * answered signed and validated within 5 s.
 *
 * <p>Questions are for CNAME: a bucket's answer is its CNAME, signed in this zone; the regional
 * name it points to is another zone, unsigned here, which would leave a chased answer insecure.
 * The catalog is the file source, as in {@link XfrE2ETest}: under test is the way from a change in
 * bucketdns to a validated answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnssecE2ETest {
    private static final String ZONE = "o.example.com";
    private static final Duration SIGNED_WITHIN = Duration.ofSeconds(5);
    private static final Path EXAMPLE = Path.of("examples", "secondaries");
    private static final String RESOLVER = "127.0." + RgwLab.labSlot() + ".58";
    private static final String COLD_RESOLVER = "127.0." + RgwLab.labSlot() + ".59";
    /** The example's SOA minimum: the TTL of the NSEC records Knot makes. */
    private static final Duration NSEC_TTL = Duration.ofSeconds(5);

    private Path dir;
    private Path buckets;
    private BucketDnsProcess bucketdns;
    private Daemon knot;
    private Unbound unbound;
    /** A second resolver, asked nothing before the bucket is created. */
    private Unbound cold;
    private int port;
    private int knotPort;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("bucketdns-dnssec-");
        buckets = dir.resolve("buckets.txt");
        Files.write(buckets, List.of("foo eu", "photos us", "eu.dotted.bucket eu"));
        port = Ports.free();
        knotPort = Ports.free();
        Path conf = dir.resolve("rgw-pdns.conf");
        // the example with its signing secondary alone
        Files.writeString(conf, ports(Files.readString(EXAMPLE.resolve("rgw-pdns.conf")))
                .replaceAll("(?m)^notify = .*$", "notify = 127.0.0.1:" + knotPort)
                .replace("file = ../buckets.txt", "file = buckets.txt") + "\n[ops]\nlisten =\n");
        bucketdns = BucketDnsProcess.serve(conf);
        assertThat(Ports.await(30, () -> "NOERROR".equals(Dig.query(port, "foo." + ZONE, "A").status())))
                .as("bucketdns started; log:\n%s", bucketdns.log()).isTrue();
        knot = Secondaries.knot(dir.resolve("knot"), ports(Files.readString(EXAMPLE.resolve("knot-signing.conf"))), knotPort, ZONE);
        assertThat(E2EWait.within(Duration.ofSeconds(10), () -> !ksk().isEmpty())).as("knot signed the zone; its output:\n%s", knot.output())
                .isTrue();
        unbound = Unbound.startValidating(dir.resolve("unbound"), RESOLVER, Map.of(ZONE, "127.0.0.1@" + knotPort), ksk());
        cold = Unbound.startValidating(dir.resolve("unbound-cold"), COLD_RESOLVER, Map.of(ZONE, "127.0.0.1@" + knotPort), ksk());
    }

    private String ports(String text) {
        return text.replace("127.0.0.1:5300", "127.0.0.1:" + port).replace("127.0.0.1@5300", "127.0.0.1@" + port)
                .replace("127.0.0.1@5303", "127.0.0.1@" + knotPort);
    }

    /** The zone's key-signing keys as Knot publishes them: what a parent's DS points to. */
    private List<String> ksk() {
        return Dig.ask("127.0.0.1", knotPort, ZONE, "DNSKEY", "+norec").answer().stream().filter(l -> l.contains(" DNSKEY 257 ")).toList();
    }

    @AfterAll
    void stop() {
        Scratch.closeAll(unbound, cold);
        if (knot != null) {
            knot.stop();
        }
        Scratch.closeAll(bucketdns);
        Scratch.delete(dir);
    }

    /** A validated answer's records other than signatures, and the AD flag. */
    private static String validated(Dig.Result r) {
        return r.status() + (r.flags().contains("ad") ? " ad " : " insecure ")
                + r.answer().stream().filter(l -> !l.contains(" RRSIG ")).map(l -> l.replaceFirst(" \\d+ IN ", " IN ")).sorted().toList();
    }

    @Test
    @Order(1)
    void bucketAnswersComeSignedAndValidated() {
        assertThat(validated(unbound.dig("foo." + ZONE, "CNAME", "+dnssec")))
                .isEqualTo("NOERROR ad [foo.o.example.com. IN CNAME foo.o.example.eu.]");
        assertThat(validated(unbound.dig("FoO." + ZONE, "CNAME"))).as("mixed case").isEqualTo("NOERROR ad [FoO.o.example.com. IN CNAME foo.o.example.eu.]");
        assertThat(validated(unbound.dig("eu.dotted.bucket." + ZONE, "CNAME")))
                .isEqualTo("NOERROR ad [eu.dotted.bucket.o.example.com. IN CNAME eu.dotted.bucket.o.example.eu.]");
        assertThat(validated(unbound.dig("nobucket." + ZONE, "CNAME"))).as("an unknown name, by the signed wildcard")
                .isEqualTo("NOERROR ad [nobucket.o.example.com. IN CNAME o.example.eu.]");
        assertThat(validated(unbound.dig("dotted.bucket." + ZONE, "CNAME"))).as("an empty non-terminal, NODATA proven")
                .isEqualTo("NOERROR ad []");
        assertThat(unbound.dig(ZONE, "SOA").flags()).contains("ad");
    }

    /**
     * From the bucket file's change: Knot has the bucket signed, a resolver that never saw the
     * name validates it at once, and one that cached the NSEC covering it (the first test asked
     * an unknown name) does once that NSEC expired, as RFC 8198 lets it.
     */
    @Test
    @Order(2)
    void aCreatedBucketIsAnsweredSignedAndValidatedWithinFiveSeconds() throws Exception {
        String expected = "NOERROR ad [fresh.o.example.com. IN CNAME fresh.o.example.us.]";
        Path next = dir.resolve("buckets.next");
        Files.write(next, List.of("foo eu", "eu.dotted.bucket eu", "fresh us"));
        long since = System.nanoTime();
        Files.move(next, buckets, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // asked of Knot until it has it, not of a resolver, which would keep the wildcard's answer it got meanwhile
        boolean signed = E2EWait.within(Duration.ofSeconds(15), () -> {
            List<String> answer = Dig.ask("127.0.0.1", knotPort, "fresh." + ZONE, "CNAME", "+norec", "+dnssec").answer();
            return answer.stream().anyMatch(l -> l.endsWith(" CNAME fresh.o.example.us.")) && answer.stream().anyMatch(l -> l.contains(" RRSIG CNAME "));
        });
        long signedMillis = (System.nanoTime() - since) / 1_000_000;
        Dig.Result fresh = cold.dig("fresh." + ZONE, "CNAME");
        long coldMillis = (System.nanoTime() - since) / 1_000_000;
        Dig.Result photos = cold.dig("photos." + ZONE, "CNAME");
        boolean warmHas = E2EWait.within(Duration.ofSeconds(15), () -> validated(unbound.dig("fresh." + ZONE, "CNAME")).equals(expected));
        long warmMillis = (System.nanoTime() - since) / 1_000_000;
        System.out.printf("e2e: a created bucket signed by knot after %d ms, validated by a resolver new to the name after %d ms,"
                + " by one holding the NSEC over it after %d ms%n", signedMillis, coldMillis, warmMillis);

        assertThat(signed).as("knot signed the new bucket; its output:\n%s", knot.output()).isTrue();
        assertThat(validated(fresh)).isEqualTo(expected);
        assertThat(coldMillis).as("validated within %s", SIGNED_WITHIN).isLessThanOrEqualTo(SIGNED_WITHIN.toMillis());
        assertThat(validated(photos)).as("a deleted bucket: the signed wildcard").isEqualTo("NOERROR ad [photos.o.example.com. IN CNAME o.example.eu.]");
        assertThat(warmHas).isTrue();
        assertThat(warmMillis).as("a cached NSEC hides it for its TTL at most").isLessThanOrEqualTo(SIGNED_WITHIN.plus(NSEC_TTL).toMillis());
        assertThat(bucketdns.log()).contains("IXFR of o.example.com from serial");
    }
}
