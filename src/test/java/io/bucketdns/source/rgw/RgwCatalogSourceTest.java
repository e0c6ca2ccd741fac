package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.CatalogWait;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import io.bucketdns.source.rgw.admin.AdminHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rgw source against a fake admin API on 127.0.0.1: what ends up answerable, and how fast. */
class RgwCatalogSourceTest {
    static final AdminHttp.Timing FAST_HTTP =
            new AdminHttp.Timing(Duration.ofSeconds(1), Duration.ofSeconds(2), 2, Duration.ofMillis(50), Duration.ofSeconds(1));
    static final RgwCatalogSource.Timing FAST = new RgwCatalogSource.Timing(Duration.ofSeconds(5), Duration.ofMillis(200),
            Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMinutes(10), Duration.ofMinutes(1),
            Duration.ofSeconds(20));
    /** Nothing listens on port 1 of loopback: connections are refused at once. */
    static final String DEAD = "http://127.0.0.1:1";

    @TempDir
    Path dir;

    private FakeRgw rgw;
    private final List<RgwCatalogSource> sources = new ArrayList<>();
    /** The last started source's writer, whose changes the tests wait for. */
    private CatalogWriter writer;

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
    void theLogSweepBringsNewAndDeletedBuckets() {
        rgw.preload(Map.of("old", Fixtures.EU_ID));
        LiveCatalog live = start(config(rgw.url(), ""));

        rgw.create("fresh.bucket", Fixtures.US_ID);
        assertThat(until(Duration.ofSeconds(10), c -> "o.example.us".equals(host(c, "fresh.bucket")))).isTrue();

        rgw.delete("old");
        assertThat(until(Duration.ofSeconds(10), c -> c.zonegroupOf("old") == null)).isTrue();
        assertThat(host(live, "fresh.bucket")).isEqualTo("o.example.us");
    }

    @Test
    void aQuestionForADeletedBucketPullsItsShardForward() {
        rgw.preload(Map.of("old", Fixtures.EU_ID));
        LiveCatalog live = start(config(rgw.url(), "log_sweep = 1h")); // the sweep alone would take an hour
        RgwCatalogSource source = sources.get(0);
        int logReads = rgw.requests("log");

        rgw.delete("old");
        source.onKnown("old"); // a client asks for it

        assertThat(until(Duration.ofSeconds(10), c -> c.zonegroupOf("old") == null)).isTrue();
        assertThat(rgw.requests("log") - logReads).as("shard reads, not a sweep of 64").isLessThan(16);
    }

    @Test
    void aNewPeriodStartsAReconciliation() {
        LiveCatalog live = start(config(rgw.url(), ""));
        rgw.preload(Map.of("unlogged", Fixtures.US_ID)); // only a full listing can find it

        rgw.newPeriod("period-2");

        assertThat(until(Duration.ofSeconds(10), c -> "o.example.us".equals(host(c, "unlogged")))).isTrue();
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
        sources.remove(0).close(); // writes the snapshot
        assertThat(snapshot).exists();
        rgw.close();

        LiveCatalog live = start(config(rgw.url(), "snapshot = " + snapshot));

        assertThat(host(live, "foo")).isEqualTo("o.example.eu");
        assertThat(host(live, "bar")).isEqualTo("o.example.us");
    }

    @Test
    void aRestartFollowsTheLogFromItsSnapshotAtOnceWithoutListing() {
        Path snapshot = dir.resolve("catalog.gz");
        rgw.preload(Map.of("foo", Fixtures.EU_ID, "bar", Fixtures.US_ID));
        start(config(rgw.url(), "snapshot = " + snapshot));
        sources.remove(0).close(); // writes the snapshot
        rgw.delete("foo"); // while bucketdns is down
        rgw.create("new", Fixtures.EU_ID);
        int listings = rgw.requests("metadata/bucket");

        LiveCatalog live = start(config(rgw.url(), "snapshot = " + snapshot + "\nlog_sweep = 1h"));

        assertThat(host(live, "bar")).isEqualTo("o.example.us");
        assertThat(until(Duration.ofSeconds(5), c -> c.zonegroupOf("foo") == null && "o.example.eu".equals(host(c, "new"))))
                .as("the first pass reads every shard").isTrue();
        assertThat(rgw.requests("metadata/bucket")).as("no listing").isEqualTo(listings);
    }

    @Test
    void aSnapshotOlderThanTheLogIsKeptIsReconciled() {
        Path snapshot = dir.resolve("catalog.gz");
        rgw.preload(Map.of("foo", Fixtures.EU_ID));
        start(config(rgw.url(), "snapshot = " + snapshot));
        sources.remove(0).close(); // writes the snapshot
        rgw.realm().forget("foo"); // gone from RGW, and from a log long trimmed
        int listings = rgw.requests("metadata/bucket");

        RgwCatalogSource.Timing trimmedAtOnce = new RgwCatalogSource.Timing(FAST.hotFor(), FAST.fresh(), FAST.mapRefresh(),
                FAST.snapshotEvery(), FAST.firstBackoff(), Duration.ZERO, FAST.staleReport(), FAST.startWait());
        RgwCatalogSource s = new RgwCatalogSource(config(rgw.url(), "snapshot = " + snapshot), FAST_HTTP, trimmedAtOnce);
        sources.add(s);
        writer = new CatalogWriter(new LiveCatalog());
        s.start(writer);

        assertThat(until(Duration.ofSeconds(10), c -> c.zonegroupOf("foo") == null)).isTrue();
        assertThat(rgw.requests("metadata/bucket")).as("a listing").isGreaterThan(listings);
    }

    @Test
    void keepsAnsweringWhenRgwGoesAway() throws Exception {
        rgw.preload(Map.of("foo", Fixtures.EU_ID));
        CountDownLatch failed = new CountDownLatch(3);
        RgwCatalogSource s = new RgwCatalogSource(config(rgw.url(), ""), FAST_HTTP, FAST, (endpoint, result, nanos) -> {
            if (result.equals("error")) {
                failed.countDown();
            }
        });
        sources.add(s);
        LiveCatalog live = new LiveCatalog();
        s.start(new CatalogWriter(live));

        rgw.close();
        assertThat(failed.await(5, TimeUnit.SECONDS)).as("the log read fails").isTrue();

        assertThat(host(live, "foo")).isEqualTo("o.example.eu");
    }

    @Test
    void anUnknownBucketAskedForIsLookedUpAndAnsweredNextTime() {
        LiveCatalog live = start(config(rgw.url(), ""));
        RgwCatalogSource source = sources.get(0);
        rgw.preload(Map.of("late", Fixtures.US_ID)); // exists, but the log never said so

        source.onMiss("late");

        assertThat(until(Duration.ofSeconds(2), c -> "o.example.us".equals(host(c, "late")))).isTrue();
    }

    @Test
    void aFloodOfRandomNamesBecomesAtMostTheConfiguredLookupsPerSecond() throws Exception {
        LiveCatalog live = start(config(rgw.url(), "miss_lookups_per_second = 20"));
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
        int started = (int) live.health().missLookups(); // each asks one entrypoint: the names do not exist
        assertThat(rgw.realm().awaitRequests("metadata/bucket?key", started, Duration.ofSeconds(5))).isTrue();

        int lookups = rgw.requests("metadata/bucket?key");
        assertThat(lookups).as("entrypoint reads in %.1f s", seconds).isBetween(20, (int) (20 + 20 * seconds) + 1);
    }

    @Test
    void concurrentAndRepeatedMissesOfOneNameCostOneLookup() throws Exception {
        LiveCatalog live = start(config(rgw.url(), ""));
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
        assertThat(rgw.realm().awaitRequests("metadata/bucket?key", 1, Duration.ofSeconds(5))).isTrue();

        source.onMiss("ghost"); // still in flight, or negatively cached by now: either way not looked up again

        assertThat(live.health().missLookups()).as("look-ups started").isEqualTo(1);
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
        writer = new CatalogWriter(live);
        source(config).start(writer);
        return live;
    }

    /** Waits, woken by each change the last started source makes, for its catalog to satisfy {@code condition}. */
    private boolean until(Duration limit, Predicate<Catalog> condition) {
        return CatalogWait.until(writer, limit, condition);
    }

    private RgwCatalogSource source(BucketDnsConfig config) {
        RgwCatalogSource s = new RgwCatalogSource(config, FAST_HTTP, FAST);
        sources.add(s);
        return s;
    }

    /** @param catalogLines lines of the [catalog] section, separated by newlines */
    static BucketDnsConfig config(String endpoints, String catalogLines) {
        List<String> lines = new ArrayList<>(List.of(
                "[powerdns]",
                "listen_addr =",
                "dns_zone = o.example.com",
                "rgw_endpoint = " + endpoints,
                "rgw_access_key = " + FakeRgw.ACCESS_KEY,
                "rgw_secret_key = " + FakeRgw.SECRET_KEY,
                "[catalog]",
                "source = rgw",
                catalogLines.contains("log_sweep") ? "" : "log_sweep = 1s"));
        lines.addAll(List.of(catalogLines.split("\n")));
        return ConfigLoader.parse(Path.of("rgw-pdns.conf"), lines);
    }

    private static String host(LiveCatalog live, String bucket) {
        return host(live.current(), bucket);
    }

    private static String host(Catalog catalog, String bucket) {
        Zonegroup z = catalog.zonegroupOf(bucket);
        return z == null ? null : z.hostname();
    }
}
