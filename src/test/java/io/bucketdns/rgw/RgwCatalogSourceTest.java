package io.bucketdns.rgw;

import io.bucketdns.Eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rgw source against a fake admin API on 127.0.0.1: what ends up answerable, and how fast. */
class RgwCatalogSourceTest {
    static final AdminHttp.Timing FAST_HTTP =
            new AdminHttp.Timing(Duration.ofSeconds(1), Duration.ofSeconds(2), 2, Duration.ofMillis(50), Duration.ofSeconds(1));
    static final RgwCatalogSource.Timing FAST = new RgwCatalogSource.Timing(Duration.ofMillis(100), Duration.ofMillis(200),
            Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofMinutes(10), Duration.ofMinutes(1));
    /** Nothing listens on port 1 of loopback: connections are refused at once. */
    static final String DEAD = "http://127.0.0.1:1";

    @TempDir
    Path dir;

    private FakeRgw rgw;
    private final List<RgwCatalogSource> sources = new ArrayList<>();

    @BeforeEach
    void startRgw() throws Exception {
        rgw = new FakeRgw();
    }

    @AfterEach
    void stop() {
        sources.forEach(RgwCatalogSource::close);
        rgw.close();
    }

    @Test
    void startsWithEveryBucketThatCanBeADnsNameInItsZonegroup() {
        Map<String, String> buckets = new HashMap<>();
        for (int i = 0; i < 2500; i++) {
            buckets.put("b-" + i, i % 2 == 0 ? Fixtures.EU_ID : Fixtures.US_ID);
        }
        buckets.put("dotted.bucket.name", Fixtures.US_ID);
        buckets.put("tenant1/hidden", Fixtures.US_ID);
        buckets.put("Relaxed_Name", Fixtures.US_ID);
        rgw.preload(buckets);

        LiveCatalog live = start(config(rgw.url(), ""));

        assertThat(live.current().size()).isEqualTo(2501);
        assertThat(host(live, "b-0")).isEqualTo("o.example.eu");
        assertThat(host(live, "b-2499")).isEqualTo("o.example.us");
        assertThat(host(live, "dotted.bucket.name")).isEqualTo("o.example.us");
        assertThat(live.current().defaultZonegroup()).isEqualTo(new Zonegroup("eu", "o.example.eu"));
        assertThat(rgw.requests("metadata/bucket")).as("listing pages of 1000").isEqualTo(3);
    }

    @Test
    void newAndDeletedBucketsAreAnsweredWithinTwoSeconds() {
        rgw.preload(Map.of("old", Fixtures.EU_ID));
        LiveCatalog live = start(config(rgw.url(), ""));

        rgw.create("fresh.bucket", Fixtures.US_ID);
        assertThat(within(Duration.ofSeconds(2), () -> "o.example.us".equals(host(live, "fresh.bucket")))).isTrue();

        rgw.delete("old");
        assertThat(within(Duration.ofSeconds(2), () -> live.current().zonegroupOf("old") == null)).isTrue();
        assertThat(host(live, "fresh.bucket")).isEqualTo("o.example.us");
    }

    @Test
    void aNewPeriodStartsAFullLoad() {
        LiveCatalog live = start(config(rgw.url(), ""));
        rgw.preload(Map.of("unlogged", Fixtures.US_ID)); // only a full listing can find it

        rgw.newPeriod("period-2");

        assertThat(within(Duration.ofSeconds(3), () -> "o.example.us".equals(host(live, "unlogged")))).isTrue();
    }

    @Test
    void anUnreachableEndpointIsSkipped() {
        rgw.preload(Map.of("foo", Fixtures.EU_ID));

        LiveCatalog live = start(config(DEAD + ", " + rgw.url(), ""));

        assertThat(host(live, "foo")).isEqualTo("o.example.eu");
    }

    @Test
    void startFailsWithTheReasonWhenRgwIsDownAndThereIsNoSnapshot() {
        RgwCatalogSource source = source(config(DEAD, ""));

        assertThatThrownBy(() -> source.start(new CatalogWriter(new LiveCatalog())))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("cannot load the catalog from RGW")
                .hasMessageContaining("no RGW endpoint answered");
    }

    @Test
    void answersFromTheSnapshotWhenRgwIsDownAtStart() {
        Path snapshot = dir.resolve("catalog.gz");
        rgw.preload(Map.of("foo", Fixtures.EU_ID, "bar", Fixtures.US_ID));
        start(config(rgw.url(), "snapshot = " + snapshot));
        assertThat(within(Duration.ofSeconds(2), () -> Files.exists(snapshot))).isTrue();
        rgw.close();

        LiveCatalog live = start(config(rgw.url(), "snapshot = " + snapshot));

        assertThat(host(live, "foo")).isEqualTo("o.example.eu");
        assertThat(host(live, "bar")).isEqualTo("o.example.us");
    }

    @Test
    void keepsAnsweringWhenRgwGoesAway() throws Exception {
        rgw.preload(Map.of("foo", Fixtures.EU_ID));
        LiveCatalog live = start(config(rgw.url(), ""));

        rgw.close();
        Thread.sleep(1000); // ten failed rounds of the log

        assertThat(host(live, "foo")).isEqualTo("o.example.eu");
    }

    @Test
    void anUnknownBucketAskedForIsLookedUpAndAnsweredNextTime() {
        LiveCatalog live = start(config(rgw.url(), ""));
        RgwCatalogSource source = sources.get(0);
        rgw.preload(Map.of("late", Fixtures.US_ID)); // exists, but the log never said so

        source.onMiss("late");

        assertThat(within(Duration.ofSeconds(2), () -> "o.example.us".equals(host(live, "late")))).isTrue();
    }

    @Test
    void aFloodOfRandomNamesBecomesAtMostTheConfiguredLookupsPerSecond() throws Exception {
        start(config(rgw.url(), "miss_lookups_per_second = 20"));
        RgwCatalogSource source = sources.get(0);
        long start = System.nanoTime();
        List<Thread> askers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            askers.add(Thread.ofPlatform().start(() -> {
                java.util.Random random = new java.util.Random(seed);
                for (int i = 0; i < 200_000 && System.nanoTime() - start < 2_000_000_000L; i++) {
                    source.onMiss("random-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
                }
            }));
        }
        for (Thread t : askers) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(300); // let the last look-ups reach the fake RGW

        int lookups = rgw.requests("metadata/bucket?key");
        assertThat(lookups).as("entrypoint reads in %.1f s", seconds).isBetween(20, (int) (20 + 20 * seconds) + 1);
    }

    @Test
    void concurrentAndRepeatedMissesOfOneNameCostOneLookup() throws Exception {
        start(config(rgw.url(), ""));
        RgwCatalogSource source = sources.get(0);

        List<Thread> askers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            askers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    source.onMiss("ghost");
                }
            }));
        }
        for (Thread t : askers) {
            t.join();
        }
        Thread.sleep(300);
        source.onMiss("ghost"); // negatively cached by now
        Thread.sleep(200);

        assertThat(rgw.requests("metadata/bucket?key")).isEqualTo(1);
    }

    @Test
    void checkNamesTheMissingCap() throws Exception {
        assertThat(RgwCheck.run(config(rgw.url(), "")).ok()).isTrue();

        rgw.deny("log");
        RgwCheck.Report report = RgwCheck.run(config(rgw.url() + ", " + DEAD, ""));

        assertThat(report.ok()).isFalse();
        assertThat(report.usableEndpoints()).isZero();
        assertThat(report.lines()).hasSize(5);
        assertThat(report.lines().get(0)).isEqualTo("ok   rgw " + rgw.url() + ": reachable");
        assertThat(report.lines().get(1)).startsWith("FAIL rgw " + rgw.url()).contains("lacks mdlog=read");
        assertThat(report.lines().get(2)).startsWith("FAIL rgw " + DEAD + ": unreachable");
        // the zonegroup map needs only zone=read, which the user still has
        assertThat(report.lines().subList(3, 5)).allMatch(l -> l.startsWith("ok   zonegroup "));
    }

    private LiveCatalog start(BucketDnsConfig config) {
        LiveCatalog live = new LiveCatalog();
        source(config).start(new CatalogWriter(live));
        return live;
    }

    private RgwCatalogSource source(BucketDnsConfig config) {
        RgwCatalogSource s = new RgwCatalogSource(config, FAST_HTTP, FAST);
        sources.add(s);
        return s;
    }

    static BucketDnsConfig config(String endpoints, String catalogLines) {
        return ConfigLoader.parse(Path.of("rgw-pdns.conf"), List.of(
                "[powerdns]",
                "listen_addr =",
                "dns_zone = o.example.com",
                "rgw_endpoint = " + endpoints,
                "rgw_access_key = " + FakeRgw.ACCESS_KEY,
                "rgw_secret_key = " + FakeRgw.SECRET_KEY,
                "[catalog]",
                "source = rgw",
                catalogLines));
    }

    private static String host(LiveCatalog live, String bucket) {
        Zonegroup z = live.current().zonegroupOf(bucket);
        return z == null ? null : z.hostname();
    }

    /** Polls {@code condition} until it holds or {@code limit} has passed. */
    static boolean within(Duration limit, BooleanSupplier condition) {
        return Eventually.within(limit, condition::getAsBoolean);
    }
}
