package io.bucketdns.feed.haproxy;

import static io.bucketdns.feed.haproxy.MapEntriesTest.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.LogLines;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogChange;
import io.bucketdns.catalog.Zonegroup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeSinkTest {
    private static final String MAP = "/etc/haproxy/buckets.map";
    private static final String REGIONS = "/etc/haproxy/regions.map";

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime();
    private final LogLines log = new LogLines(HaproxyFeed.class);
    private FakeHaproxy haproxy;
    private RuntimeSink sink;
    private Catalog current = catalog(Map.of());

    @BeforeEach
    void startHaproxy() throws IOException {
        haproxy = FakeHaproxy.start(dir.resolve("admin.sock"), MAP, REGIONS);
        sink = sink(null);
    }

    private RuntimeSink sink(String omitZonegroup) {
        return new RuntimeSink(haproxy.address(), MAP, REGIONS, new MapEntries(omitZonegroup), time, time.scheduler("runtime"));
    }

    @AfterEach
    void stop() throws IOException {
        sink.close();
        haproxy.close();
        log.close();
    }

    /** The catalog writer's whole replacement: a first load. */
    private void load(RuntimeSink into, Map<String, String> buckets) {
        current = catalog(buckets);
        into.offer(new CatalogChange(Catalog.empty(), current, Map.of(), true));
    }

    /** The catalog writer's incremental change; a null zonegroup removes the bucket. */
    private void change(Map<String, String> buckets) {
        Catalog before = current;
        current = current.withChanges(buckets);
        sink.offer(new CatalogChange(before, current, buckets, false));
    }

    private long count(String commandPrefix) {
        return haproxy.commands().stream().filter(c -> c.startsWith(commandPrefix)).count();
    }

    @Test
    void aLoadedCatalogReplacesTheMapWholeInOneVersionedCommit() {
        haproxy.edit(m -> m.put("stale", "us"));

        load(sink, Map.of("foo", "eu", "bar", "us"));
        time.runDue();

        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        assertThat(haproxy.commands()).containsSubsequence("prepare map " + MAP, "add map @1 " + MAP, "commit map @1 " + MAP);
        assertThat(sink.status()).isEqualTo(new HaproxyFeed.Status(2, 0, 1, 0, 0, FakeTime.ORIGIN, true));
        assertThat(log.lines()).containsExactly("INFO haproxy: map " + MAP + " replaced whole: 2 entries in 0 ms",
                "INFO haproxy: region map " + REGIONS + " replaced: {eu=eu, us=us}");
    }

    @Test
    void entryChangesArePushedOneByOneAsTheyHappen() {
        load(sink, Map.of("foo", "eu", "bar", "us"));
        time.runDue();
        time.advance(Duration.ofMillis(10));

        Map<String, String> c = new HashMap<>();
        c.put("foo", null);
        c.put("bar", "eu");
        c.put("baz", "us");
        change(c);
        time.runDue();

        assertThat(haproxy.map()).isEqualTo(Map.of("bar", "eu", "baz", "us"));
        assertThat(haproxy.commands()).contains("del map " + MAP + " foo", "set map " + MAP + " bar eu", "add map " + MAP + " baz us");
        assertThat(count("prepare map " + MAP)).isEqualTo(1);
        assertThat(sink.status()).isEqualTo(new HaproxyFeed.Status(2, 3, 1, 0, 0, FakeTime.ORIGIN.plusMillis(10), true));
    }

    @Test
    void changesThatArriveTogetherAreOnePush() {
        load(sink, Map.of("foo", "eu"));
        time.runDue();
        long talks = count("show info");

        change(Map.of("a", "eu"));
        change(Map.of("b", "us"));
        change(Map.of("a", "us"));
        time.runDue();

        assertThat(count("show info")).isEqualTo(talks + 1);
        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "a", "us", "b", "us"));
        assertThat(haproxy.commands()).as("new entries in one payload").containsOnlyOnce("add map " + MAP)
                .doesNotContain("add map " + MAP + " a us", "add map " + MAP + " b us");
    }

    @Test
    void manyMovesAtOnceReplaceTheMapWhole() {
        Map<String, String> before = new HashMap<>();
        Map<String, String> moves = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            before.put("b" + i, "eu");
            moves.put("b" + i, "us");
        }
        load(sink, before);
        time.runDue();

        change(moves);
        time.runDue();

        assertThat(haproxy.map()).isEqualTo(moves);
        assertThat(count("set map")).isZero();
        assertThat(sink.status().replacements()).isEqualTo(2);
        assertThat(log.lines()).contains(
                "INFO haproxy: 65 buckets moved and 0 removed at once: replacing the map whole, cheaper than one by one");
    }

    @Test
    void withoutChangesHaproxyIsLookedAtEveryTwoSeconds() {
        load(sink, Map.of("foo", "eu"));
        time.runDue();

        time.advance(Duration.ofMillis(1999));
        assertThat(count("show info")).isEqualTo(1);
        time.advance(Duration.ofMillis(1));
        assertThat(count("show info")).isEqualTo(2);
        time.advance(Duration.ofSeconds(2));
        assertThat(count("show info")).isEqualTo(3);
        assertThat(count("prepare map " + MAP)).isEqualTo(1);
    }

    @Test
    void driftIsSeenAtTheNextCheckAndTheMapReplacedWhole() {
        load(sink, Map.of("foo", "eu", "bar", "us"));
        time.runDue();
        haproxy.edit(m -> m.remove("foo"));

        time.advance(Duration.ofMillis(1999));
        assertThat(haproxy.map()).isEqualTo(Map.of("bar", "us"));
        time.advance(Duration.ofMillis(1));

        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        assertThat(sink.status().replacements()).isEqualTo(2);
        assertThat(sink.status().agrees()).isTrue();
        assertThat(log.lines()).contains("WARN haproxy: map " + MAP + " holds 1 entries, the catalog gives 2: replacing it whole");
    }

    @Test
    void aRestartedHaproxyIsSeenByItsPidAndItsMapReplacedEvenWhenTheCountAgrees() throws IOException {
        load(sink, Map.of("foo", "eu", "bar", "us"));
        time.runDue();

        haproxy.stop();
        haproxy.restart(Map.of("foo", "us", "stale", "eu")); // a stale file, as many entries
        time.advance(Duration.ofSeconds(2));

        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        assertThat(sink.status().replacements()).isEqualTo(2);
        assertThat(log.lines()).contains("INFO haproxy: another HAProxy process answers (2.6-fake pid 101, was pid 100): replacing its map whole");
    }

    @Test
    void anUnreachableSocketIsRetriedWithBackoffUpToTenSecondsAndResyncedWhenBack() throws IOException {
        load(sink, Map.of("foo", "eu"));
        time.runDue();
        haproxy.stop();
        change(Map.of("bar", "us"));
        time.runDue();

        List<Long> attempts = new ArrayList<>(List.of(0L));
        for (int ms = 1; ms <= 40_000; ms++) {
            long failures = sink.status().failures();
            time.advance(Duration.ofMillis(1));
            if (sink.status().failures() > failures) {
                attempts.add((long) ms);
            }
        }
        assertThat(attempts).containsExactly(0L, 200L, 600L, 1400L, 3000L, 6200L, 12_600L, 22_600L, 32_600L);
        assertThat(sink.status().agrees()).isFalse();

        haproxy.restart(Map.of("foo", "eu"));
        time.advance(Duration.ofMillis(2599));
        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu"));
        time.advance(Duration.ofMillis(1)); // 42.6 s: the next retry

        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        assertThat(sink.status().agrees()).isTrue();
        assertThat(log.lines()).filteredOn(l -> l.contains("retrying with backoff")).singleElement().asString()
                .startsWith("WARN haproxy: runtime API at " + haproxy.address().getPath() + ": ")
                .endsWith("; retrying with backoff, the map file stays current");
        assertThat(log.lines()).contains("INFO haproxy: runtime API at " + haproxy.address().getPath() + " answers again; map " + MAP
                + " holds 2 entries");
    }

    @Test
    void aPushThatFailsHalfWayIsFollowedByAWholeReplacement() {
        load(sink, Map.of("foo", "eu", "bar", "us"));
        time.runDue();
        haproxy.edit(m -> m.remove("bar"));

        change(Map.of("bar", "eu"));
        time.runDue();
        assertThat(sink.status().failures()).isEqualTo(1);
        time.advance(Duration.ofMillis(200));

        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "bar", "eu"));
        assertThat(sink.status().replacements()).isEqualTo(2);
        assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN haproxy: runtime API at ")
                && l.contains("map " + MAP + " lacked bucket bar: it drifted from the catalog"));
    }

    @Test
    void bucketsAMapCannotHoldAreLeftOutLoggedAndCounted() {
        load(sink, Map.of("foo", "eu", "a;b", "us", "#x", "us"));
        time.runDue();
        change(Map.of("c d", "us", "bar", "us"));
        time.runDue();

        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        assertThat(sink.status().unmappable()).isEqualTo(2);
        assertThat(log.lines()).contains(
                "INFO haproxy: map " + MAP + " replaced whole: 1 entries in 0 ms; 2 buckets left out, their names cannot be map keys",
                "WARN haproxy: bucket c d is left out of the map: its name cannot be a map key; the default backend serves it");
    }

    @Test
    void theOmittedZonegroupStaysOutOfTheMap() {
        sink.close();
        sink = sink("eu");
        load(sink, Map.of("foo", "eu", "bar", "us"));
        time.runDue();
        Catalog before = current;
        current = current.withChanges(Map.of("baz", "eu", "qux", "us"));
        sink.offer(new CatalogChange(before, current, Map.of("baz", "eu", "qux", "us"), false));
        time.runDue();

        assertThat(haproxy.map()).isEqualTo(Map.of("bar", "us", "qux", "us"));
        assertThat(sink.status().entries()).isEqualTo(2);
    }

    @Test
    void closedItTalksNoMore() {
        load(sink, Map.of("foo", "eu"));
        time.runDue();
        long talks = count("show info");

        sink.close();
        change(Map.of("bar", "us"));
        time.advance(Duration.ofMinutes(1));

        assertThat(count("show info")).isEqualTo(talks);
        assertThat(time.pending()).isZero();
    }

    @Test
    void theRegionMapIsReplacedOnceAndAgainOnlyWhenAZonegroupsRegionChanges() {
        load(sink, Map.of("foo", "eu"));
        time.runDue();
        change(Map.of("bar", "us"));
        time.runDue();
        assertThat(haproxy.map(REGIONS)).isEqualTo(Map.of("eu", "eu", "us", "us"));
        assertThat(count("prepare map " + REGIONS)).isEqualTo(1);

        Catalog before = current;
        Map<String, Zonegroup> renamed = new LinkedHashMap<>(current.zonegroups());
        renamed.put("us", new Zonegroup("us", "o.example.us", "us-west"));
        current = current.withZonegroups(renamed, renamed.get("eu"));
        sink.offer(new CatalogChange(before, current, Map.of(), false));
        time.runDue();

        assertThat(haproxy.map(REGIONS)).isEqualTo(Map.of("eu", "eu", "us-west", "us"));
        assertThat(count("prepare map " + REGIONS)).isEqualTo(2);
        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "bar", "us"));
    }

    @Test
    void anHaproxyWhoseConfigNamesNoRegionMapStillGetsItsBucketMapAndTheOperatorIsToldOnce() throws IOException {
        sink.close();
        haproxy.close();
        haproxy = FakeHaproxy.start(dir.resolve("old.sock"), MAP);
        sink = sink(null);

        load(sink, Map.of("foo", "eu"));
        time.runDue();
        change(Map.of("bar", "us"));
        time.advance(Duration.ofSeconds(10));

        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        assertThat(sink.status().failures()).isZero();
        assertThat(sink.status().agrees()).isTrue();
        assertThat(log.lines()).filteredOn(l -> l.contains("region map")).singleElement().asString()
                .startsWith("WARN haproxy: cannot replace the region map " + REGIONS + " (")
                .contains("is it named in haproxy.cfg");
    }
}
