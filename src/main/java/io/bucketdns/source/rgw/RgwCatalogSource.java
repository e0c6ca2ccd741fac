package io.bucketdns.source.rgw;

import io.bucketdns.answer.Zone;
import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.AdminCallObserver;
import io.bucketdns.source.rgw.admin.AdminHttp;
import io.bucketdns.source.rgw.admin.RequestSigner;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import io.bucketdns.time.Scheduler;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The catalog from the RGW Admin Ops API. It produces events for the {@link CatalogWriter} and
 * never writes the catalog itself. It is the composition of its jobs, each a class that owns the
 * one thread it runs on:
 *
 * <ul>
 *   <li><b>Reconciliations</b> ({@link ReconciliationQueue}, {@link Reconciler}): the first load, a
 *       resumed one after a restart, the periodic safety net ({@code [catalog] relist_interval}),
 *       and what follows a period change or a gap in following longer than RGW keeps its log. One
 *       at a time, on {@code rgw-load}.
 *   <li><b>The metadata log</b> ({@link FollowLoop}, {@link MetadataLogFollower}, {@link
 *       ShardSchedule}), read on {@code rgw-follow} from the metadata master zone's gateways (every
 *       bucket change is made there first). While they are down nothing can change buckets, so
 *       following waits for them instead of moving to another zone's log, and a restart of the
 *       master's radosgw costs no reload at all. Gateways of other zones serve reconciliations and
 *       look-ups.
 *   <li><b>On-demand look-ups</b> ({@link MissLookups}) of unknown names asked for; their waits end
 *       on {@code rgw-miss-wait}.
 *   <li><b>The zonegroup map</b> ({@link ZonegroupMapWatcher}), read again every {@link
 *       Timing#mapRefresh} on {@code rgw-map}; it names zonegroups for all of the above ({@link
 *       BucketLocator}) and says which gateways to prefer.
 *   <li><b>The snapshot</b> on disk ({@link SnapshotKeeper}: catalog, log position,
 *       reconciliation checkpoint), written on {@code rgw-snapshot} when it changed, or touched
 *       when an idle sweep confirmed it is still current.
 * </ul>
 *
 * <p>A restart with a snapshot answers at once and follows the log at once from the position
 * saved with it (a first pass reads every shard); a snapshot older than RGW keeps its log, or of
 * another period, is reconciled as well ({@link Startup}).
 */
public final class RgwCatalogSource implements CatalogSource {
    /** Look-ups in flight per activity (reconciliation, log round): a steady, bounded load on RGW. */
    static final int IN_FLIGHT = 8;
    /** Mark: the metadata-log position the catalog is current with. */
    static final String POSITION = "rgw.mdlog";

    /**
     * When background work happens.
     *
     * @param hotFor a shard that had entries is read at every tick for this long
     * @param fresh a question for a known bucket reads its shard when it was read longer ago
     * @param mapRefresh between two reads of the zonegroup map
     * @param snapshotEvery at most one snapshot write per this interval (more when writes take long)
     * @param firstBackoff the first wait before retrying a failed reconciliation page
     * @param trimHorizon a position older than this may have lost entries to RGW's log trimming
     * @param staleReport between two log lines about RGW still being unreachable
     * @param startWait how long start waits for a first load before answering from a partial catalog
     */
    record Timing(Duration hotFor, Duration fresh, Duration mapRefresh, Duration snapshotEvery, Duration firstBackoff,
            Duration trimHorizon, Duration staleReport, Duration startWait) {
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(1),
                Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofSeconds(30));
    }

    private final BucketDnsConfig.CatalogSettings settings;
    private final Map<String, String> hostnameOverrides;
    private final Set<String> globalZones;
    private final AdminApi api;
    private final Timing timing;

    // Set by start, before any of them runs; read by close and by questions on any thread.
    private volatile ZonegroupMapWatcher maps;
    private volatile ReconciliationQueue reconciliations;
    private volatile FollowLoop follow;
    private volatile SnapshotKeeper snapshots;
    private volatile MissLookups misses;

    /** A source for the configured endpoints, keys and catalog settings. */
    public RgwCatalogSource(BucketDnsConfig config) {
        this(config, AdminCallObserver.NONE);
    }

    /** The same, telling {@code calls} about every Admin Ops request. */
    public RgwCatalogSource(BucketDnsConfig config, AdminCallObserver calls) {
        this(config, AdminHttp.Timing.DEFAULT, Timing.DEFAULT, calls);
    }

    RgwCatalogSource(BucketDnsConfig config, AdminHttp.Timing httpTiming, Timing timing) {
        this(config, httpTiming, timing, AdminCallObserver.NONE);
    }

    RgwCatalogSource(BucketDnsConfig config, AdminHttp.Timing httpTiming, Timing timing, AdminCallObserver calls) {
        this.settings = config.catalog();
        this.hostnameOverrides = config.zonegroupHostnames();
        this.globalZones = config.zones().stream().map(Zone::name).collect(Collectors.toUnmodifiableSet());
        this.api = new AdminApi(new AdminHttp(endpoints(config.rgw()), config.rgw().adminEntry(), RequestSigner.of(config.rgw()), httpTiming,
                calls, config.rgw().tls()));
        this.timing = timing;
    }

    /** The configured endpoints as comparable base URLs (no default port), so they match the zonegroup map's. */
    static List<String> endpoints(BucketDnsConfig.Rgw rgw) {
        List<String> out = new ArrayList<>();
        for (String e : rgw.endpoints()) {
            String url = ZonegroupMap.baseUrl(e);
            if (url != null && !out.contains(url)) {
                out.add(url);
            }
        }
        return out;
    }

    @Override
    public void start(CatalogWriter writer) {
        LiveCatalog target = writer.live();
        Staleness staleness = new Staleness(settings.maxStaleness(), timing.staleReport(), target.health(), InstantSource.system());
        maps = new ZonegroupMapWatcher(api, writer, hostnameOverrides, globalZones, settings.defaultZonegroup(), Scheduler.thread("rgw-map"));
        BucketLocator locator = new BucketLocator(maps::map, maps::refreshQuietly, IN_FLIGHT);
        Reconciler reconciler = new Reconciler(maps.lookupOps(), writer, locator, staleness, timing.firstBackoff());
        reconciliations = new ReconciliationQueue(reconciler, maps, staleness, target, timing.firstBackoff().multipliedBy(10),
                Scheduler.thread("rgw-load"));
        FollowLoop.Pace pace = new FollowLoop.Pace(settings.logSweep(), timing.hotFor(), timing.fresh(), timing.trimHorizon());
        follow = new FollowLoop(new MetadataLogFollower(IN_FLIGHT), maps, api, locator, writer, staleness, reconciliations, pace,
                Scheduler.thread("rgw-follow"));
        if (settings.snapshot() != null) {
            snapshots = new SnapshotKeeper(settings.snapshot(), writer, staleness, hostnameOverrides, settings.defaultZonegroup(),
                    settings.logSweep(), follow::oldestRead, Scheduler.thread("rgw-snapshot"));
        }
        new Startup(maps, follow, reconciliations, timing.startWait(), timing.trimHorizon(), InstantSource.system())
                .run(snapshots == null ? null : snapshots.load());
        if (settings.missLookupsPerSecond() > 0) {
            misses = new MissLookups(settings.missLookupsPerSecond(), settings.missWait(), bucket -> locator.locate(api, bucket), writer,
                    Scheduler.thread("rgw-miss-wait"));
        }
        follow.start();
        reconciliations.relistEvery(settings.relistInterval());
        maps.refreshEvery(timing.mapRefresh());
        if (snapshots != null) {
            snapshots.keepEvery(timing.snapshotEvery());
        }
    }

    @Override
    public CompletionStage<?> onMiss(String bucket) {
        MissLookups m = misses;
        ZonegroupMapWatcher z = maps;
        return m != null && z != null && z.map() != null ? m.onMiss(bucket) : NOT_LOOKED_UP;
    }

    @Override
    public void onKnown(String bucket) {
        FollowLoop f = follow;
        if (f != null) {
            f.asked(bucket);
        }
    }

    @Override
    public void close() {
        // the producers first, all at once (a thread blocked on RGW is given its wait only once),
        // then the last snapshot of what they produced, then their connections
        List<Thread> stopping = new ArrayList<>();
        for (AutoCloseable job : new AutoCloseable[] {follow, reconciliations, maps, misses}) {
            if (job != null) {
                stopping.add(Thread.ofVirtual().name("rgw-close").start(() -> closeQuietly(job)));
            }
        }
        try {
            for (Thread t : stopping) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (snapshots != null) {
            snapshots.close();
        }
        api.http().close();
    }

    private static void closeQuietly(AutoCloseable job) {
        try {
            job.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + job, e); // none of the jobs throws: a bug
        }
    }
}
