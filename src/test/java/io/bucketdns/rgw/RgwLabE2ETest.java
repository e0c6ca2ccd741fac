package io.bucketdns.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import io.bucketdns.dns.Answer;
import io.bucketdns.dns.RecordType;
import io.bucketdns.dns.ResourceRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * bucketdns with {@code source = rgw} against a real Ceph RGW multisite (zonegroups eu, the
 * metadata master, and us) brought up by {@code scripts/rgw-lab} on loopback.
 *
 * <p>The lab here is this test's own (run dir, addresses and mon port differ from the script's
 * defaults, so a lab someone runs by hand is left alone); it is reused when already up, and
 * stopped at the end: the last step needs RGW down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RgwLabE2ETest {
    private static final Path LAB = Path.of("scripts/rgw-lab").toAbsolutePath();
    private static final Map<String, String> LAB_ENV = Map.of(
            "RGWLAB_RUN", "/tmp/bucketdns-rgw-e2e",
            "RGWLAB_EU_ADDR", "127.0.0.21:8000",
            "RGWLAB_US_ADDR", "127.0.0.22:8000",
            "RGWLAB_MON_ADDR", "127.0.0.1:3390");
    private static final Duration CHANGE_LIMIT = Duration.ofSeconds(2);

    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final String euBucket = "e2e-eu-" + suffix;
    private final String usBucket = "e2e-us-" + suffix;
    private final String dottedBucket = "e2e.dotted." + suffix;
    private Path dir;
    private BucketDnsConfig config;
    private Service service;

    @BeforeAll
    void startLabAndBucketdns() throws Exception {
        lab(Duration.ofMinutes(10), Map.of(), "start"); // may install Ceph packages first
        lab(Duration.ofMinutes(2), Map.of(), "mkbucket", euBucket, "eu");
        lab(Duration.ofMinutes(2), Map.of(), "mkbucket", usBucket, "us");
        lab(Duration.ofMinutes(2), Map.of(), "mkbucket", dottedBucket, "us");
        dir = Files.createTempDirectory("bucketdns-e2e");
        config = ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), List.of(
                "[powerdns]",
                "listen_addr =",
                "dns_zone = o.example.com",
                // us first: bucketdns must still read the metadata master's (eu) log, which has every change first
                "rgw_endpoint = " + LAB_ENV.get("RGWLAB_US_ADDR") + ", " + LAB_ENV.get("RGWLAB_EU_ADDR"),
                "rgw_access_key = BUCKETDNSADMIN000001",
                "rgw_secret_key = bucketdns-admin-secret-00000000000000001",
                "[catalog]",
                "source = rgw",
                "snapshot = catalog.gz"));
        service = Service.loadCatalog(config);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (service != null) {
            service.close();
        }
        lab(Duration.ofMinutes(1), Map.of(), "stop");
    }

    @Test
    @Order(1)
    void bucketsAreSentToTheirZonegroupsHostNeverToTheGlobalName() {
        assertThat(cname(service, euBucket)).isEqualTo(euBucket + ".o.example.eu.");
        assertThat(cname(service, usBucket)).isEqualTo(usBucket + ".o.example.us.");
        assertThat(cname(service, dottedBucket.toUpperCase())).isEqualTo(dottedBucket + ".o.example.us.");
        assertThat(service.catalog().current().zonegroups().values()).extracting(z -> z.hostname())
                .containsExactlyInAnyOrder("o.example.eu", "o.example.us");
    }

    @Test
    @Order(2)
    void aBucketCreatedNowIsAnsweredWithinTwoSeconds() throws Exception {
        for (String zonegroup : List.of("us", "eu")) {
            String bucket = "e2e-new-" + zonegroup + "-" + suffix;
            long start = System.nanoTime(); // before the script: an upper bound, its own start-up included
            lab(Duration.ofMinutes(1), Map.of("RGWLAB_SYNC", "0"), "mkbucket", bucket, zonegroup);

            boolean seen = RgwCatalogSourceTest.within(CHANGE_LIMIT, () -> (bucket + ".o.example." + zonegroup + ".").equals(cname(service, bucket)));

            System.out.printf("e2e: new bucket in %s answered after %d ms%n", zonegroup, (System.nanoTime() - start) / 1_000_000);
            assertThat(seen).as("%s in %s answered within %s", bucket, zonegroup, CHANGE_LIMIT).isTrue();
        }
    }

    @Test
    @Order(3)
    void aDeletedBucketIsGoneWithinTwoSeconds() throws Exception {
        long start = System.nanoTime();
        lab(Duration.ofMinutes(1), Map.of("RGWLAB_SYNC", "0"), "rmbucket", usBucket);

        boolean gone = RgwCatalogSourceTest.within(CHANGE_LIMIT, () -> service.catalog().current().zonegroupOf(usBucket) == null);

        System.out.printf("e2e: deleted bucket gone after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(gone).as("gone within %s", CHANGE_LIMIT).isTrue();
        // unknown buckets go to the master zonegroup, where they can be created
        assertThat(cname(service, usBucket)).isEqualTo(usBucket + ".o.example.eu.");
    }

    @Test
    @Order(4)
    void withRadosgwStoppedKnownBucketsStillResolveAndSurviveARestart() throws Exception {
        lab(Duration.ofMinutes(1), Map.of(), "stop");
        Thread.sleep(1500); // several failed rounds of the metadata log

        assertThat(cname(service, euBucket)).isEqualTo(euBucket + ".o.example.eu.");
        assertThat(cname(service, dottedBucket)).isEqualTo(dottedBucket + ".o.example.us.");

        service.close(); // writes the snapshot
        service = Service.loadCatalog(config);

        assertThat(cname(service, euBucket)).isEqualTo(euBucket + ".o.example.eu.");
        assertThat(cname(service, dottedBucket)).isEqualTo(dottedBucket + ".o.example.us.");
    }

    /** The CNAME target bucketdns answers for BUCKET.o.example.com, or null. */
    private static String cname(Service s, String bucket) {
        Answer a = s.resolver().resolve(s.catalog().current(), bucket + ".o.example.com.", RecordType.A);
        return a.answer().stream().filter(r -> r.type() == RecordType.CNAME).map(ResourceRecord::data).findFirst().orElse(null);
    }

    /** Runs scripts/rgw-lab with this test's lab settings; fails the test with its output when it fails. */
    private static void lab(Duration limit, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", LAB.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(LAB_ENV);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("rgw-lab " + String.join(" ", args) + " did not finish in " + limit);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("rgw-lab %s:%n%s", String.join(" ", args), text).isZero();
    }
}
