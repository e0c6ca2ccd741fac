package io.bucketdns.rgw;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.dns.BucketName;
import io.bucketdns.dns.Zone;
import io.bucketdns.file.CatalogSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog from the RGW Admin Ops API. It produces events for the {@link CatalogWriter} and
 * never writes the catalog itself:
 *
 * <ul>
 *   <li><b>Reconciliations</b> ({@link Reconciler}): the first load, a resumed one after a
 *       restart, the periodic safety net ({@code [catalog] relist_interval}), and what follows a
 *       period change or a gap in following longer than RGW keeps its log. One at a time, on
 *       {@code rgw-load}.
 *   <li><b>The metadata log</b> ({@link MetadataLogFollower}, {@link ShardSchedule}), read on
 *       {@code rgw-follow} from the metadata master zone's gateways (every bucket change is made
 *       there first). While they are down nothing can change buckets, so following waits for them
 *       instead of moving to another zone's log, and a restart of the master's radosgw costs no
 *       reload at all. Gateways of other zones serve reconciliations and look-ups.
 *   <li><b>On-demand look-ups</b> ({@link MissLookups}) of unknown names asked for.
 *   <li><b>Upkeep</b> on {@code rgw-upkeep}: the zonegroup map every {@link Timing#mapRefresh},
 *       and the snapshot on disk (catalog, log position, reconciliation checkpoint) when it
 *       changed, or touched when an idle sweep confirmed it is still current.
 * </ul>
 *
 * <p>A restart with a snapshot answers at once and follows the log at once from the position
 * saved with it (a first pass reads every shard); a snapshot older than RGW keeps its log, or of
 * another period, is reconciled as well.
 */
public final class RgwCatalogSource implements CatalogSource {
    /** Look-ups in flight per activity (reconciliation, log round): a steady, bounded load on RGW. */
    static final int IN_FLIGHT = 8;
    /** Mark: the metadata-log position the catalog is current with. */
    static final String POSITION = "rgw.mdlog";
    private static final Logger LOG = LoggerFactory.getLogger(RgwCatalogSource.class);

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
    private final MetadataLogFollower follower = new MetadataLogFollower(IN_FLIGHT);
    private final Timing timing;
    private final ScheduledExecutorService followThread = singleThread("rgw-follow");
    private final ScheduledExecutorService loadThread = singleThread("rgw-load");
    private final ScheduledExecutorService upkeepThread = singleThread("rgw-upkeep");
    /** The reconciliation queued or running, if any: a second request then is the same one. */
    private final AtomicReference<CompletableFuture<Void>> reconciling = new AtomicReference<>();

    private Staleness staleness;
    private CatalogWriter writer;
    private LiveCatalog target;
    private Reconciler reconciler;
    private volatile ZonegroupMap map;
    private volatile MissLookups misses;
    private volatile ShardSchedule schedule;
    private boolean warnedNoMasterEndpoint;

    // Owned by rgw-follow.
    private MetadataLogFollower.Position position;
    private String resync;
    private Instant failingSince;
    private long lastPeriodCheck = System.nanoTime();

    // Owned by rgw-upkeep.
    private long writtenSequence = -1;
    private String writtenPosition;
    private long lastWriteNanos;
    private long writeCostNanos;

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

    private RgwCatalogSource(BucketDnsConfig config, AdminHttp.Timing httpTiming, Timing timing, AdminCallObserver calls) {
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
        this.writer = writer;
        this.target = writer.live();
        this.staleness = new Staleness(settings.maxStaleness(), timing.staleReport(), target.health());
        this.reconciler = new Reconciler(new SpreadingOps(), writer, () -> map, this::refreshMapQuietly, staleness, IN_FLIGHT,
                timing.firstBackoff());
        CatalogSnapshot.Loaded snapshot = loadSnapshot();
        if (snapshot == null) {
            loadFirst();
        } else {
            resumeFrom(snapshot);
        }
        if (settings.missLookupsPerSecond() > 0) {
            misses = new MissLookups(settings.missLookupsPerSecond(), settings.missWait(), this::locateByName, writer);
        }
        followThread.schedule(this::follow, 0, TimeUnit.MILLISECONDS);
        long relist = settings.relistInterval().toMillis();
        loadThread.scheduleWithFixedDelay(() -> reconcile(null, "periodic re-list"), relist, relist, TimeUnit.MILLISECONDS);
        long refresh = timing.mapRefresh().toMillis();
        upkeepThread.scheduleWithFixedDelay(this::refreshMapQuietly, refresh, refresh, TimeUnit.MILLISECONDS);
        if (settings.snapshot() != null) {
            long every = timing.snapshotEvery().toMillis();
            upkeepThread.scheduleWithFixedDelay(this::writeSnapshot, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** No snapshot: read the map (or fail the start), take the log's position, then list every bucket. */
    private void loadFirst() {
        try {
            useMap(api.zonegroupMap());
            position = follower.capture(logOps(), map); // changes made while listing are read from the log afterwards
            keepPosition();
        } catch (RgwException e) {
            throw new CatalogException("cannot load the catalog from RGW: " + e.getMessage(), e);
        }
        schedule = new ShardSchedule(position.markers().size(), settings.logSweep(), timing.hotFor(), timing.fresh());
        CompletableFuture<Void> load = reconcile(null, "start");
        try {
            load.get(timing.startWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("catalog: still loading after {}; answering meanwhile (buckets not listed yet are looked up when asked)",
                    Staleness.describe(timing.startWait()));
        } catch (ExecutionException e) {
            throw new CatalogException("cannot load the catalog from RGW: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException("interrupted while loading the catalog", e);
        }
    }

    /** A snapshot is in force: follow the log from its position at once, and reconcile only what it cannot vouch for. */
    private void resumeFrom(CatalogSnapshot.Loaded snapshot) {
        MetadataLogFollower.Position saved = MetadataLogFollower.Position.decode(snapshot.marks().get(POSITION));
        Duration age = Duration.between(snapshot.currentAsOf(), Instant.now());
        Reconciler.Checkpoint checkpoint = Reconciler.Checkpoint.decode(snapshot.marks().get(Reconciler.CHECKPOINT));
        if (saved == null) {
            resync = "the snapshot has no metadata-log position";
        } else if (age.compareTo(timing.trimHorizon()) > 0) {
            resync = "the snapshot is " + Staleness.describe(age) + " old; RGW may have trimmed its log since";
        } else {
            position = saved;
            schedule = new ShardSchedule(saved.markers().size(), settings.logSweep(), timing.hotFor(), timing.fresh());
            schedule.all(); // whatever changed while this instance was down
        }
        if (checkpoint != null) {
            reconcile(checkpoint, "resuming the interrupted load");
        }
    }

    @Override
    public CompletionStage<?> onMiss(String bucket) {
        MissLookups m = misses;
        return m != null && map != null ? m.onMiss(bucket) : NOT_LOOKED_UP;
    }

    @Override
    public void onKnown(String bucket) {
        ShardSchedule s = schedule;
        if (s != null) {
            s.asked(MetadataLogFollower.shardOf(bucket, s.shards()), System.nanoTime());
        }
    }

    /** The snapshot put in force at start, when one is configured and readable. */
    private CatalogSnapshot.Loaded loadSnapshot() {
        if (settings.snapshot() == null || !Files.exists(settings.snapshot())) {
            return null;
        }
        try {
            CatalogSnapshot.Loaded s = CatalogSnapshot.read(settings.snapshot());
            Catalog c = s.catalog();
            Map<String, Zonegroup> zonegroups = new LinkedHashMap<>(c.zonegroups());
            hostnameOverrides.forEach((name, host) -> zonegroups.computeIfPresent(name, (n, z) -> new Zonegroup(n, host)));
            String def = settings.defaultZonegroup() != null ? settings.defaultZonegroup()
                    : c.defaultZonegroup() == null ? null : c.defaultZonegroup().name();
            writer.replace(c.withZonegroups(zonegroups, zonegroups.get(def)), s.marks()).join();
            staleness.loadedAsOf(s.currentAsOf());
            writtenSequence = writer.sequence();
            writtenPosition = s.marks().get(POSITION);
            LOG.info("catalog: {} buckets from snapshot {}, current as of {} ago", String.format("%,d", c.size()), settings.snapshot(),
                    Staleness.describe(Duration.between(s.currentAsOf(), Instant.now())));
            return s;
        } catch (IOException | CatalogException e) {
            LOG.warn("catalog: ignoring snapshot {}: {}", settings.snapshot(), e.getMessage());
            return null;
        }
    }

    /**
     * Queues a reconciliation on the load thread unless one is queued or running already.
     *
     * @return completes when it is done (exceptionally only when the source closes first)
     */
    private CompletableFuture<Void> reconcile(Reconciler.Checkpoint resume, String reason) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = reconciling.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        Runnable run = () -> {
            try {
                if (map == null) {
                    useMap(retryingMap());
                }
                Reconciler.Result r = reconciler.run(resume, reason);
                target.health().fullLoadDone();
                LOG.info("catalog: reconciled ({}): {}", reason, r.summary());
                mine.complete(null);
            } catch (RuntimeException e) {
                if (!loadThread.isShutdown()) {
                    LOG.error("catalog: reconciliation ({}) failed", reason, e);
                }
                mine.completeExceptionally(e);
            } finally {
                reconciling.set(null);
            }
        };
        if (Thread.currentThread().getName().equals("rgw-load")) {
            run.run(); // the periodic re-list runs on this thread already
        } else {
            loadThread.execute(run);
        }
        return mine;
    }

    private ZonegroupMap retryingMap() {
        while (true) {
            try {
                return api.zonegroupMap();
            } catch (RgwException e) {
                staleness.failed(e, target.current());
                try {
                    Thread.sleep(timing.firstBackoff().toMillis() * 10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new RgwException("interrupted", 0, "", ie);
                }
            }
        }
    }

    /** One tick of following, then the next one is scheduled. */
    private void follow() {
        try {
            followOnce();
        } catch (RgwException e) {
            if (failingSince == null) {
                failingSince = Instant.now();
            }
            staleness.failed(e, target.current());
        } catch (RuntimeException e) {
            LOG.error("catalog: reading the metadata log failed", e);
        } finally {
            if (!followThread.isShutdown()) {
                ShardSchedule s = schedule;
                long next = s == null ? ShardSchedule.WAKE.toMillis() : s.wake().toMillis();
                followThread.schedule(this::follow, Math.max(1, next), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void followOnce() {
        if (map == null) {
            useMap(api.zonegroupMap());
        }
        if (resync != null) {
            String why = resync;
            position = follower.capture(logOps(), map);
            keepPosition();
            schedule = new ShardSchedule(position.markers().size(), settings.logSweep(), timing.hotFor(), timing.fresh());
            resync = null;
            reconcile(null, why);
            return;
        }
        if (position == null) {
            return; // the first load's capture failed: loadFirst threw, nothing to follow
        }
        ShardSchedule s = schedule;
        long now = System.nanoTime();
        if (now - lastPeriodCheck > settings.logSweep().toNanos()) { // once per sweep
            lastPeriodCheck = now;
            String outdated = MetadataLogFollower.outdated(position, logOps().mdlogInfo());
            if (outdated != null) {
                resync = outdated;
                return;
            }
        }
        List<Integer> due = s.due(now);
        if (due.isEmpty()) {
            return;
        }
        MetadataLogFollower.Round round = follower.read(logOps(), map, position, due);
        if (round.resync() != null) {
            resync = round.resync();
            return;
        }
        long asOf = writer.sequence();
        Map<String, String> changes = locateAll(round.buckets());
        boolean moved = !round.next().equals(position);
        if (!changes.isEmpty() || moved) {
            writer.observe(changes, asOf, moved ? Map.of(POSITION, round.next().encode()) : Map.of()).join();
        }
        position = round.next();
        s.read(due, round.active(), now);
        if (failingSince != null) {
            Duration paused = Duration.between(failingSince, Instant.now());
            failingSince = null;
            if (paused.compareTo(settings.logSweep()) > 0) {
                s.all(); // catch up at once; after a shorter pause the sweep's next round does, at no extra cost
            }
            if (paused.compareTo(timing.trimHorizon()) > 0) {
                reconcile(null, "following paused for " + Staleness.describe(paused) + "; the log may have been trimmed meanwhile");
            }
        }
        staleness.synced(target.current());
        if (!changes.isEmpty()) {
            LOG.info("catalog: {}", describe(changes));
        }
    }

    /** Keeps the position with the catalog, so that a snapshot taken from now on can be followed from. */
    private void keepPosition() {
        writer.change(Map.of(), Map.of(POSITION, position.encode())).join();
    }

    /**
     * Where the metadata log is read: the configured gateways of the metadata master zone, whose
     * log has every change first; all configured gateways when none of them is in that zone.
     */
    private AdminOps logOps() {
        List<String> master = map.metadataMasterEndpoints();
        List<String> mine = api.http().endpoints().stream().filter(master::contains).toList();
        return mine.isEmpty() ? api : api.pinnedTo(mine);
    }

    /** Where each bucket is now: its zonegroup's name, or null when it no longer exists. */
    private Map<String, String> locateAll(Set<String> buckets) {
        List<String> names = buckets.stream().filter(BucketName::isValid).toList();
        if (names.isEmpty()) {
            return Map.of();
        }
        List<Optional<String>> ids = Fanout.map(names, IN_FLIGHT, api::locate);
        if (ids.stream().flatMap(Optional::stream).anyMatch(id -> map.nameOf(id) == null)) {
            refreshMapQuietly(); // a zonegroup created since the map was read
        }
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Optional<String> id = ids.get(i);
            String name = id.map(map::nameOf).orElse(null);
            if (id.isPresent() && name == null) {
                LOG.warn("catalog: bucket {} is in zonegroup id '{}', which the zonegroup map does not list; ignored", names.get(i), id.get());
                continue;
            }
            out.put(names.get(i), name);
        }
        return out;
    }

    /** An on-demand look-up: the bucket's zonegroup name, empty when it does not exist (or its zonegroup is unknown). */
    private Optional<String> locateByName(String bucket) {
        return api.locate(bucket).map(map::nameOf);
    }

    /** Reads the zonegroup map again and hands changed hosts (or default) to the writer. */
    private void refreshMapQuietly() {
        try {
            useMap(api.zonegroupMap());
        } catch (RgwException | CatalogException e) {
            LOG.warn("catalog: zonegroup map not refreshed: {}", e.getMessage());
        }
    }

    /** Uses a zonegroup map for naming zonegroups, and puts its hosts and default in force. */
    private void useMap(ZonegroupMap m) {
        Map<String, Zonegroup> zonegroups = m.targets(hostnameOverrides, globalZones);
        Zonegroup fallback = defaultZonegroup(m, zonegroups);
        map = m;
        Catalog current = target.current();
        if (!current.zonegroups().equals(zonegroups) || !Objects.equals(current.defaultZonegroup(), fallback)) {
            writer.zonegroups(zonegroups, fallback).join();
            LOG.info("catalog: zonegroups {}", hosts(zonegroups));
        }
        List<String> master = m.metadataMasterEndpoints();
        api.http().prefer(master); // other zones' view lags by their metadata sync
        if (!warnedNoMasterEndpoint && api.http().endpoints().stream().noneMatch(master::contains)) {
            warnedNoMasterEndpoint = true;
            LOG.warn("catalog: no rgw_endpoint is in the metadata master zone ({}): changes made in other zonegroups"
                    + " reach the log read here only after metadata sync (seconds to minutes)", master);
        }
    }

    /**
     * Reconciliation look-ups spread over the configured gateways of the metadata master zone
     * (every bucket change is made there first; another zone's view lags by its metadata sync, so
     * it serves only when none of the master's answers); a listing follows its markers on one
     * gateway.
     */
    private final class SpreadingOps extends ForwardingAdminOps {
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

        SpreadingOps() {
            super(api);
        }

        @Override
        public Optional<String> locate(String bucket) {
            ZonegroupMap m = map;
            List<String> configured = api.http().endpoints();
            List<String> master = m == null ? List.of() : configured.stream().filter(m.metadataMasterEndpoints()::contains).toList();
            if (master.size() < 2) {
                return api.locate(bucket); // master first, then the rest
            }
            List<String> order = new ArrayList<>();
            int start = Math.floorMod(next.getAndIncrement(), master.size());
            for (int i = 0; i < master.size(); i++) {
                order.add(master.get((start + i) % master.size()));
            }
            configured.stream().filter(e -> !master.contains(e)).forEach(order::add);
            return api.pinnedTo(order).locate(bucket);
        }
    }

    private static List<String> hosts(Map<String, Zonegroup> zonegroups) {
        return zonegroups.values().stream().map(z -> z.name() + " -> " + z.hostname()).toList();
    }

    private Zonegroup defaultZonegroup(ZonegroupMap m, Map<String, Zonegroup> zonegroups) {
        String name = settings.defaultZonegroup() != null ? settings.defaultZonegroup() : m.master().name();
        Zonegroup z = zonegroups.get(name);
        if (z == null) {
            throw new CatalogException("[catalog] default_zonegroup = " + name + " is not a zonegroup of the RGW realm; fix: name one of "
                    + String.join(", ", zonegroups.keySet()) + ", or leave it empty for the master zonegroup");
        }
        return z;
    }

    /**
     * Writes the snapshot when the catalog changed since the last write (at most once per {@link
     * Timing#snapshotEvery}, or ten times the last write's cost when that is more: ten million
     * buckets take seconds); when nothing changed and the log was read all through since, touches
     * it instead, so that a restart knows its position is still current.
     */
    private void writeSnapshot() {
        if (settings.snapshot() == null || !target.isLoaded() && writer.state().mark(Reconciler.CHECKPOINT) == null) {
            return;
        }
        CatalogWriter.State state = writer.state();
        long now = System.nanoTime();
        try {
            if (state.sequence() != writtenSequence) {
                if (now - lastWriteNanos < 10 * writeCostNanos) {
                    return;
                }
                CatalogSnapshot.write(settings.snapshot(), state.catalog(), state.marks());
                writeCostNanos = System.nanoTime() - now;
                lastWriteNanos = now;
                writtenSequence = state.sequence();
                writtenPosition = state.mark(POSITION);
                LOG.debug("catalog: snapshot {} written in {} ms", settings.snapshot(), writeCostNanos / 1_000_000);
            } else {
                ShardSchedule s = schedule;
                Duration oldest = s == null ? null : s.oldestRead(now);
                if (oldest != null && oldest.compareTo(settings.logSweep().multipliedBy(2)) < 0
                        && Objects.equals(writtenPosition, state.mark(POSITION)) && Files.exists(settings.snapshot())) {
                    Files.setLastModifiedTime(settings.snapshot(), FileTime.from(Instant.now()));
                }
            }
        } catch (IOException e) {
            LOG.warn("catalog: cannot write snapshot {}: {}", settings.snapshot(), e.toString());
        }
    }

    private static String describe(Map<String, String> changes) {
        List<String> parts = new ArrayList<>();
        changes.entrySet().stream().limit(10).forEach(e -> parts.add(e.getValue() == null ? "-" + e.getKey() : "+" + e.getKey() + " (" + e.getValue() + ")"));
        return String.join(", ", parts) + (changes.size() > 10 ? " and " + (changes.size() - 10) + " more" : "");
    }

    private static ScheduledExecutorService singleThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        followThread.shutdownNow();
        loadThread.shutdownNow();
        upkeepThread.shutdownNow();
        try {
            followThread.awaitTermination(2, TimeUnit.SECONDS);
            loadThread.awaitTermination(2, TimeUnit.SECONDS);
            upkeepThread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer != null) {
            writtenSequence = -2; // whatever changed: write it
            lastWriteNanos = 0;
            writeSnapshot();
        }
        api.http().close();
    }
}
