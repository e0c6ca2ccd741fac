package io.bucketdns.feed.haproxy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogChange;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the map in the running HAProxy equal to the catalog, through its runtime API: entry by
 * entry ({@code add}/{@code set}/{@code del map}) for incremental changes, as one versioned
 * replacement ({@code prepare}/{@code add @V}/{@code commit map}) after a whole replacement of the
 * catalog, a failed push, when HAProxy restarted (another pid or start time) or drifted (its entry
 * count differs from the catalog's), or when many buckets moved at once ({@link PushPlan}).
 *
 * <p>Its own thread (a {@link Job} on its own {@link Scheduler}) does all the talking, so the
 * catalog writer only notes a change ({@link #offer}) and DNS answering never waits on HAProxy.
 * Changes that pile up while HAProxy is slow or away are merged ({@link Backlog}): the sink always
 * pushes the newest catalog. When to talk is {@link Pace}'s decision: at once with work, every 2 s
 * without, with backoff after a failure.
 */
final class RuntimeSink implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The feed's: every part logs under the one name operators know and filter on. */
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyFeed.class);

    private final SocketAddress socket;
    private final String map;
    private final String regionMap;
    private final MapEntries entries;
    private final InstantSource clock;
    private final Backlog backlog = new Backlog();
    private final Job job;
    private volatile HaproxyFeed.Status status = HaproxyFeed.Status.NONE;

    // Owned by the job's thread.
    private Catalog target;
    private Catalog pushed;
    private boolean replaceNeeded = true;
    private final Set<String> toPush = new HashSet<>();
    private long expected;
    private RuntimeApi.Instance instance;
    private Pace pace = Pace.START;
    private boolean failing;
    /** The region map HAProxy holds, as pushed; null when it may differ (another HAProxy, a failed push). */
    private Map<String, String> pushedRegions;

    /** @param regionMap the region map's name in HAProxy (its file), {@link RegionMap} */
    RuntimeSink(SocketAddress socket, String map, String regionMap, MapEntries entries, InstantSource clock, Scheduler scheduler) {
        this.socket = socket;
        this.map = map;
        this.regionMap = regionMap;
        this.entries = entries;
        this.clock = clock;
        this.job = new Job(scheduler, this::step, this::recover);
    }

    /** Notes a change for the sink's thread; cheap, from the catalog writer's thread. */
    void offer(CatalogChange change) {
        backlog.add(change);
        job.nudge();
    }

    /** What the sink has done; its {@code failures} count only the runtime API's. */
    HaproxyFeed.Status status() {
        return status;
    }

    private long step() {
        take(backlog.take());
        if (target == null) {
            return Job.IDLE;
        }
        boolean work = hasWork();
        if (work) {
            status = status.disagreeing();
        }
        if (job.now() >= pace.dueAt(work)) {
            talk();
        }
        return pace.dueAt(hasWork());
    }

    private boolean hasWork() {
        return replaceNeeded || target != pushed || !RegionMap.of(target).equals(pushedRegions);
    }

    private void take(Backlog.News news) {
        if (news.latest() == null) {
            return;
        }
        target = news.latest();
        if (news.whole()) {
            replaceNeeded = true;
            toPush.clear();
        } else if (!replaceNeeded) {
            toPush.addAll(news.buckets());
            if (toPush.size() > Backlog.MAX_PENDING) {
                replaceNeeded = true;
                toPush.clear();
            }
        }
    }

    private void recover() {
        status = status.failed();
        replaceNeeded = true;
        pushedRegions = null;
    }

    private void talk() {
        boolean inFlight = false;
        try (RuntimeApi api = RuntimeApi.connect(socket, TIMEOUT)) {
            RuntimeApi.Instance seen = api.instance();
            if (!seen.equals(instance)) {
                if (instance != null) {
                    LOG.info("haproxy: another HAProxy process answers ({} pid {}, was pid {}): replacing its map whole",
                            seen.version(), seen.pid(), instance.pid());
                }
                instance = seen;
                replaceNeeded = true;
                pushedRegions = null;
            }
            inFlight = true;
            if (replaceNeeded) {
                replace(api);
            } else if (target != pushed) {
                pushChanges(api);
            }
            inFlight = false;
            pushRegions(api);
            long count = api.entries(map);
            status = status.withEntries(count);
            if (count != expected) {
                LOG.warn("haproxy: map {} holds {} entries, the catalog gives {}: replacing it whole", map, count, expected);
                replaceNeeded = true;
                pace = pace.drifted(job.now());
                return;
            }
            if (failing) {
                LOG.info("haproxy: runtime API at {} answers again; map {} holds {} entries", RuntimeApi.describe(socket), map, count);
            }
            failing = false;
            pace = pace.succeeded(job.now());
            if (pushed == target) {
                status = status.agreed(clock.instant());
            }
        } catch (IOException e) {
            status = status.failed().disagreeing();
            if (inFlight) {
                replaceNeeded = true; // part of it may have been applied: only a whole map is sure
                toPush.clear();
            }
            if (!failing) {
                LOG.warn("haproxy: runtime API at {}: {}; retrying with backoff, the map file stays current",
                        RuntimeApi.describe(socket), e.getMessage());
            }
            failing = true;
            pace = pace.failed(job.now());
        }
    }

    private void replace(RuntimeApi api) throws IOException {
        long t0 = job.now();
        Catalog replacing = target;
        long[] count = {0};
        int[] left = {0};
        api.replace(map, sink -> left[0] = entries.forEach(replacing, (bucket, zonegroup) -> {
            sink.accept(bucket, zonegroup);
            count[0]++;
        }));
        expected = count[0];
        pushed = replacing;
        replaceNeeded = false;
        toPush.clear();
        status = status.replaced(left[0]);
        LOG.info("haproxy: map {} replaced whole: {} entries in {} ms{}", map, count[0], (job.now() - t0) / 1_000_000,
                left[0] == 0 ? "" : "; " + left[0] + " buckets left out, their names cannot be map keys");
    }

    /**
     * Replaces the region map when the zonegroups' regions changed (rarely: a zonegroup added or
     * renamed). An HAProxy whose config names no region map still gets its bucket map: it is told
     * once, and creating buckets outside the master zonegroup waits for haproxy.cfg's region lines.
     */
    private void pushRegions(RuntimeApi api) throws IOException {
        Map<String, String> regions = RegionMap.of(target);
        if (regions.equals(pushedRegions)) {
            return;
        }
        try {
            api.replace(regionMap, sink -> regions.forEach(sink));
            LOG.info("haproxy: region map {} replaced: {}", regionMap, regions);
        } catch (RuntimeApi.ProtocolException e) {
            LOG.warn("haproxy: cannot replace the region map {} ({}): is it named in haproxy.cfg (map({}))? Until it is, new buckets"
                    + " are created in the default backend's zonegroup whatever region they are signed for", regionMap, e.getMessage(),
                    regionMap);
        }
        pushedRegions = regions;
    }

    /** Pushes the buckets that changed since the last push, or the whole map when that is cheaper. */
    private void pushChanges(RuntimeApi api) throws IOException {
        PushPlan plan = PushPlan.of(entries, pushed, target, toPush);
        for (String bucket : plan.leftOut()) {
            LOG.warn("haproxy: bucket {} is left out of the map: its name cannot be a map key; the default backend serves it", bucket);
        }
        if (plan.wholeIsCheaper()) {
            LOG.info("haproxy: {} buckets moved and {} removed at once: replacing the map whole, cheaper than one by one",
                    plan.moved().size(), plan.removed().size());
            replace(api);
            return;
        }
        for (Map.Entry<String, String> e : plan.moved().entrySet()) {
            require(api.set(map, e.getKey(), e.getValue()), e.getKey());
        }
        for (String bucket : plan.removed()) {
            require(api.del(map, bucket), bucket);
            expected--;
        }
        if (plan.added().size() == 1) {
            Map.Entry<String, String> e = plan.added().entrySet().iterator().next();
            api.add(map, e.getKey(), e.getValue());
        } else if (!plan.added().isEmpty()) {
            api.addAll(map, plan.added());
        }
        expected += plan.added().size();
        status = status.pushed(plan.changes());
        toPush.clear();
        pushed = target;
    }

    private void require(boolean found, String bucket) throws RuntimeApi.ProtocolException {
        if (!found) {
            throw new RuntimeApi.ProtocolException("map " + map + " lacked bucket " + bucket + ": it drifted from the catalog");
        }
    }

    /** Stops the thread after the push in flight, if any; HAProxy keeps its map. */
    @Override
    public void close() {
        job.finish(() -> {});
    }
}
