package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.source.file.CatalogSnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a start does with or without a snapshot: which reads, which listing, on a manual clock. */
class StartupTest extends OnFakeRgw {
    private static final Duration TRIM = Duration.ofMinutes(15);

    private Startup startup(Duration startWait) {
        return new Startup(jobs.maps, jobs.follow, jobs.reconciliations, startWait, TRIM, jobs.clock);
    }

    /** What an earlier instance left: its catalog and marks, current as of {@code age} ago. */
    private CatalogSnapshot.Loaded snapshotOfAnEarlierRun(Duration age, Map<String, String> changeMarks) throws Exception {
        jobs.loadFirst();
        CatalogWriter.State s = jobs.writer.state();
        Map<String, String> marks = new HashMap<>(s.marks());
        marks.putAll(changeMarks);
        marks.values().removeIf(v -> v == null);
        rewire(Jobs.PACE, null);
        jobs.writer.replace(s.catalog(), marks).join(); // what SnapshotKeeper.load puts in force
        return new CatalogSnapshot.Loaded(s.catalog(), marks, jobs.clock.instant().minus(age));
    }

    @Test
    void withoutASnapshotItListsEveryBucketAfterTakingTheLogsPosition() {
        startup(Duration.ZERO).run(null); // answers meanwhile: a large load goes on after start
        assertThat(jobs.writer.state().mark(RgwCatalogSource.POSITION)).as("taken before listing").isNotNull();
        assertThat(jobs.live.isLoaded()).isFalse();
        jobs.clock.runDue();

        assertThat(jobs.live.isLoaded()).isTrue();
        assertThat(jobs.zonegroupOf("bar")).isEqualTo("us");
        assertThat(jobs.listings()).isEqualTo(1);
    }

    @Test
    void withoutASnapshotOrRgwTheStartFailsWithTheReason() {
        rgw.realm().fail("config");

        assertThatThrownBy(() -> startup(Duration.ZERO).run(null)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("cannot load the catalog from RGW: ");
    }

    @Test
    void aRecentSnapshotIsFollowedFromItsPositionReadingEveryShardWithoutListing() throws Exception {
        CatalogSnapshot.Loaded snapshot = snapshotOfAnEarlierRun(Duration.ofMinutes(14), Map.of());
        rgw.delete("foo"); // while no instance ran
        int listings = jobs.listings();
        int reads = jobs.shardReads();

        startup(Duration.ZERO).run(snapshot);
        jobs.maps.refresh();
        jobs.follow.start();
        jobs.clock.runDue();

        assertThat(jobs.shardReads() - reads).as("every shard").isEqualTo(MemoryRgw.SHARDS);
        assertThat(jobs.zonegroupOf("foo")).isNull();
        assertThat(jobs.listings()).isEqualTo(listings);
    }

    @Test
    void aSnapshotOlderThanTheLogIsKeptIsReconciled() throws Exception {
        CatalogSnapshot.Loaded snapshot = snapshotOfAnEarlierRun(TRIM.plusSeconds(1), Map.of());
        rgw.realm().forget("foo"); // and the trimmed log no longer says so
        int listings = jobs.listings();

        startup(Duration.ZERO).run(snapshot);
        jobs.follow.start();
        jobs.clock.runDue();

        assertThat(jobs.listings() - listings).isEqualTo(1);
        assertThat(jobs.zonegroupOf("foo")).isNull();
    }

    @Test
    void aSnapshotWithoutAPositionIsReconciled() throws Exception {
        Map<String, String> noPosition = new HashMap<>();
        noPosition.put(RgwCatalogSource.POSITION, null);
        CatalogSnapshot.Loaded snapshot = snapshotOfAnEarlierRun(Duration.ZERO, noPosition);
        int listings = jobs.listings();

        startup(Duration.ZERO).run(snapshot);
        jobs.follow.start();
        jobs.clock.runDue();

        assertThat(jobs.listings() - listings).isEqualTo(1);
        assertThat(jobs.writer.state().mark(RgwCatalogSource.POSITION)).as("taken afresh").isNotNull();
    }

    @Test
    void anInterruptedLoadResumesAfterItsCheckpoint() throws Exception {
        CatalogSnapshot.Loaded snapshot = snapshotOfAnEarlierRun(Duration.ZERO, Map.of(Reconciler.CHECKPOINT, "bar bar"));
        rgw.preload(Map.of("zed", Fixtures.US_ID)); // listed after the checkpoint
        int listings = jobs.listings();

        startup(Duration.ZERO).run(snapshot);
        jobs.maps.refresh();
        jobs.clock.runDue();

        assertThat(jobs.listings() - listings).isEqualTo(1);
        assertThat(jobs.zonegroupOf("zed")).isEqualTo("us");
        assertThat(jobs.writer.state().mark(Reconciler.CHECKPOINT)).as("done").isNull();
    }
}
