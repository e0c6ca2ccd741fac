package io.bucketdns.haproxy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogChange;
import io.bucketdns.catalog.CatalogListener;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps HAProxy's bucket map equal to the catalog: the map file on disk (what HAProxy loads when
 * it starts or reloads) and, through the runtime API, the map in the running HAProxy.
 *
 * <p>Driven by the catalog writer's changes: each change is noted in {@link #onChange} (fast, no
 * I/O) and applied by the feed's own thread, so DNS answering never waits on HAProxy or the disk.
 * Changes that pile up while HAProxy is slow or away are merged: the thread always pushes the
 * newest catalog, entry by entry ({@code add}/{@code set}/{@code del map}) for incremental
 * changes, as one versioned replacement ({@code prepare}/{@code add @V}/{@code commit map}) after a
 * whole replacement of the catalog, a failed push, or when HAProxy restarted (another pid or start
 * time) or drifted (its entry count differs from the catalog's). Every {@value #CHECK_MILLIS} ms
 * it looks at HAProxy even when nothing changed, which is how restarts and drift are seen.
 *
 * <p>The file is rewritten whole (temp file and rename), at most once a second and never more
 * than a fifth of the time, so a big catalog with a busy log does not keep the disk busy.
 */
public final class HaproxyFeed implements CatalogListener, AutoCloseable {
    static final long CHECK_MILLIS = 2000;
    /** Beyond this many {@code set map}s in one push, a whole replacement is cheaper (see {@link #pushChanges}). */
    static final int SLOW_OPS_MAX = 64;
    /** A {@code del map} costs about a quarter of a {@code set map}. */
    private static final int DEL_PER_SET = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long MIN_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    /** Beyond this many changed buckets waiting, one whole replacement is cheaper than remembering them. */
    private static final int MAX_PENDING = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyFeed.class);

    /**
     * What the feed has done, for metrics and tests.
     *
     * @param entries how many entries HAProxy's map held when last counted; -1 before the first count
     * @param changesPushed map entries added, changed or deleted one by one
     * @param replacements whole-map replacements in HAProxy
     * @param failures pushes, checks and file writes that failed
     * @param unmappable buckets left out because their names cannot be map keys
     * @param agreedAt when HAProxy (or, without a runtime socket, the file) last held the catalog in
     *     force; null before the first time
     * @param agrees true when it holds it now, as far as the feed knows
     */
    public record Status(long entries, long changesPushed, long replacements, long failures, long unmappable, Instant agreedAt,
            boolean agrees) {}

    private final BucketDnsConfig.Haproxy settings;
    private final java.util.function.BooleanSupplier loaded;
    private final MapEntries entries;
    private final String map;
    private final Object lock = new Object();
    private final Thread thread;
    private volatile boolean closed;

    // Guarded by lock: what the writer told since the thread last looked.
    private Catalog latest;
    private boolean sawChange;
    private boolean wholeSince = true;
    private Set<String> changedSince = new HashSet<>();

    // Owned by the feed thread.
    private Catalog target;
    private Catalog written;
    private long fileDueAt;
    private boolean fileFailing;
    private Catalog pushed;
    private boolean replaceNeeded = true;
    private final Set<String> toPush = new HashSet<>();
    private long expected;
    private RuntimeApi.Instance instance;
    private long checkDueAt;
    private long retryAt;
    private long backoff;
    private boolean runtimeFailing;

    private final AtomicLong changesPushed = new AtomicLong();
    private final AtomicLong replacements = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long haproxyEntries = -1;
    private volatile long unmappable;
    private volatile Instant agreedAt;
    private volatile boolean agrees;

    private HaproxyFeed(BucketDnsConfig.Haproxy settings, java.util.function.BooleanSupplier loaded, Catalog initial) {
        this.settings = settings;
        this.loaded = loaded;
        this.entries = new MapEntries(settings.omitZonegroup());
        this.map = settings.map().toString();
        this.latest = initial;
        this.thread = Thread.ofPlatform().name("haproxy-feed").daemon().unstarted(this::run);
    }

    /**
     * A feed that does nothing yet: the caller subscribes it to the catalog writer first, then
     * calls {@link #start} with the catalog in force, so that no change falls in between.
     *
     * @param loaded whether the catalog in force holds every bucket ({@link
     *     io.bucketdns.catalog.LiveCatalog#isLoaded()}): until then neither the file nor HAProxy
     *     is touched, so a restarting bucketdns never empties a map HAProxy routes with
     */
    public static HaproxyFeed create(BucketDnsConfig.Haproxy settings, java.util.function.BooleanSupplier loaded) {
        return new HaproxyFeed(settings, loaded, Catalog.empty());
    }

    /**
     * Starts feeding from {@code current}, the catalog in force after this feed was subscribed
     * (or from whatever change arrived since, which is newer).
     */
    public HaproxyFeed start(Catalog current) {
        synchronized (lock) {
            if (!sawChange) {
                latest = current;
            }
        }
        thread.start();
        return this;
    }

    @Override
    public void onChange(CatalogChange change) {
        synchronized (lock) {
            latest = change.after();
            sawChange = true;
            if (change.whole() || changedSince.size() + change.buckets().size() > MAX_PENDING) {
                wholeSince = true;
                changedSince.clear();
            } else if (!wholeSince) {
                changedSince.addAll(change.buckets().keySet());
            }
            lock.notifyAll();
        }
    }

    /** What the feed has done so far. */
    public Status status() {
        return new Status(haproxyEntries, changesPushed.get(), replacements.get(), failures.get(), unmappable, agreedAt, agrees);
    }

    private void run() {
        while (!closed) {
            try {
                awaitWork();
                if (closed) {
                    break;
                }
                fileStep();
                if (settings.runtimeSocket() != null) {
                    runtimeStep();
                } else if (written == target && !fileFailing) {
                    agreed();
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.error("haproxy: the map feed failed; it starts over with a whole replacement", e);
                replaceNeeded = true;
                pause(MAX_BACKOFF_MILLIS);
            }
        }
        if (target != null && written != target) {
            fileDueAt = 0;
            fileStep(); // leave a current file for the next HAProxy start
        }
    }

    /** Waits for news, a due file write, a due check or the end of a backoff; then takes the news. */
    private void awaitWork() throws InterruptedException {
        synchronized (lock) {
            while (!closed && !loaded.getAsBoolean()) {
                lock.wait(1000); // an empty or half-loaded catalog would empty HAProxy's map: wait for the whole one
            }
            while (!closed && target == latest && !wholeSince && changedSince.isEmpty()) {
                long wake = Long.MAX_VALUE;
                if (written != target) {
                    wake = fileDueAt;
                }
                if (settings.runtimeSocket() != null) {
                    wake = Math.min(wake, replaceNeeded || target != pushed ? retryAt : checkDueAt);
                }
                if (wake == Long.MAX_VALUE) {
                    lock.wait();
                    continue;
                }
                long wait = (wake - System.nanoTime()) / 1_000_000;
                if (wait <= 0) {
                    break;
                }
                lock.wait(wait);
            }
            target = latest;
            if (wholeSince) {
                replaceNeeded = true;
                toPush.clear();
            } else if (!replaceNeeded) {
                toPush.addAll(changedSince);
                if (toPush.size() > MAX_PENDING) {
                    replaceNeeded = true;
                    toPush.clear();
                }
            }
            wholeSince = false;
            changedSince = new HashSet<>();
        }
        if (target != pushed || replaceNeeded) {
            agrees = false;
        }
    }

    private void fileStep() {
        long now = System.nanoTime();
        if (written == target || now < fileDueAt) {
            return;
        }
        try {
            long t0 = System.nanoTime();
            Catalog writing = target;
            int n = MapFile.write(settings.map(), writing, entries);
            long cost = System.nanoTime() - t0;
            written = writing;
            fileDueAt = System.nanoTime() + Math.max(1_000_000_000L, 4 * cost);
            if (fileFailing) {
                LOG.info("haproxy: map file {} written again ({} entries)", map, n);
            }
            fileFailing = false;
            LOG.debug("haproxy: map file {} written: {} entries in {} ms", map, n, cost / 1_000_000);
        } catch (IOException e) {
            failures.incrementAndGet();
            if (!fileFailing) {
                LOG.error("haproxy: cannot write the map file {}: {}; fix: make its directory writable for bucketdns "
                        + "(HAProxy keeps the map it has; a restart of HAProxy would load the old file)", map, e.toString());
            }
            fileFailing = true;
            fileDueAt = System.nanoTime() + 5_000_000_000L;
        }
    }

    private void runtimeStep() {
        long now = System.nanoTime();
        boolean work = replaceNeeded || target != pushed;
        if (now < retryAt || (!work && now < checkDueAt)) {
            return;
        }
        boolean inFlight = false;
        try (RuntimeApi api = RuntimeApi.connect(settings.runtimeSocket(), TIMEOUT)) {
            RuntimeApi.Instance seen = api.instance();
            if (!seen.equals(instance)) {
                if (instance != null) {
                    LOG.info("haproxy: another HAProxy process answers ({} pid {}, was pid {}): replacing its map whole",
                            seen.version(), seen.pid(), instance.pid());
                }
                instance = seen;
                replaceNeeded = true;
            }
            inFlight = true;
            if (replaceNeeded) {
                replace(api);
            } else if (target != pushed) {
                pushChanges(api);
            }
            inFlight = false;
            long count = api.entries(map);
            haproxyEntries = count;
            if (count != expected) {
                LOG.warn("haproxy: map {} holds {} entries, the catalog gives {}: replacing it whole", map, count, expected);
                replaceNeeded = true;
                retryAt = System.nanoTime();
                return;
            }
            if (runtimeFailing) {
                LOG.info("haproxy: runtime API at {} answers again; map {} holds {} entries", RuntimeApi.describe(settings.runtimeSocket()),
                        map, count);
            }
            runtimeFailing = false;
            backoff = 0;
            retryAt = 0;
            checkDueAt = System.nanoTime() + CHECK_MILLIS * 1_000_000;
            if (pushed == target) {
                agreed();
            }
        } catch (IOException e) {
            failures.incrementAndGet();
            if (inFlight) {
                replaceNeeded = true; // part of it may have been applied: only a whole map is sure
                toPush.clear();
            }
            if (!runtimeFailing) {
                LOG.warn("haproxy: runtime API at {}: {}; retrying with backoff, the map file stays current",
                        RuntimeApi.describe(settings.runtimeSocket()), e.getMessage());
            }
            runtimeFailing = true;
            agrees = false;
            backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(MIN_BACKOFF_MILLIS, backoff * 2));
            retryAt = System.nanoTime() + backoff * 1_000_000;
            checkDueAt = retryAt;
        }
    }

    private void replace(RuntimeApi api) throws IOException {
        long t0 = System.nanoTime();
        Catalog replacing = target;
        long[] count = {0};
        int[] left = {0};
        api.replace(map, sink -> left[0] = entries.forEach(replacing, (bucket, zonegroup) -> {
            sink.accept(bucket, zonegroup);
            count[0]++;
        }));
        expected = count[0];
        unmappable = left[0];
        pushed = replacing;
        replaceNeeded = false;
        toPush.clear();
        replacements.incrementAndGet();
        LOG.info("haproxy: map {} replaced whole: {} entries in {} ms{}", map, count[0], (System.nanoTime() - t0) / 1_000_000,
                left[0] == 0 ? "" : "; " + left[0] + " buckets left out, their names cannot be map keys");
    }

    /**
     * Pushes the buckets that changed since the last push: new ones in bulk, moved and removed
     * ones one by one, or, when there are many of those, the whole map instead. HAProxy 2.6 finds
     * the entry to {@code set} or {@code del} by walking the whole map, holding the map's lock
     * (measured: 20 ms a {@code set}, 5 ms a {@code del} at 100,000 entries, ten times that at a
     * million), while a whole replacement costs about {@value #SLOW_OPS_MAX} {@code set}s at any size.
     */
    private void pushChanges(RuntimeApi api) throws IOException {
        Map<String, String> added = new HashMap<>();
        Map<String, String> moved = new HashMap<>();
        List<String> removed = new ArrayList<>();
        for (String bucket : toPush) {
            String before = entries.valueOf(pushed, bucket);
            String after = entries.valueOf(target, bucket);
            if (Objects.equals(before, after)) {
                if (after == null && target.zonegroupOf(bucket) != null && !MapEntries.holds(bucket)) {
                    LOG.warn("haproxy: bucket {} is left out of the map: its name cannot be a map key; the default backend serves it",
                            bucket);
                }
            } else if (before == null) {
                added.put(bucket, after);
            } else if (after == null) {
                removed.add(bucket);
            } else {
                moved.put(bucket, after);
            }
        }
        if (moved.size() + removed.size() / DEL_PER_SET > SLOW_OPS_MAX) {
            LOG.info("haproxy: {} buckets moved and {} removed at once: replacing the map whole, cheaper than one by one",
                    moved.size(), removed.size());
            replace(api);
            return;
        }
        for (Map.Entry<String, String> e : moved.entrySet()) {
            require(api.set(map, e.getKey(), e.getValue()), e.getKey());
        }
        for (String bucket : removed) {
            require(api.del(map, bucket), bucket);
            expected--;
        }
        if (added.size() == 1) {
            Map.Entry<String, String> e = added.entrySet().iterator().next();
            api.add(map, e.getKey(), e.getValue());
        } else if (!added.isEmpty()) {
            api.addAll(map, added);
        }
        expected += added.size();
        changesPushed.addAndGet(added.size() + moved.size() + removed.size());
        toPush.clear();
        pushed = target;
    }

    private void require(boolean found, String bucket) throws RuntimeApi.ProtocolException {
        if (!found) {
            throw new RuntimeApi.ProtocolException("map " + map + " lacked bucket " + bucket + ": it drifted from the catalog");
        }
    }

    private void agreed() {
        agreedAt = Instant.now();
        agrees = true;
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the thread; the map file is left as current as it was, HAProxy keeps its map. */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        try {
            thread.join(TIMEOUT.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
