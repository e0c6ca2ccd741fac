package io.bucketdns.feed.haproxy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogChange;
import io.bucketdns.catalog.CatalogListener;
import io.bucketdns.config.BucketDnsConfig;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Keeps HAProxy's bucket map equal to the catalog, and its region map ({@link RegionMap}) equal to
 * the catalog's zonegroups: the map files on disk ({@link FileSink}, what HAProxy loads when it
 * starts or reloads) and, through the runtime API, the maps in the running HAProxy ({@link
 * RuntimeSink}).
 *
 * <p>This class has no thread of its own: it hands the catalog writer's changes to the sinks on
 * the writer's thread, and holds them back until the catalog is loaded, since an empty or
 * half-loaded catalog would empty HAProxy's map. Each sink owns a thread ({@link Scheduler}), so
 * the disk and HAProxy never wait on each other, and neither ever holds up the writer, hence DNS
 * answering. Time comes from the clock and schedulers given to {@link #create(BucketDnsConfig.Haproxy,
 * BooleanSupplier, InstantSource, Function)}, so unit tests run every deadline on fake time.
 */
public final class HaproxyFeed implements CatalogListener, AutoCloseable {
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
            boolean agrees) {
        static final Status NONE = new Status(-1, 0, 0, 0, 0, null, false);

        // Each sink publishes its own Status, replaced whole on its thread, read from any.

        Status withEntries(long counted) {
            return new Status(counted, changesPushed, replacements, failures, unmappable, agreedAt, agrees);
        }

        Status pushed(long changes) {
            return new Status(entries, changesPushed + changes, replacements, failures, unmappable, agreedAt, agrees);
        }

        Status replaced(long leftOut) {
            return new Status(entries, changesPushed, replacements + 1, failures, leftOut, agreedAt, agrees);
        }

        Status failed() {
            return plusFailures(1);
        }

        Status plusFailures(long more) {
            return new Status(entries, changesPushed, replacements, failures + more, unmappable, agreedAt, agrees);
        }

        Status agreed(Instant at) {
            return new Status(entries, changesPushed, replacements, failures, unmappable, at, true);
        }

        Status disagreeing() {
            return agrees ? new Status(entries, changesPushed, replacements, failures, unmappable, agreedAt, false) : this;
        }
    }

    private final BooleanSupplier loaded;
    private final FileSink file;
    private final RuntimeSink runtime;

    // Guarded by this: the writer's thread and the starting thread both tell.
    private Catalog latest = Catalog.empty();
    private boolean sawChange;
    private boolean started;
    private boolean flowing;

    private HaproxyFeed(BooleanSupplier loaded, FileSink file, RuntimeSink runtime) {
        this.loaded = loaded;
        this.file = file;
        this.runtime = runtime;
    }

    /**
     * A feed that does nothing yet: the caller subscribes it to the catalog writer first, then
     * calls {@link #start} with the catalog in force, so that no change falls in between.
     *
     * @param loaded whether the catalog in force holds every bucket ({@link
     *     io.bucketdns.catalog.LiveCatalog#isLoaded()}): until then neither the file nor HAProxy
     *     is touched, so a restarting bucketdns never empties a map HAProxy routes with
     */
    public static HaproxyFeed create(BucketDnsConfig.Haproxy settings, BooleanSupplier loaded) {
        return create(settings, loaded, InstantSource.system(), Scheduler::onThread);
    }

    /** As {@link #create(BucketDnsConfig.Haproxy, BooleanSupplier)}, on the given clock and schedulers (by thread name). */
    static HaproxyFeed create(BucketDnsConfig.Haproxy settings, BooleanSupplier loaded, InstantSource clock,
            Function<String, Scheduler> schedulers) {
        MapEntries entries = new MapEntries(settings.omitZonegroup());
        String map = settings.map().toString();
        FileSink file = new FileSink(map, catalog -> {
            RegionMap.write(settings.regionMap(), catalog);
            return MapFile.write(settings.map(), catalog, entries);
        }, clock, schedulers.apply("haproxy-feed-file"));
        RuntimeSink runtime = settings.runtimeSocket() == null ? null
                : new RuntimeSink(settings.runtimeSocket(), map, settings.regionMap().toString(), entries, clock,
                        schedulers.apply("haproxy-feed-runtime"));
        return new HaproxyFeed(loaded, file, runtime);
    }

    /**
     * Starts feeding from {@code current}, the catalog in force after this feed was subscribed
     * (or from whatever change arrived since, which is newer).
     */
    public synchronized HaproxyFeed start(Catalog current) {
        if (!sawChange) {
            latest = current;
        }
        started = true;
        forward(null);
        return this;
    }

    @Override
    public synchronized void onChange(CatalogChange change) {
        latest = change.after();
        sawChange = true;
        forward(change);
    }

    /**
     * Hands {@code change} to the sinks, or, for the first one after the catalog is loaded, the
     * whole catalog. No polling is needed for that: the writer puts a complete catalog in force
     * before it tells the change, so {@link #loaded} is true by the time that change is told.
     */
    private void forward(CatalogChange change) {
        if (!started) {
            return;
        }
        if (!flowing) {
            if (!loaded.getAsBoolean()) {
                return;
            }
            flowing = true;
            change = new CatalogChange(latest, latest, Map.of(), true);
        }
        file.offer(change.after());
        if (runtime != null) {
            runtime.offer(change);
        }
    }

    /** What the feed has done so far. */
    public Status status() {
        Status f = file.status();
        if (runtime == null) {
            return f;
        }
        return runtime.status().plusFailures(f.failures());
    }

    /** Stops both threads, the file's after bringing the file up to date for HAProxy's next start; HAProxy keeps its map. */
    @Override
    public void close() {
        file.close();
        if (runtime != null) {
            runtime.close();
        }
    }
}
