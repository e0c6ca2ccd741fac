package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Fixtures;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.source.file.CatalogSnapshot;
import io.bucketdns.time.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the snapshot is written, touched or left alone, and what a start takes from it: on a manual clock. */
class SnapshotKeeperTest {
    private static final Duration EVERY = Duration.ofSeconds(10);
    private static final Duration SWEEP = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    /** Later than any real write, so that a touch shows in the snapshot's age. */
    private final ManualScheduler clock = new ManualScheduler(Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS));
    private final LiveCatalog live = new LiveCatalog();
    private final CatalogWriter writer = new CatalogWriter(live);
    /** What the follower says of its shards: the longest any went unread. */
    private final AtomicReference<Duration> oldestRead = new AtomicReference<>();

    @AfterEach
    void close() {
        writer.close();
    }

    private SnapshotKeeper keeper(Path file, Map<String, String> hostnames, String defaultZonegroup) {
        return new SnapshotKeeper(file, writer, new Staleness(Duration.ofMinutes(5), Duration.ofMinutes(1), live.health(), InstantSource.system()), hostnames,
                defaultZonegroup, SWEEP, oldestRead::get, clock);
    }

    private void loaded(Map<String, String> buckets) {
        writer.replace(Catalog.of(Fixtures.CATALOG.zonegroups(), Fixtures.EU, buckets, 0),
                Map.of(RgwCatalogSource.POSITION, "period-1 zone-1 -")).join();
        writer.complete().join();
    }

    /** A keeper looking every {@link #EVERY} that has written a loaded catalog of foo once. */
    private SnapshotKeeper writtenOnce(Path file) {
        loaded(Map.of("foo", "eu"));
        SnapshotKeeper keeper = keeper(file, Map.of(), null);
        keeper.keepEvery(EVERY);
        clock.advance(EVERY);
        return keeper;
    }

    private static Map<String, String> buckets(Path file) throws Exception {
        Map<String, String> out = new TreeMap<>();
        CatalogSnapshot.read(file).catalog().forEachBucket((b, z) -> out.put(b, z.name()));
        return out;
    }

    @Test
    void aChangeIsWrittenAtTheNextLookAndAtMostOncePerInterval() throws Exception {
        Path file = dir.resolve("catalog.gz");
        writtenOnce(file);

        assertThat(buckets(file)).containsExactly(Map.entry("foo", "eu"));

        clock.advance(Duration.ofSeconds(1));
        writer.change(Map.of("bar", "us"), Map.of()).join();
        clock.advance(Duration.ofSeconds(9).minusNanos(1));
        assertThat(buckets(file)).as("before the next look").containsExactly(Map.entry("foo", "eu"));
        clock.advance(Duration.ofNanos(1));
        assertThat(buckets(file)).containsExactly(Map.entry("bar", "us"), Map.entry("foo", "eu"));
    }

    @Test
    void aFirstLoadUnderWayIsWrittenOnlyWithItsCheckpoint() throws Exception {
        Path file = dir.resolve("catalog.gz");
        writer.change(Map.of("foo", "eu"), Map.of()).join(); // listed so far, not complete
        SnapshotKeeper keeper = keeper(file, Map.of(), null);
        keeper.keepEvery(EVERY);

        clock.advance(EVERY);
        assertThat(file).as("nothing to resume from").doesNotExist();

        writer.change(Map.of(), Map.of(Reconciler.CHECKPOINT, "foo marker-1")).join();
        clock.advance(EVERY);
        assertThat(CatalogSnapshot.read(file).marks()).containsEntry(Reconciler.CHECKPOINT, "foo marker-1");
    }

    @Test
    void unchangedItIsTouchedOnlyWhileTheLogIsReadAllThrough() throws Exception {
        Path file = dir.resolve("catalog.gz");
        writtenOnce(file);
        Instant written = CatalogSnapshot.read(file).currentAsOf();

        oldestRead.set(null); // some shard was never read
        clock.advance(EVERY);
        assertThat(CatalogSnapshot.read(file).currentAsOf()).isEqualTo(written);

        oldestRead.set(SWEEP.multipliedBy(2)); // a shard unread for two sweeps: the position may be behind
        clock.advance(EVERY);
        assertThat(CatalogSnapshot.read(file).currentAsOf()).isEqualTo(written);

        oldestRead.set(SWEEP);
        clock.advance(EVERY);
        assertThat(CatalogSnapshot.read(file).currentAsOf()).isEqualTo(clock.instant());
    }

    @Test
    void closeWritesWhatIsInForceWhateverTheInterval() throws Exception {
        Path file = dir.resolve("catalog.gz");
        SnapshotKeeper keeper = writtenOnce(file);
        writer.change(Map.of("bar", "us"), Map.of()).join();

        keeper.close();

        assertThat(buckets(file)).containsExactly(Map.entry("bar", "us"), Map.entry("foo", "eu"));
        assertThat(clock.pending()).as("no more looks").isZero();
    }

    @Test
    void aStartTakesTheBucketsWithTodaysHostnamesAndDefault() throws Exception {
        Path file = dir.resolve("catalog.gz");
        CatalogSnapshot.write(file, Fixtures.CATALOG, Map.of(RgwCatalogSource.POSITION, "period-1 zone-1 -"));
        clock.advance(Duration.ofMinutes(3));

        CatalogSnapshot.Loaded loaded = keeper(file, Map.of("us", "s3.us.example"), "us").load();

        assertThat(loaded.marks()).containsEntry(RgwCatalogSource.POSITION, "period-1 zone-1 -");
        assertThat(live.current().size()).isEqualTo(Fixtures.CATALOG.size());
        assertThat(live.current().zonegroupOf("bar")).isEqualTo(new Zonegroup("us", "s3.us.example"));
        assertThat(live.current().zonegroupOf("foo")).isEqualTo(Fixtures.EU);
        assertThat(live.current().defaultZonegroup()).isEqualTo(new Zonegroup("us", "s3.us.example"));
        assertThat(live.health().lastSync()).as("as old as the snapshot").isEqualTo(loaded.currentAsOf());
    }

    @Test
    void aSnapshotThatCannotBeReadIsIgnored() throws Exception {
        Path file = Files.writeString(dir.resolve("catalog.gz"), "not a snapshot\n");

        assertThat(keeper(file, Map.of(), null).load()).isNull();
        assertThat(live.current().size()).isZero();
        assertThat(keeper(dir.resolve("none.gz"), Map.of(), null).load()).isNull();
    }
}
