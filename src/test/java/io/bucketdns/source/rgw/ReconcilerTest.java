package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogHealth;
import io.bucketdns.catalog.CatalogWait;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.ForwardingAdminOps;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import java.time.InstantSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reconciliations against an RGW in memory: what they cost in requests, and what they never undo. */
class ReconcilerTest {
    private static final Map<String, Zonegroup> TARGETS = Map.of("eu", new Zonegroup("eu", "o.example.eu"), "us",
            new Zonegroup("us", "o.example.us"));

    private final MemoryRgw rgw = new MemoryRgw();
    private final ZonegroupMap map = ZonegroupMap.parse(Fixtures.json("zonegroup-map.json"));
    private CatalogWriter writer = writer();

    private static CatalogWriter writer() {
        CatalogWriter w = new CatalogWriter(new LiveCatalog());
        w.zonegroups(TARGETS, TARGETS.get("eu")).join();
        return w;
    }

    @AfterEach
    void close() {
        writer.close();
    }

    private Reconciler reconciler() {
        return new Reconciler(rgw, writer, new BucketLocator(() -> map, () -> { }, 4), new Staleness(Duration.ofMinutes(5), Duration.ofMinutes(1),
                new CatalogHealth(), InstantSource.system()), Duration.ofMillis(10));
    }

    private static Map<String, String> buckets(int n) {
        Map<String, String> b = new HashMap<>();
        for (int i = 0; i < n; i++) {
            b.put(String.format("bucket-%05d", i), i % 2 == 0 ? Fixtures.EU_ID : Fixtures.US_ID);
        }
        return b;
    }

    private Catalog catalog() {
        return writer.live().current();
    }

    @Test
    void aFirstLoadCostsAListingPerThousandAndTwoLookUpsPerBucket() {
        rgw.preload(buckets(2500));

        Reconciler.Result r = reconciler().run(null, "test");

        assertThat(catalog().size()).isEqualTo(2500);
        assertThat(catalog().zonegroupOf("bucket-00001").name()).isEqualTo("us");
        assertThat(writer.live().isLoaded()).isTrue();
        assertThat(r.listed()).isEqualTo(2500);
        assertThat(rgw.requests("metadata/bucket")).isEqualTo(3);
        assertThat(rgw.requests("metadata/bucket?key") + rgw.requests("metadata/bucket.instance?key")).isEqualTo(5000);
        assertThat(writer.state().mark(Reconciler.CHECKPOINT)).as("done: no checkpoint left").isNull();
    }

    @Test
    void anUnchangedCatalogCostsOneRequestPerThousandBuckets() {
        rgw.preload(buckets(20_000));
        reconciler().run(null, "first");
        int before = rgw.requests();

        Reconciler.Result r = reconciler().run(null, "relist");

        assertThat(rgw.requests() - before).isEqualTo(21); // 20 full pages, then the empty page RGW's "truncated" asks for
        assertThat(r.lookedUp()).isZero();
        assertThat(r.changed()).isZero();
    }

    @Test
    void aRelistFindsWhatTheLogMissedAndLooksUpOnlyThat() {
        rgw.preload(buckets(3000));
        reconciler().run(null, "first");
        rgw.preload(Map.of("unlogged-new", Fixtures.US_ID));
        rgw.forget("bucket-00007");
        int lookUps = rgw.requests("metadata/bucket?key");

        Reconciler.Result r = reconciler().run(null, "relist");

        assertThat(catalog().zonegroupOf("unlogged-new").name()).isEqualTo("us");
        assertThat(catalog().zonegroupOf("bucket-00007")).isNull();
        assertThat(r.changed()).isEqualTo(2);
        assertThat(rgw.requests("metadata/bucket?key") - lookUps).isEqualTo(2);
    }

    @Test
    void aFailedPageIsRetriedNotRestarted() {
        rgw.preload(buckets(5000));
        // the third listing page fails six times, then RGW answers again
        Reconciler r = new Reconciler(new FailingPage(rgw, 3, 6), writer, new BucketLocator(() -> map, () -> { }, 4),
                new Staleness(Duration.ofMinutes(5), Duration.ofMinutes(1), new CatalogHealth(), InstantSource.system()), Duration.ofMillis(5));

        Reconciler.Result result = r.run(null, "test");

        assertThat(catalog().size()).isEqualTo(5000);
        assertThat(rgw.requests("metadata/bucket")).as("6 pages (the last empty) answered, each once: no restart").isEqualTo(6);
        assertThat(result.lookedUp()).isEqualTo(5000);
    }

    @Test
    void aRestartResumesAfterTheLastPageApplied() throws Exception {
        rgw.preload(buckets(5000));
        // the first run dies with its third page: RGW fails it until the load thread is stopped
        Thread first = Thread.ofPlatform().start(() -> {
            try {
                new Reconciler(new FailingPage(rgw, 3, Integer.MAX_VALUE), writer, new BucketLocator(() -> map, () -> { }, 4),
                        new Staleness(Duration.ofMinutes(5), Duration.ofMinutes(1), new CatalogHealth(), InstantSource.system()), Duration.ofMillis(5))
                        .run(null, "first");
            } catch (RgwException stopped) {
                // interrupted: the process went down
            }
        });
        assertThat(CatalogWait.until(writer, Duration.ofSeconds(10), c -> c.size() == 2000)).isTrue();
        first.interrupt();
        first.join();
        CatalogWriter.State saved = writer.state(); // what the snapshot holds
        Reconciler.Checkpoint checkpoint = Reconciler.Checkpoint.decode(saved.mark(Reconciler.CHECKPOINT));
        assertThat(checkpoint.name()).isEqualTo("bucket-01999");
        writer.close();

        writer = writer();
        writer.replace(saved.catalog(), saved.marks()).join();
        int listings = rgw.requests("metadata/bucket");
        int lookUps = rgw.requests("metadata/bucket?key");
        reconciler().run(checkpoint, "resume");

        assertThat(catalog().size()).isEqualTo(5000);
        assertThat(rgw.requests("metadata/bucket") - listings).as("pages 3 to 6 only").isEqualTo(4);
        assertThat(rgw.requests("metadata/bucket?key") - lookUps).as("only buckets not loaded yet").isEqualTo(3000);
    }

    @Test
    void aReconciliationNeverUndoesNewerNewsFromTheLog() {
        rgw.preload(buckets(1000));
        reconciler().run(null, "first");
        // the listing reads bucket-00005 as existing; before its look-ups land, the log deletes it
        long asOf = writer.sequence();
        rgw.delete("bucket-00005");
        Map<String, String> gone = new HashMap<>();
        gone.put("bucket-00005", null);
        writer.observe(gone, writer.sequence(), Map.of()).join();
        writer.observe(Map.of("bucket-00005", "eu"), asOf, Map.of()).join(); // a reconciliation's stale finding

        assertThat(catalog().zonegroupOf("bucket-00005")).isNull();
    }

    /** Fails listing page {@code page} (1-based) {@code times} times, then passes it through. */
    private static final class FailingPage extends ForwardingAdminOps {
        private final MemoryRgw rgw;
        private final int page;
        private int failuresLeft;
        private int pages;

        FailingPage(MemoryRgw rgw, int page, int times) {
            super(rgw);
            this.rgw = rgw;
            this.page = page;
            this.failuresLeft = times;
        }

        @Override
        public synchronized AdminApi.BucketPage listBuckets(String marker, int maxEntries) {
            if (pages + 1 == page && failuresLeft > 0) {
                failuresLeft--;
                throw new RgwException("GET /admin/metadata/bucket: no RGW endpoint answered (test)", 0, "", null);
            }
            pages++;
            return rgw.listBuckets(marker, maxEntries);
        }
    }
}
