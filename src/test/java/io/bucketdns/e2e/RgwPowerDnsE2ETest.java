package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a user of a real Ceph RGW multisite sees: buckets created through S3 in zonegroups eu and
 * us, asked for under the global name through the real PowerDNS (remote backend, default caches)
 * with the real dig, then fetched over HTTP from wherever the CNAME leads.
 *
 * <p>PowerDNS caches answers, negative ones too: each freshness step asks for a name PowerDNS has
 * never been asked, once, when the time limit is up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RgwLab.Extension.class)
class RgwPowerDnsE2ETest {
    private static final Duration CHANGE_LIMIT = Duration.ofSeconds(2);
    private static final Duration MAX_STALENESS = Duration.ofSeconds(3);
    private static final String KEY = "hello.txt";
    /** The CNAME target host of each lab zonegroup, written out rather than read from the lab: the oracle. */
    private static final Map<String, String> HOST = Map.of("eu", "o.example.eu", "us", "o.example.us");

    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    /** Bucket to zonegroup, each with a public object {@link #KEY}. */
    private final Map<String, String> buckets = new LinkedHashMap<>();
    /** Known to bucketdns, never asked of PowerDNS until RGW is down. */
    private final String quietBucket = "e2e-quiet-" + suffix;
    private RgwLab lab;
    private Path dir;
    private Service bucketdns;
    private PowerDns pdns;
    private int opsPort;

    @BeforeAll
    void start(RgwLab lab) throws Exception {
        this.lab = lab;
        buckets.put("e2e-pdns-eu-" + suffix, "eu");
        buckets.put("e2e-pdns-us-" + suffix, "us");
        buckets.put("eu.dotted." + suffix, "eu"); // a dotted name: everything left of the zone is the bucket
        for (Map.Entry<String, String> b : buckets.entrySet()) {
            lab.mkbucket(b.getKey(), b.getValue());
            lab.put(b.getKey(), KEY);
        }
        lab.mkbucket(quietBucket, "us");

        dir = Files.createTempDirectory("bucketdns-rgw-pdns-e2e");
        int httpPort = Ports.free();
        opsPort = Ports.free();
        List<String> conf = new ArrayList<>(List.of(
                "[powerdns]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + httpPort,
                "dns_zone = o.example.com",
                "dns_soa_record = ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 60",
                "dns_default_ttl = 60"));
        conf.addAll(lab.rgwSettings());
        conf.addAll(List.of(
                "[catalog]",
                "source = rgw",
                "unknown_bucket = nxdomain", // so that a deleted bucket is visibly gone, not sent to the default zonegroup
                "max_staleness = " + MAX_STALENESS.toSeconds() + "s",
                "[dns]",
                "ns = ns1.example.com.",
                "[ops]",
                "listen = 127.0.0.1:" + opsPort));
        bucketdns = Service.start(ConfigLoader.load(Files.write(dir.resolve("rgw-pdns.conf"), conf)));
        pdns = PowerDns.start(dir.resolve("pdns"), "http:url=http://127.0.0.1:" + httpPort + "/dns", "o.example.com");
    }

    @AfterAll
    void stop() {
        Scratch.closeAll(pdns, bucketdns);
        Scratch.delete(dir);
    }

    @Test
    @Order(1)
    void eachBucketIsACnameToItsZonegroupsHostNeverToTheGlobalName() {
        for (Map.Entry<String, String> b : buckets.entrySet()) {
            String bucket = b.getKey();
            Dig.Result r = dig(bucket + ".o.example.com");

            assertThat(r.status()).as(bucket).isEqualTo("NOERROR");
            assertThat(r.aa()).as(bucket).isTrue();
            // exactly one CNAME, to the zonegroup's own host: a CNAME to BUCKET.o.example.com would loop
            assertThat(r.answer()).as(bucket)
                    .containsExactly(bucket + ".o.example.com. 60 IN CNAME " + bucket + "." + HOST.get(b.getValue()) + ".");
        }
    }

    @Test
    @Order(2)
    void anS3GetWhereTheCnameLeadsIs200AndTheOtherRegionRedirects() {
        for (Map.Entry<String, String> b : buckets.entrySet()) {
            String bucket = b.getKey();
            String target = cnameTarget(dig(bucket + ".o.example.com"), bucket);
            String home = lab.zonegroupServing(target.substring(bucket.length() + 1, target.length() - 1));
            assertThat(home).as(bucket).isEqualTo(b.getValue());

            // the client connects to the CNAME target's address but sends the name the user typed
            RawHttp.Reply there = RawHttp.get(lab.address(home), bucket + ".o.example.com", "/" + KEY);
            RawHttp.Reply wrong = RawHttp.get(lab.address(RgwLab.other(home)), bucket + ".o.example.com", "/" + KEY);

            assertThat(there.status()).as("%s from its own gateway: %s", bucket, there).isEqualTo(200);
            assertThat(there.body()).isEqualTo("hello from rgw-lab\n");
            assertThat(there.header("Location")).isNull();
            assertThat(wrong.status()).as("%s from the other gateway: %s", bucket, wrong).isEqualTo(301);
            String homeUrl = "http://" + lab.endpoint(home) + "/" + bucket + "/" + KEY;
            assertThat(wrong.header("Location")).isIn(homeUrl, homeUrl + "?"); // RGW 16.2 keeps the '?' of an empty query
        }
    }

    /**
     * The drop-in promise for an existing deployment: the seed's own config file, keys, format and
     * defaults unchanged (only the values point at this lab), behind the seed's PowerDNS line.
     */
    @Test
    @Order(2)
    void anUnchangedSeedConfigFileServesTheLabThroughPowerDns() throws Exception {
        int port = Ports.free();
        String master = lab.endpoint("eu"); // host:port, the seed's form
        Path seed = Files.writeString(dir.resolve("seed-rgw-pdns.conf"), String.join("\n",
                "[powerdns]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "dns_zone = o.example.com",
                "dns_soa_record = dns1.icann.org. hostmaster.icann.org. 2012080849 7200 3600 1209600 3600",
                "dns_soa_ttl = 3600",
                "dns_default_ttl = 60",
                "rgw_endpoint = " + master,
                "rgw_admin_entry = admin",
                lab.rgwSettings().get(1),
                lab.rgwSettings().get(2),
                "debug = False",
                ""));
        try (Service seeded = Service.start(ConfigLoader.load(seed));
                PowerDns seededPdns = PowerDns.start(dir.resolve("pdns-seed"), "http:url=http://127.0.0.1:" + port + "/dns", "o.example.com")) {
            assertThat(seeded.config().catalog().source()).isEqualTo(BucketDnsConfig.Source.RGW);
            for (Map.Entry<String, String> b : buckets.entrySet()) {
                assertThat(seededPdns.dig(b.getKey() + ".o.example.com", "A").answer()).as(b.getKey())
                        .containsExactly(b.getKey() + ".o.example.com. 60 IN CNAME " + b.getKey() + "." + HOST.get(b.getValue()) + ".");
            }
            assertThat(seededPdns.dig("o.example.com", "SOA").answer())
                    .containsExactly("o.example.com. 3600 IN SOA dns1.icann.org. hostmaster.icann.org. 2012080849 7200 3600 1209600 3600");
        }
    }

    @Test
    @Order(3)
    void aBucketCreatedNowResolvesWithinTwoSeconds() throws Exception {
        for (String zonegroup : List.of("us", "eu")) {
            String bucket = "e2e-pdns-new-" + zonegroup + "-" + suffix;
            lab.mkbucketNow(bucket, zonegroup);
            long acked = System.nanoTime(); // RGW answered: from now on the user expects DNS to know the bucket
            sleepUntil(acked, CHANGE_LIMIT); // one question: an NXDOMAIN asked for earlier would stay in PowerDNS's cache

            Dig.Result r = dig(bucket + ".o.example.com");

            System.out.printf("e2e: new bucket in %s asked through PowerDNS %d ms after RGW created it: %s%n", zonegroup, millisSince(acked), r.status());
            assertThat(r.answer()).as("%s in %s, %s after RGW created it", bucket, zonegroup, CHANGE_LIMIT)
                    .containsExactly(bucket + ".o.example.com. 60 IN CNAME " + bucket + "." + HOST.get(zonegroup) + ".");
        }
    }

    @Test
    @Order(4)
    void aDeletedBucketStillAskedForIsNxdomainWithinTenSeconds() throws Exception {
        String bucket = "e2e-pdns-gone-" + suffix;
        lab.mkbucket(bucket, "us");
        // bucketdns must know it first, or "gone" would prove nothing; asked in-process so that PowerDNS caches nothing
        assertThat(within(Duration.ofSeconds(5), () -> askInProcess(bucket) != null)).isTrue();

        lab.rmbucketNow(bucket);
        long acked = System.nanoTime();
        // clients still asking for it (in-process, so that PowerDNS caches none of the answers) pull its log shard forward
        assertThat(within(Duration.ofSeconds(10), () -> askInProcess(bucket) == null)).isTrue();
        Dig.Result r = dig(bucket + ".o.example.com");

        System.out.printf("e2e: deleted bucket asked through PowerDNS %d ms after RGW deleted it: %s%n", millisSince(acked), r.status());
        assertThat(r.status()).isEqualTo("NXDOMAIN");
        assertThat(r.answer()).isEmpty();
        assertThat(r.authority()).singleElement().asString().startsWith("o.example.com. 60 IN SOA ns1.example.com. hostmaster.example.com.");
    }

    /** Asks bucketdns itself, as PowerDNS would; the bucket's zonegroup as the catalog has it then, or null. */
    private String askInProcess(String bucket) {
        bucketdns.authority().resolve(bucket + ".o.example.com.", io.bucketdns.answer.RecordType.A);
        io.bucketdns.catalog.Zonegroup z = bucketdns.catalog().current().zonegroupOf(bucket);
        return z == null ? null : z.name();
    }

    @Test
    @Order(5)
    void withRadosgwStoppedReadyzTurns503AfterMaxStalenessAndDnsKeepsAnswering() throws Exception {
        HttpResponse<String> fresh = Scrape.get(opsPort, "/readyz");
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        assertThat(fresh.body()).startsWith("ready: catalog fresh");
        assertThat(Scrape.text(opsPort, "/metrics")).as("RGW request latency by endpoint and result")
                .containsPattern("bucketdns_rgw_request_duration_seconds_count\\{endpoint=\"http://127\\.0\\.\\d+\\.\\d+:\\d+\",result=\"2xx\"} [1-9]");

        long stopped = System.nanoTime();
        lab.stopGateways();
        boolean stale = within(MAX_STALENESS.plusSeconds(10), () -> Scrape.get(opsPort, "/readyz").statusCode() == 503);

        HttpResponse<String> after = Scrape.get(opsPort, "/readyz");
        System.out.printf("e2e: /readyz %d %d ms after radosgw stopped: %s", after.statusCode(), millisSince(stopped), after.body());
        assertThat(stale).as("503 within max_staleness + 10 s").isTrue();
        assertThat(after.body()).startsWith("not ready: catalog stale").contains("max_staleness 3 s");
        assertThat(Scrape.get(opsPort, "/healthz").statusCode()).as("alive, only out of rotation").isEqualTo(200);
        assertThat(Scrape.text(opsPort, "/metrics")).as("failed RGW requests are counted")
                .containsPattern("bucketdns_rgw_request_duration_seconds_count\\{endpoint=\"[^\"]+\",result=\"(error|timeout)\"} [1-9]")
                .containsPattern("bucketdns_catalog_sync_errors_total [1-9]");

        // answered by bucketdns from its last catalog: PowerDNS was never asked for the quiet bucket
        assertThat(dig(quietBucket + ".o.example.com").answer())
                .containsExactly(quietBucket + ".o.example.com. 60 IN CNAME " + quietBucket + ".o.example.us.");
        for (Map.Entry<String, String> b : buckets.entrySet()) {
            assertThat(dig(b.getKey() + ".o.example.com").answer()).as(b.getKey())
                    .containsExactly(b.getKey() + ".o.example.com. 60 IN CNAME " + b.getKey() + "." + HOST.get(b.getValue()) + ".");
        }
    }

    private Dig.Result dig(String name) {
        return Dig.query(pdns.port(), name, "A");
    }

    /** The CNAME target in an answer for {@code bucket}, with its trailing dot. */
    private static String cnameTarget(Dig.Result r, String bucket) {
        assertThat(r.answer()).as(bucket).singleElement().asString().contains(" IN CNAME ");
        String[] fields = r.answer().get(0).split(" ");
        return fields[fields.length - 1];
    }

    private static boolean within(Duration limit, E2EWait.Condition check) {
        return E2EWait.within(limit, check);
    }

    private static void sleepUntil(long start, Duration after) throws InterruptedException {
        long left = start + after.toNanos() - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
