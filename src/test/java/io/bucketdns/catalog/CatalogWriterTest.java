package io.bucketdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CatalogWriterTest {
    private static final Zonegroup EU = new Zonegroup("eu", "o.example.eu");
    private static final Zonegroup US = new Zonegroup("us", "o.example.us");
    private static final Map<String, Zonegroup> BOTH = Map.of("eu", EU, "us", US);

    private final LiveCatalog live = new LiveCatalog();
    private final CatalogWriter writer = new CatalogWriter(live);
    private final List<CatalogChange> told = new CopyOnWriteArrayList<>();

    CatalogWriterTest() {
        writer.addListener(told::add);
    }

    @AfterEach
    void close() {
        writer.close();
    }

    private void replace(Map<String, String> buckets) {
        writer.replace(Catalog.of(BOTH, EU, buckets, 0), Map.of()).join();
    }

    private static Map<String, String> gone(String bucket) {
        Map<String, String> m = new HashMap<>();
        m.put(bucket, null);
        return m;
    }

    @Test
    void aReplacementIsPublishedWholeAndMarksTheCatalogLoaded() {
        assertThat(live.isLoaded()).isFalse();
        replace(Map.of("foo", "eu"));
        assertThat(live.current().zonegroupOf("foo")).isEqualTo(EU);
        assertThat(live.isLoaded()).isTrue();
        assertThat(told).singleElement().satisfies(c -> {
            assertThat(c.whole()).isTrue();
            assertThat(c.after()).isSameAs(live.current());
        });
    }

    @Test
    void changesAreToldBucketByBucketAndNoOpsAreNotTold() {
        replace(Map.of("foo", "eu"));
        Map<String, String> changes = gone("foo");
        changes.put("bar", "us");
        changes.put("same", null); // unknown and removed: nothing changes
        writer.change(changes, Map.of()).join();
        writer.change(Map.of("bar", "us"), Map.of()).join(); // already so

        assertThat(live.current().zonegroupOf("foo")).isNull();
        assertThat(live.current().zonegroupOf("bar")).isEqualTo(US);
        CatalogChange c = told.get(1);
        assertThat(c.whole()).isFalse();
        assertThat(c.buckets()).containsOnlyKeys("foo", "bar").containsEntry("bar", "us").containsEntry("foo", null);
        assertThat(told.get(2).buckets()).isEmpty();
    }

    @Test
    void aLookUpThatStartedBeforeTheLogDeletedTheBucketDoesNotBringItBack() {
        replace(Map.of("foo", "eu"));
        long lookUpStarted = writer.sequence(); // the look-up asks RGW: "foo is in eu"
        long logRoundStarted = writer.sequence();
        writer.observe(gone("foo"), logRoundStarted, Map.of()).join(); // the log: foo deleted
        writer.observe(Map.of("foo", "eu"), lookUpStarted, Map.of()).join(); // the look-up's late answer

        assertThat(live.current().zonegroupOf("foo")).isNull();
        assertThat(writer.droppedObservations()).isEqualTo(1);
    }

    @Test
    void aLookUpThatStartedAfterTheDeletionIsNews() {
        replace(Map.of("foo", "eu"));
        writer.observe(gone("foo"), writer.sequence(), Map.of()).join();
        long recreatedLookUp = writer.sequence();
        writer.observe(Map.of("foo", "us"), recreatedLookUp, Map.of()).join();

        assertThat(live.current().zonegroupOf("foo")).isEqualTo(US);
    }

    @Test
    void observationsOfOtherBucketsStillApply() {
        replace(Map.of("foo", "eu"));
        long asOf = writer.sequence();
        writer.observe(gone("foo"), writer.sequence(), Map.of()).join();
        writer.observe(Map.of("bar", "us"), asOf, Map.of()).join();

        assertThat(live.current().zonegroupOf("bar")).isEqualTo(US);
    }

    /**
     * A log round (bucket "new" created, "old" deleted) and a listing-based load that read the
     * buckets before those changes: whatever order their results arrive in, the log's news wins,
     * and the load's other buckets are kept.
     */
    @Test
    void aLogRoundAndALoadInterleavedInEveryOrderEndTheSame() {
        for (int order = 0; order < 3; order++) {
            try (CatalogWriter w = new CatalogWriter(new LiveCatalog())) {
                w.replace(Catalog.of(BOTH, EU, Map.of("old", "eu"), 0), Map.of()).join();
                long loadAsOf = w.sequence();
                long logAsOf = w.sequence();
                Map<String, String> load = new HashMap<>(Map.of("old", "eu", "kept", "us"));
                Map<String, String> log = gone("old");
                log.put("new", "us");
                List<Runnable> steps = new ArrayList<>(List.of(
                        () -> w.observe(load, loadAsOf, Map.of()).join(),
                        () -> w.observe(log, logAsOf, Map.of("mdlog", "m2")).join()));
                if (order == 1) {
                    steps = List.of(steps.get(1), steps.get(0));
                }
                if (order == 2) { // both queued before the writer runs: one step
                    CompletableFuture<Catalog> a = w.observe(log, logAsOf, Map.of("mdlog", "m2"));
                    CompletableFuture<Catalog> b = w.observe(load, loadAsOf, Map.of());
                    CompletableFuture.allOf(a, b).join();
                    steps = List.of();
                }
                steps.forEach(Runnable::run);

                Catalog c = w.live().current();
                assertThat(c.zonegroupOf("new")).as("order %d", order).isEqualTo(US);
                assertThat(c.zonegroupOf("kept")).as("order %d", order).isEqualTo(US);
                if (order == 0) {
                    assertThat(c.zonegroupOf("old")).as("load first, then the log's deletion").isNull();
                } else {
                    assertThat(c.zonegroupOf("old")).as("order %d: the load's stale 'old' is dropped", order).isNull();
                }
                assertThat(w.state().mark("mdlog")).isEqualTo("m2");
            }
        }
    }

    @Test
    void aReplacementMakesEarlierObservationsStale() {
        replace(Map.of("foo", "eu"));
        long asOf = writer.sequence();
        replace(Map.of());
        writer.observe(Map.of("foo", "eu"), asOf, Map.of()).join();
        assertThat(live.current().zonegroupOf("foo")).isNull();
    }

    @Test
    void marksArePublishedWithTheBucketsTheyDescribe() {
        replace(Map.of());
        writer.change(Map.of("foo", "eu"), Map.of("position", "p1")).join();
        CatalogWriter.State s = writer.state();
        assertThat(s.catalog().zonegroupOf("foo")).isEqualTo(EU);
        assertThat(s.mark("position")).isEqualTo("p1");

        Map<String, String> remove = new HashMap<>();
        remove.put("position", null);
        writer.change(Map.of(), remove).join();
        assertThat(writer.state().mark("position")).isNull();
    }

    @Test
    void bucketsOfAnUnknownZonegroupAreSkipped() {
        replace(Map.of());
        writer.change(Map.of("foo", "mars", "bar", "eu"), Map.of()).join();
        assertThat(live.current().zonegroupOf("foo")).isNull();
        assertThat(live.current().zonegroupOf("bar")).isEqualTo(EU);
    }

    @Test
    void aZonegroupThatLeavesTakesItsBucketsWithIt() {
        replace(Map.of("foo", "eu", "bar", "us"));
        writer.zonegroups(Map.of("eu", new Zonegroup("eu", "new.example.eu")), EU).join();
        Catalog c = live.current();
        assertThat(c.zonegroupOf("bar")).isNull();
        assertThat(c.zonegroupOf("foo").hostname()).isEqualTo("new.example.eu");
        assertThat(told.get(told.size() - 1).whole()).isTrue();
    }

    @Test
    void aProgressiveLoadIsLoadedOnlyWhenComplete() {
        writer.zonegroups(BOTH, EU).join();
        writer.observe(Map.of("foo", "eu"), writer.sequence(), Map.of()).join();
        assertThat(live.isLoaded()).isFalse();
        writer.complete().join();
        assertThat(live.isLoaded()).isTrue();
        assertThat(live.current().zonegroupOf("foo")).isEqualTo(EU);
    }

    @Test
    void aFailingListenerDoesNotStopTheWriter() {
        writer.addListener(c -> {
            throw new IllegalStateException("listener bug");
        });
        replace(Map.of("foo", "eu"));
        writer.change(Map.of("bar", "us"), Map.of()).join();
        assertThat(live.current().zonegroupOf("bar")).isEqualTo(US);
    }

    @Test
    void afterCloseEventsFail() {
        writer.close();
        assertThat(writer.change(Map.of("foo", "eu"), Map.of())).isCompletedExceptionally();
    }
}
