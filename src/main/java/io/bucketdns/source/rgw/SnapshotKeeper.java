package io.bucketdns.source.rgw;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.source.file.CatalogSnapshot;
import io.bucketdns.time.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's snapshot on disk ({@code [catalog] snapshot}): the buckets, the log position
 * they are current with and a reconciliation's checkpoint, so that a restart answers at once and
 * goes on from where it was.
 *
 * <p>Put in force at start with today's configuration (hostnames and default zonegroup as
 * configured now, not as when it was written). Written when the catalog changed, at most once per
 * {@code every}, or ten times the last write's cost when that is more (ten million buckets take
 * seconds); when nothing changed and the log was read all through lately, touched instead, so
 * that a restart knows its position is still current. Written once more at close.
 *
 * <p>Threads: writes run on its own scheduler ({@code rgw-snapshot}), so a slow disk holds up
 * nothing else; {@link #load} runs at start before them, the last write at close after them.
 */
final class SnapshotKeeper implements AutoCloseable {
    // the lines keep the logger they always had: operators filter on it
    private static final Logger LOG = LoggerFactory.getLogger(RgwCatalogSource.class);

    private final Path file;
    private final CatalogWriter writer;
    private final Staleness staleness;
    private final Map<String, String> hostnameOverrides;
    private final String defaultSetting;
    private final Duration logSweep;
    private final Supplier<Duration> oldestRead;
    private final Scheduler scheduler;

    // Owned by the scheduler's thread.
    private long writtenSequence = -1;
    private String writtenPosition;
    private long lastWriteNanos;
    private long writeCostNanos;

    /**
     * @param hostnameOverrides zonegroup name to its configured hostname, put over the snapshot's
     * @param defaultSetting {@code [catalog] default_zonegroup}; null for the snapshot's own
     * @param logSweep {@code [catalog] log_sweep}: a touch needs every shard read within two sweeps
     * @param oldestRead the longest any log shard has gone unread; null while some never was
     * @param scheduler this keeper's own
     */
    SnapshotKeeper(Path file, CatalogWriter writer, Staleness staleness, Map<String, String> hostnameOverrides, String defaultSetting,
            Duration logSweep, Supplier<Duration> oldestRead, Scheduler scheduler) {
        this.file = file;
        this.writer = writer;
        this.staleness = staleness;
        this.hostnameOverrides = hostnameOverrides;
        this.defaultSetting = defaultSetting;
        this.logSweep = logSweep;
        this.oldestRead = oldestRead;
        this.scheduler = scheduler;
    }

    /** Puts the snapshot in force; null when there is none or it cannot be read (then it is said why). */
    CatalogSnapshot.Loaded load() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            CatalogSnapshot.Loaded s = CatalogSnapshot.read(file);
            Catalog c = s.catalog();
            Map<String, Zonegroup> zonegroups = new LinkedHashMap<>(c.zonegroups());
            hostnameOverrides.forEach((name, host) -> zonegroups.computeIfPresent(name, (n, z) -> z.withHostname(host)));
            String def = defaultSetting != null ? defaultSetting : c.defaultZonegroup() == null ? null : c.defaultZonegroup().name();
            writer.replace(c.withZonegroups(zonegroups, zonegroups.get(def)), s.marks()).join();
            staleness.loadedAsOf(s.currentAsOf());
            writtenSequence = writer.sequence();
            writtenPosition = s.marks().get(RgwCatalogSource.POSITION);
            LOG.info("catalog: {} buckets from snapshot {}, current as of {} ago", String.format("%,d", c.size()), file,
                    Staleness.describe(Duration.between(s.currentAsOf(), scheduler.instant())));
            return s;
        } catch (IOException | CatalogException e) {
            LOG.warn("catalog: ignoring snapshot {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** Looks every {@code every} from now on whether to write or touch. */
    void keepEvery(Duration every) {
        scheduler.repeat(this::keep, every, every);
    }

    private void keep() {
        if (!writer.live().isLoaded() && writer.state().mark(Reconciler.CHECKPOINT) == null) {
            return; // a partial first load without a checkpoint could not be resumed from
        }
        CatalogWriter.State state = writer.state();
        long now = scheduler.nanoTime();
        try {
            if (state.sequence() != writtenSequence) {
                if (now - lastWriteNanos < 10 * writeCostNanos) {
                    return;
                }
                CatalogSnapshot.write(file, state.catalog(), state.marks());
                writeCostNanos = scheduler.nanoTime() - now;
                lastWriteNanos = now;
                writtenSequence = state.sequence();
                writtenPosition = state.mark(RgwCatalogSource.POSITION);
                LOG.debug("catalog: snapshot {} written in {} ms", file, writeCostNanos / 1_000_000);
            } else {
                Duration oldest = oldestRead.get();
                if (oldest != null && oldest.compareTo(logSweep.multipliedBy(2)) < 0
                        && Objects.equals(writtenPosition, state.mark(RgwCatalogSource.POSITION)) && Files.exists(file)) {
                    Files.setLastModifiedTime(file, FileTime.from(scheduler.instant()));
                }
            }
        } catch (IOException e) {
            LOG.warn("catalog: cannot write snapshot {}: {}", file, e.toString());
        }
    }

    /** Stops the periodic writes, then writes what is in force, whatever changed. */
    @Override
    public void close() {
        scheduler.close();
        writtenSequence = -2;
        lastWriteNanos = 0;
        keep();
    }
}
