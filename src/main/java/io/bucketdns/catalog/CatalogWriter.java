package io.bucketdns.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of a {@link LiveCatalog}. Catalog sources, the metadata-log follower, on-demand
 * look-ups and reconciliations do their I/O elsewhere and hand their results here as events; one
 * thread applies them in order, publishes each new snapshot and tells the {@link CatalogListener}s.
 * Because nothing else writes, no interleaving of producers can lose a bucket or bring a deleted
 * one back.
 *
 * <p>Two kinds of bucket news, because producers know different things:
 *
 * <ul>
 *   <li>{@link #change}: authoritative news, applied whatever came before (a file that was edited,
 *       a catalog replaced whole).
 *   <li>{@link #observe}: what RGW said about some buckets when asked <em>after</em> a given
 *       {@link #sequence()}. Between that question and its answer, other producers may have
 *       applied newer news about the same bucket (a look-up racing the log's deletion); an
 *       observation is therefore applied to a bucket only when nothing changed that bucket since
 *       the observer's sequence. A stale observation is dropped, never applied over newer news.
 * </ul>
 *
 * <p>Events queued together are applied as one step: one {@link Catalog#withChanges} for all
 * their buckets, one snapshot, one {@link CatalogChange}. A step costs what its buckets cost plus
 * the catalog's small overlay, never a rebuild of the whole table on the answering path: readers
 * keep answering from the previous snapshot until the new one is published.
 *
 * <p>Sources may keep <em>marks</em> with the catalog (the metadata-log position, a listing's
 * checkpoint): they are published in the same {@link State} as the buckets they describe, so a
 * snapshot on disk never holds a position ahead of its buckets.
 *
 * <p>It is longer than most classes here because every rule of how two events combine (which one
 * is older news, what a load page may and may not undo) must sit beside the one loop that applies
 * them: split, the ordering argument would span files.
 */
public final class CatalogWriter implements AutoCloseable {
    /**
     * How long the writer remembers which bucket it changed when, to judge late observations: far
     * longer than one look-up or one listing page takes (producers read {@link #sequence()} before
     * each attempt, not once before a series of retries).
     */
    static final Duration REMEMBER = Duration.ofMinutes(2);
    /**
     * At most this many remembered changes (some 25 MB); beyond, the oldest go, and observations
     * made before them are dropped as too old to judge. A first load of millions of buckets passes
     * this many changes in tens of seconds; a page's look-ups take a second or two.
     */
    static final int REMEMBER_MAX = 200_000;
    private static final int BATCH = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(CatalogWriter.class);

    /**
     * What is in force: the catalog, the marks that describe it, and the sequence number of the
     * last step applied.
     */
    public record State(Catalog catalog, Map<String, String> marks, long sequence) {
        public State {
            marks = Map.copyOf(marks);
        }

        /** A mark, or null when none is kept under that key. */
        public String mark(String key) {
            return marks.get(key);
        }
    }

    private sealed interface Event permits Replace, Buckets, Zonegroups, Complete {}

    private record Replace(Catalog whole, Map<String, String> marks) implements Event {}

    /** {@code asOf} < 0: authoritative change. */
    private record Buckets(Map<String, String> buckets, long asOf, Map<String, String> marks) implements Event {}

    private record Zonegroups(Map<String, Zonegroup> zonegroups, Zonegroup defaultZonegroup) implements Event {}

    private record Complete() implements Event {}

    private record Queued(Event event, CompletableFuture<Catalog> done) {}

    /** When a bucket was last changed: the step's sequence and the time. */
    private record Touch(long sequence, long nanos) {}

    private final LiveCatalog live;
    private final List<CatalogListener> listeners = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile State state;
    private volatile boolean closed;

    // Owned by the writer thread.
    private final LinkedHashMap<String, Touch> touched = new LinkedHashMap<>();
    /** Observations made before this sequence cannot be judged any more: some of their buckets' changes were forgotten. */
    private long forgottenUpTo;
    /** The sequence of the last step that replaced the catalog whole. */
    private long lastWhole;

    /** A writer for {@code live}, with its own thread, started at once. */
    public CatalogWriter(LiveCatalog live) {
        this.live = live;
        this.state = new State(live.current(), Map.of(), 0);
        this.thread = Thread.ofPlatform().name("catalog-writer").daemon().start(this::run);
    }

    /** The catalog it writes. */
    public LiveCatalog live() {
        return live;
    }

    /** Adds a consumer of every change from now on. */
    public void addListener(CatalogListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(CatalogListener listener) {
        listeners.remove(listener);
    }

    /** What is in force now. */
    public State state() {
        return state;
    }

    /**
     * The sequence number of the last step applied: an observer reads it <em>before</em> asking
     * RGW, and passes it to {@link #observe}.
     */
    public long sequence() {
        return state.sequence();
    }

    /** Bucket observations dropped so far because newer news had been applied meanwhile. */
    public long droppedObservations() {
        return dropped.get();
    }

    /**
     * Replaces the catalog whole: a first load, a reloaded file, a snapshot read at start. Marks
     * not named in {@code marks} are forgotten.
     *
     * @return completes with the snapshot in force once it is published
     */
    public CompletableFuture<Catalog> replace(Catalog whole, Map<String, String> marks) {
        return submit(new Replace(Objects.requireNonNull(whole), Map.copyOf(marks)));
    }

    /**
     * Authoritative bucket news, applied whatever came before.
     *
     * @param buckets lowercase bucket name to its zonegroup's name, or to null when it is gone;
     *     buckets in a zonegroup the catalog does not know are skipped (and logged)
     * @param marks marks to keep with the result; a null value removes a mark
     */
    public CompletableFuture<Catalog> change(Map<String, String> buckets, Map<String, String> marks) {
        return submit(new Buckets(copy(buckets), -1, copy(marks)));
    }

    /**
     * What RGW said about some buckets, asked after step {@code asOf} ({@link #sequence()} read
     * before asking). Each bucket is applied unless a step after {@code asOf} changed it.
     *
     * @param buckets lowercase bucket name to its zonegroup's name, or to null when RGW says it does not exist
     * @param marks marks to keep with the result; a null value removes a mark
     */
    public CompletableFuture<Catalog> observe(Map<String, String> buckets, long asOf, Map<String, String> marks) {
        if (asOf < 0) {
            throw new IllegalArgumentException("asOf must be a sequence() value, not " + asOf);
        }
        return submit(new Buckets(copy(buckets), asOf, copy(marks)));
    }

    /**
     * New zonegroups (hostnames, new ones, another default). A zonegroup that is gone takes its
     * buckets with it.
     */
    public CompletableFuture<Catalog> zonegroups(Map<String, Zonegroup> zonegroups, Zonegroup defaultZonegroup) {
        return submit(new Zonegroups(Map.copyOf(zonegroups), defaultZonegroup));
    }

    /**
     * Says that the catalog now holds every bucket of its origin (a progressive first load ended):
     * from then on {@link LiveCatalog#isLoaded()} is true.
     */
    public CompletableFuture<Catalog> complete() {
        return submit(new Complete());
    }

    private CompletableFuture<Catalog> submit(Event e) {
        CompletableFuture<Catalog> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the catalog writer is closed"));
            return done;
        }
        queue.add(new Queued(e, done));
        return done;
    }

    private static Map<String, String> copy(Map<String, String> m) {
        return new HashMap<>(m); // values may be null
    }

    private void run() {
        List<Queued> batch = new ArrayList<>(BATCH);
        while (!closed) {
            try {
                Queued first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                step(batch);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                LOG.error("catalog: a catalog change failed; the catalog in force is kept", e);
                batch.forEach(q -> q.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        for (Queued q; (q = queue.poll()) != null; ) {
            q.done().completeExceptionally(new IllegalStateException("the catalog writer is closed"));
        }
    }

    /** Applies queued events as one step: one snapshot published, one change told. */
    private void step(List<Queued> batch) {
        State before = state;
        long seq = before.sequence() + 1;
        Catalog catalog = before.catalog();
        Map<String, String> marks = new HashMap<>(before.marks());
        Map<String, String> pending = new HashMap<>();
        Map<String, String> told = new HashMap<>();
        boolean whole = false;
        boolean complete = false;
        for (Queued q : batch) {
            switch (q.event()) {
                case Replace r -> {
                    pending.clear();
                    told.clear();
                    catalog = r.whole();
                    marks.clear();
                    marks.putAll(r.marks());
                    whole = true;
                    complete = true;
                    lastWhole = seq;
                }
                case Buckets b -> {
                    collect(catalog, pending, b, seq);
                    told.putAll(pending);
                    b.marks().forEach((k, v) -> {
                        if (v == null) {
                            marks.remove(k);
                        } else {
                            marks.put(k, v);
                        }
                    });
                }
                case Zonegroups z -> {
                    catalog = catalog.withChanges(pending);
                    pending.clear();
                    Catalog next = withZonegroups(catalog, z);
                    whole |= next.size() != catalog.size();
                    catalog = next;
                }
                case Complete c -> complete = true;
            }
        }
        catalog = catalog.withChanges(pending);
        forget();
        state = new State(catalog, marks, seq);
        live.publish(catalog, complete);
        CatalogChange change = new CatalogChange(before.catalog(), catalog, whole ? Map.of() : told, whole);
        for (CatalogListener l : listeners) {
            try {
                l.onChange(change);
            } catch (RuntimeException e) {
                LOG.error("catalog: a listener failed on a change", e);
            }
        }
        for (Queued q : batch) {
            q.done().complete(catalog);
        }
    }

    /** Adds a bucket event's effective changes to {@code pending}, judging observations by what changed since. */
    private void collect(Catalog catalog, Map<String, String> pending, Buckets b, long seq) {
        long now = System.nanoTime();
        int stale = 0;
        for (Map.Entry<String, String> e : b.buckets().entrySet()) {
            String bucket = e.getKey();
            String zonegroup = e.getValue();
            if (b.asOf() >= 0 && changedSince(bucket, b.asOf())) {
                stale++;
                continue;
            }
            if (zonegroup != null && !catalog.zonegroups().containsKey(zonegroup)) {
                LOG.warn("catalog: bucket {} is in zonegroup {}, which the catalog does not know; ignored", bucket, zonegroup);
                continue;
            }
            String current = pending.containsKey(bucket) ? pending.get(bucket) : nameOf(catalog.zonegroupOf(bucket));
            if (Objects.equals(current, zonegroup)) {
                continue;
            }
            pending.put(bucket, zonegroup);
            touched.remove(bucket); // keep the map in order of change
            touched.put(bucket, new Touch(seq, now));
        }
        if (stale > 0) {
            dropped.addAndGet(stale);
            LOG.debug("catalog: {} observations made at step {} dropped: newer news applied since", stale, b.asOf());
        }
    }

    private boolean changedSince(String bucket, long asOf) {
        if (asOf < forgottenUpTo || asOf < lastWhole) {
            return true;
        }
        Touch t = touched.get(bucket);
        return t != null && t.sequence() > asOf;
    }

    private void forget() {
        long horizon = System.nanoTime() - REMEMBER.toNanos();
        Iterator<Touch> it = touched.values().iterator();
        while (it.hasNext()) {
            Touch t = it.next();
            if (t.nanos() > horizon && touched.size() <= REMEMBER_MAX) {
                break;
            }
            forgottenUpTo = Math.max(forgottenUpTo, t.sequence());
            it.remove();
        }
    }

    /** The catalog with new zonegroups; buckets of a zonegroup that left go with it. */
    private static Catalog withZonegroups(Catalog catalog, Zonegroups z) {
        boolean allKept = catalog.zonegroups().keySet().stream().allMatch(z.zonegroups()::containsKey);
        if (allKept) {
            return catalog.withZonegroups(z.zonegroups(), z.defaultZonegroup());
        }
        Catalog.Builder b = Catalog.builder(z.zonegroups(), z.defaultZonegroup(), catalog.size());
        catalog.forEachBucket((bucket, zg) -> {
            if (z.zonegroups().containsKey(zg.name())) {
                b.put(bucket, zg.name());
            }
        });
        LOG.info("catalog: zonegroups {} left the realm; their buckets are dropped",
                catalog.zonegroups().keySet().stream().filter(n -> !z.zonegroups().containsKey(n)).toList());
        return b.build(catalog.serial());
    }

    private static String nameOf(Zonegroup z) {
        return z == null ? null : z.name();
    }

    /** Stops the writer; events queued and not yet applied fail. The catalog in force stays. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
