package io.bucketdns.rgw;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.file.CatalogSnapshot;
import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.dns.BucketName;
import io.bucketdns.dns.Zone;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog from the RGW Admin Ops API: a full load of every bucket, then the metadata log.
 *
 * <ul>
 *   <li><b>Start</b>: every bucket is listed ({@link FullLoad}); the start waits for that and
 *       fails when RGW cannot be reached. With an on-disk snapshot, the snapshot is put in force
 *       instead, so DNS answers at once (RGW down or not), and the listing runs in the
 *       background, retried until it succeeds.
 *   <li><b>Changes</b>: the metadata log is read every {@link Timing#poll} ({@link
 *       MetadataLogFollower}); each bucket named in it is read again, which decides whether it
 *       exists and where. A new period, a failover to another zone's log, or a gap in following
 *       long enough for the log to have been trimmed, start a full load instead.
 *   <li><b>Safety net</b>: a full load every {@code [catalog] relist_interval}; the zonegroup map
 *       is read again every {@link Timing#mapRefresh}.
 *   <li><b>Misses</b>: unknown buckets asked for are looked up on demand ({@link MissLookups}).
 *   <li><b>RGW unreachable</b>: the last catalog stays in force; staleness is logged.
 * </ul>
 *
 * <p>A full load captures the log's position before listing and, once done, rewinds following to
 * it: changes made while listing are read again from the log, whichever came first.
 *
 * <p>Two background threads: {@code rgw-follow} for the log, {@code rgw-load} for full loads,
 * zonegroup-map refreshes and snapshot writes (one after the other, so never two loads at once).
 */
public final class RgwCatalogSource implements CatalogSource {
    /** Look-ups in flight per activity (full load, log round): a steady, bounded load on RGW. */
    static final int IN_FLIGHT = 8;
    private static final Logger LOG = LoggerFactory.getLogger(RgwCatalogSource.class);

    /**
     * When background work happens.
     *
     * @param poll between two reads of the metadata log
     * @param periodCheck between two checks that the log's period is unchanged
     * @param mapRefresh between two reads of the zonegroup map
     * @param snapshotEvery at most one snapshot write per this interval
     * @param retryLoad between two attempts of a failed full load
     * @param followGap a pause in following longer than this may have missed trimmed entries: full load
     * @param staleReport between two log lines about RGW still being unreachable
     */
    record Timing(
            Duration poll, Duration periodCheck, Duration mapRefresh, Duration snapshotEvery, Duration retryLoad,
            Duration followGap, Duration staleReport) {
        static final Timing DEFAULT = new Timing(Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(1));
    }

    private final BucketDnsConfig.CatalogSettings settings;
    private final Map<String, String> hostnameOverrides;
    private final Set<String> globalZones;
    private final AdminApi api;
    private final MetadataLogFollower follower;
    private final Timing timing;
    private Staleness staleness;
    private final Object lock = new Object();
    /** A full load is queued or running: a second request then is the same load. */
    private final AtomicBoolean loading = new AtomicBoolean();
    private final ScheduledExecutorService followThread = singleThread("rgw-follow");
    private final ScheduledExecutorService loadThread = singleThread("rgw-load");

    private CatalogWriter writer;
    private LiveCatalog target;
    private volatile ZonegroupMap map;
    private volatile MissLookups misses;
    private volatile boolean snapshotDirty;
    private volatile long lastLoadAttempt = System.nanoTime();
    private long lastPeriodCheck = System.nanoTime();
    private boolean warnedNoMasterEndpoint;
    /** Where following stands; null until a full load succeeded, and after a reason to start over. Guarded by lock. */
    private MetadataLogFollower.Position position;
    /** Counts full loads, so that a log round that overlapped one does not overwrite its position. Guarded by lock. */
    private long generation;

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
                calls));
        this.follower = new MetadataLogFollower(api, IN_FLIGHT);
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
        LiveCatalog live = writer.live();
        this.target = live;
        this.staleness = new Staleness(settings.maxStaleness(), timing.staleReport(), live.health());
        if (loadSnapshot()) {
            requestLoad("start"); // answering already: ten million buckets take a while to list
        } else {
            try {
                fullLoad("start");
            } catch (RgwException e) {
                throw new CatalogException("cannot load the catalog from RGW: " + e.getMessage(), e);
            }
        }
        if (settings.missLookupsPerSecond() > 0) {
            misses = new MissLookups(settings.missLookupsPerSecond(), settings.missWait(), this::locateByName, writer);
        }
        long poll = timing.poll().toMillis();
        followThread.scheduleWithFixedDelay(this::followRound, poll, poll, TimeUnit.MILLISECONDS);
        long relist = settings.relistInterval().toMillis();
        loadThread.scheduleWithFixedDelay(() -> requestLoad("periodic re-list"), relist, relist, TimeUnit.MILLISECONDS);
        long refresh = timing.mapRefresh().toMillis();
        loadThread.scheduleWithFixedDelay(this::refreshMap, refresh, refresh, TimeUnit.MILLISECONDS);
        if (settings.snapshot() != null) {
            long every = timing.snapshotEvery().toMillis();
            loadThread.scheduleWithFixedDelay(this::writeSnapshot, every, every, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public CompletionStage<?> onMiss(String bucket) {
        MissLookups m = misses;
        return m != null && map != null ? m.onMiss(bucket) : NOT_LOOKED_UP;
    }

    /** The snapshot in force at start, when one is configured and readable. */
    private boolean loadSnapshot() {
        if (settings.snapshot() == null || !Files.exists(settings.snapshot())) {
            return false;
        }
        try {
            CatalogSnapshot.Loaded s = CatalogSnapshot.read(settings.snapshot());
            Catalog c = s.catalog();
            Map<String, Zonegroup> zonegroups = new LinkedHashMap<>(c.zonegroups());
            hostnameOverrides.forEach((name, host) -> zonegroups.computeIfPresent(name, (n, z) -> new Zonegroup(n, host)));
            String def = settings.defaultZonegroup() != null ? settings.defaultZonegroup()
                    : c.defaultZonegroup() == null ? null : c.defaultZonegroup().name();
            writer.replace(c.withZonegroups(zonegroups, zonegroups.get(def)), Map.of()).join();
            staleness.loadedAsOf(s.writtenAt());
            LOG.info("catalog: {} buckets from snapshot {}, written {} ago", String.format("%,d", c.size()), settings.snapshot(),
                    Staleness.describe(Duration.between(s.writtenAt(), Instant.now())));
            return true;
        } catch (IOException | CatalogException e) {
            LOG.warn("catalog: ignoring snapshot {}: {}", settings.snapshot(), e.getMessage());
            return false;
        }
    }

    /** Lists every bucket and puts the result in force; the log is then followed from before the listing. */
    private void fullLoad(String reason) {
        lastLoadAttempt = System.nanoTime();
        ZonegroupMap m = api.zonegroupMap();
        Map<String, Zonegroup> zonegroups = m.targets(hostnameOverrides, globalZones);
        Zonegroup fallback = defaultZonegroup(m, zonegroups);
        useMap(m);
        MetadataLogFollower.Position from = follower.capture(m);
        LOG.info("catalog: full load ({}) from {}", reason, api.http().endpoints().get(0));
        FullLoad.Result r = FullLoad.run(api, m, zonegroups, fallback, IN_FLIGHT);
        synchronized (lock) {
            writer.replace(r.buckets().build(target.current().serial()), Map.of()).join();
            target.health().fullLoadDone();
            position = from;
            generation++;
        }
        staleness.synced(target.current());
        snapshotDirty = true;
        LOG.info("catalog: full load ({}): {}; zonegroups {}", reason, r.summary(), hosts(zonegroups));
    }

    /** Runs a full load on the calling (load) thread, reporting instead of throwing. */
    private void runLoad(String reason) {
        try {
            fullLoad(reason);
        } catch (RgwException | CatalogException e) {
            staleness.failed(e, target.current());
        } catch (RuntimeException e) {
            LOG.error("catalog: full load ({}) failed", reason, e);
        } finally {
            loading.set(false);
        }
    }

    /** Queues a full load on the load thread, unless one is queued or running already. */
    private void requestLoad(String reason) {
        if (loading.compareAndSet(false, true)) {
            LOG.info("catalog: full load needed: {}", reason);
            loadThread.execute(() -> runLoad(reason));
        }
    }

    private void followRound() {
        MetadataLogFollower.Position from;
        long gen;
        synchronized (lock) {
            from = position;
            gen = generation;
        }
        if (from == null) {
            if (System.nanoTime() - lastLoadAttempt > timing.retryLoad().toNanos()) {
                requestLoad("no complete load from RGW yet");
            }
            return;
        }
        try {
            if (staleness.sinceSync().compareTo(timing.followGap()) > 0) {
                restart(gen, "following paused for " + Staleness.describe(staleness.sinceSync()) + "; the log may have been trimmed meanwhile");
                return;
            }
            if (System.nanoTime() - lastPeriodCheck > timing.periodCheck().toNanos()) {
                lastPeriodCheck = System.nanoTime();
                String outdated = follower.outdated(from);
                if (outdated != null) {
                    restart(gen, outdated);
                    return;
                }
            }
            MetadataLogFollower.Round round = follower.poll(map, from);
            if (round.resync() != null) {
                restart(gen, round.resync());
                return;
            }
            long asOf = writer.sequence();
            Map<String, String> changes = locateAll(round.buckets());
            synchronized (lock) {
                if (!changes.isEmpty()) {
                    writer.observe(changes, asOf, Map.of()).join();
                }
                if (generation == gen) {
                    position = round.next();
                }
            }
            staleness.synced(target.current());
            if (!changes.isEmpty()) {
                snapshotDirty = true;
                LOG.info("catalog: {}", describe(changes));
            }
        } catch (RgwException e) {
            staleness.failed(e, target.current());
        } catch (RuntimeException e) {
            LOG.error("catalog: reading the metadata log failed", e);
        }
    }

    /** Stops following until a full load has a new position. */
    private void restart(long gen, String why) {
        synchronized (lock) {
            if (generation == gen) {
                position = null;
            }
        }
        requestLoad(why);
    }

    /** Where each bucket is now: its zonegroup's name, or null when it no longer exists. */
    private Map<String, String> locateAll(Set<String> buckets) {
        List<String> names = buckets.stream().filter(BucketName::isValid).toList();
        if (names.isEmpty()) {
            return Map.of();
        }
        List<Optional<String>> ids = Fanout.map(names, IN_FLIGHT, api::locate);
        if (ids.stream().flatMap(Optional::stream).anyMatch(id -> map.nameOf(id) == null)) {
            refreshMap(); // a zonegroup created since the map was read
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

    /** Reads the zonegroup map again and puts changed hosts (or default) in force at once. */
    private void refreshMap() {
        try {
            ZonegroupMap m = api.zonegroupMap();
            Map<String, Zonegroup> zonegroups = m.targets(hostnameOverrides, globalZones);
            Zonegroup fallback = defaultZonegroup(m, zonegroups);
            useMap(m);
            Catalog current = target.current();
            if (!current.zonegroups().equals(zonegroups) || !Objects.equals(current.defaultZonegroup(), fallback)) {
                writer.zonegroups(zonegroups, fallback).join();
                LOG.info("catalog: zonegroups now {}", hosts(zonegroups));
            }
        } catch (RgwException | CatalogException e) {
            LOG.warn("catalog: zonegroup map not refreshed: {}", e.getMessage());
        }
    }

    /** Uses a zonegroup map for naming zonegroups, and its metadata master's endpoints first. */
    private void useMap(ZonegroupMap m) {
        map = m;
        List<String> master = m.metadataMasterEndpoints();
        api.http().prefer(master);
        if (!warnedNoMasterEndpoint && api.http().endpoints().stream().noneMatch(master::contains)) {
            warnedNoMasterEndpoint = true;
            LOG.warn("catalog: no rgw_endpoint is in the metadata master zone ({}): changes made in other zonegroups"
                    + " reach the log read here only after metadata sync (seconds to minutes)", master);
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

    private void writeSnapshot() {
        if (!snapshotDirty || settings.snapshot() == null || !target.isLoaded()) {
            return;
        }
        snapshotDirty = false;
        long start = System.nanoTime();
        try {
            CatalogSnapshot.write(settings.snapshot(), target.current());
            LOG.debug("catalog: snapshot {} written in {} ms", settings.snapshot(), (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            snapshotDirty = true;
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
        try {
            followThread.awaitTermination(2, TimeUnit.SECONDS);
            loadThread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (target != null) {
            writeSnapshot();
        }
        api.http().close();
    }
}
