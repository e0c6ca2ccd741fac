package io.bucketdns.feed.haproxy;

import io.bucketdns.catalog.Catalog;
import java.io.IOException;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the map file, what HAProxy loads when it starts or reloads, equal to the catalog: rewritten
 * whole ({@link MapFile}: temporary file, then rename) with the newest catalog, at most once a
 * second and never more than a fifth of the time, so a big catalog with a busy log does not keep
 * the disk busy. A failed write is logged once and tried again every {@value #RETRY_MILLIS} ms.
 *
 * <p>Its own thread (a {@link Job} on its own {@link Scheduler}) writes, so neither the catalog
 * writer nor a slow HAProxy ever waits on the disk, and the file stays current while the runtime
 * API is away.
 */
final class FileSink implements AutoCloseable {
    static final long MIN_GAP_MILLIS = 1000;
    /** The gap after a write is at least this many times what the write took. */
    static final int GAP_PER_COST = 4;
    static final long RETRY_MILLIS = 5000;
    /** The feed's: every part logs under the one name operators know and filter on. */
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyFeed.class);

    /** Writes the whole map of a catalog; returns the entries written. */
    @FunctionalInterface
    interface Writer {
        int write(Catalog catalog) throws IOException;
    }

    private final String map;
    private final Writer writer;
    private final InstantSource clock;
    private final AtomicReference<Catalog> latest = new AtomicReference<>();
    private final Job job;
    private volatile HaproxyFeed.Status status = HaproxyFeed.Status.NONE;

    // Owned by the job's thread.
    private Catalog written;
    private long dueAt = Long.MIN_VALUE;
    private boolean failing;

    /** @param map the file's name, for the log */
    FileSink(String map, Writer writer, InstantSource clock, Scheduler scheduler) {
        this.map = map;
        this.writer = writer;
        this.clock = clock;
        this.job = new Job(scheduler, this::step, () -> status = status.failed());
    }

    /** Notes the catalog now in force for the sink's thread; cheap, from the catalog writer's thread. */
    void offer(Catalog catalog) {
        latest.set(catalog);
        job.nudge();
    }

    /** What the sink has done: failures, and whether the file holds the catalog last offered. */
    HaproxyFeed.Status status() {
        return status;
    }

    private long step() {
        Catalog target = latest.get();
        if (target != written && job.now() >= dueAt) {
            write(target);
        }
        if (target == written) {
            status = status.agreed(clock.instant());
            return Job.IDLE;
        }
        status = status.disagreeing();
        return dueAt;
    }

    private void write(Catalog target) {
        try {
            long t0 = job.now();
            int n = writer.write(target);
            long cost = job.now() - t0;
            written = target;
            dueAt = job.now() + Math.max(TimeUnit.MILLISECONDS.toNanos(MIN_GAP_MILLIS), GAP_PER_COST * cost);
            if (failing) {
                LOG.info("haproxy: map file {} written again ({} entries)", map, n);
            }
            failing = false;
            LOG.debug("haproxy: map file {} written: {} entries in {} ms", map, n, cost / 1_000_000);
        } catch (IOException e) {
            status = status.failed();
            if (!failing) {
                LOG.error("haproxy: cannot write the map file {}: {}; fix: make its directory writable for bucketdns "
                        + "(HAProxy keeps the map it has; a restart of HAProxy would load the old file)", map, e.toString());
            }
            failing = true;
            dueAt = job.now() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
        }
    }

    /** Writes the newest catalog at once if the file lags, for the next HAProxy start; then stops the thread. */
    @Override
    public void close() {
        job.finish(() -> {
            Catalog target = latest.get();
            if (target != written) {
                write(target);
            }
        });
    }
}
