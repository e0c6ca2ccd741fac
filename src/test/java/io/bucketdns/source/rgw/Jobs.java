package io.bucketdns.source.rgw;

import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.AdminHttp;
import io.bucketdns.source.rgw.admin.RequestSigner;
import io.bucketdns.time.ManualScheduler;
import java.nio.file.Path;
import java.time.InstantSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rgw source's jobs wired as {@link RgwCatalogSource} wires them, over a {@link FakeRgw} on
 * loopback, all on one {@link ManualScheduler}: a test moves time and sees each job do, exactly,
 * what it does at that time. Nothing runs in the background but the catalog writer's thread,
 * which each job waits for, so what a step did is in force when the step returns.
 */
final class Jobs implements AutoCloseable {
    /** 64 shards swept in 64 s: one shard a second, a wake-up every 250 ms. */
    static final FollowLoop.Pace PACE = new FollowLoop.Pace(Duration.ofSeconds(64), Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofMinutes(15));

    /** One try per request and no pause between: thousands of failing reads of a long outage cost milliseconds. */
    static final AdminHttp.Timing HTTP = new AdminHttp.Timing(Duration.ofSeconds(1), Duration.ofSeconds(2), 1, Duration.ofMillis(1),
            Duration.ofMillis(1));

    final FakeRgw rgw;
    final ManualScheduler clock = new ManualScheduler();
    final LiveCatalog live = new LiveCatalog();
    final CatalogWriter writer = new CatalogWriter(live);
    final Staleness staleness = new Staleness(Duration.ofMinutes(5), Duration.ofMinutes(1), live.health(), InstantSource.system());
    final AdminApi api;
    final ZonegroupMapWatcher maps;
    final BucketLocator locator;
    final ReconciliationQueue reconciliations;
    final FollowLoop follow;

    Jobs(FakeRgw rgw) {
        this(rgw, PACE, null);
    }

    /** @param defaultZonegroup {@code [catalog] default_zonegroup}; null for the master zonegroup */
    Jobs(FakeRgw rgw, FollowLoop.Pace pace, String defaultZonegroup) {
        this.rgw = rgw;
        api = new AdminApi(new AdminHttp(List.of(rgw.url()), "admin", RequestSigner.of(RgwCatalogSourceTest.config(rgw.url(), "").rgw()),
                HTTP));
        maps = new ZonegroupMapWatcher(api, writer, Map.of("us", "s3.us.example"), Set.of("o.example.com"), defaultZonegroup, clock);
        locator = new BucketLocator(maps::map, maps::refreshQuietly, RgwCatalogSource.IN_FLIGHT);
        Reconciler reconciler = new Reconciler(maps.lookupOps(), writer, locator, staleness, Duration.ofMillis(10));
        reconciliations = new ReconciliationQueue(reconciler, maps, staleness, live, Duration.ofMillis(100), clock);
        follow = new FollowLoop(new MetadataLogFollower(RgwCatalogSource.IN_FLIGHT), maps, api, locator, writer, staleness, reconciliations,
                pace, clock);
    }

    /** A snapshot keeper for {@code file} on the same clock, that follows this log. */
    SnapshotKeeper snapshots(Path file) {
        return new SnapshotKeeper(file, writer, staleness, Map.of("us", "s3.us.example"), null, PACE.sweep(), follow::oldestRead, clock);
    }

    /** What a first start does: the map, the log's position, a listing of every bucket. */
    void loadFirst() {
        maps.refresh();
        follow.capture();
        reconciliations.request(null, "start");
        clock.runDue();
    }

    /** Shard reads so far: one request each. */
    int shardReads() {
        return rgw.requests("log");
    }

    int listings() {
        return rgw.requests("metadata/bucket");
    }

    String zonegroupOf(String bucket) {
        Zonegroup z = live.current().zonegroupOf(bucket);
        return z == null ? null : z.name();
    }

    @Override
    public void close() {
        clock.close();
        writer.close();
        api.http().close();
    }
}
