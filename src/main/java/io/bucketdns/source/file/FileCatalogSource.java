package io.bucketdns.source.file;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.CatalogHistory;
import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.time.Scheduler;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A catalog read from a local bucket file ({@link BucketFile}) and reloaded when the file changes.
 *
 * <p>The file is polled (size, modification time, inode) every {@value #POLL_MILLIS} ms rather than
 * watched, because inotify misses atomic renames on some file systems and is absent on others; a
 * change is read once it has held still ({@link StableFile}) and answered within a second or so. A
 * file that fails to parse, or that has no buckets without saying so, is reported once, with its
 * line, and the last good catalog stays in force.
 *
 * <p>Threads: polls run on the source's own scheduler ({@code catalog-file-poller}), whose clock
 * also tells when a version has held still.
 */
public final class FileCatalogSource implements CatalogSource {
    static final long POLL_MILLIS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(FileCatalogSource.class);

    private final Path file;
    private final Map<String, Zonegroup> zonegroups;
    private final Zonegroup defaultZonegroup;
    private final Scheduler poller;
    private StableFile stable;
    private Object lastSeen;
    private Object lastReported;

    /**
     * The source {@code [catalog] source = file} names: its bucket file, the zonegroups of {@code
     * [zonegroup.NAME]}, unknown buckets sent to {@code default_zonegroup} or else the first one.
     */
    public static FileCatalogSource of(BucketDnsConfig config) {
        Map<String, Zonegroup> zonegroups = new LinkedHashMap<>();
        config.zonegroupHostnames().forEach((name, host) -> zonegroups.put(name, new Zonegroup(name, host)));
        String def = config.catalog().defaultZonegroup();
        // ConfigLoader guarantees a named default exists; without one, the first zonegroup configured.
        Zonegroup fallback = def != null ? zonegroups.get(def) : zonegroups.values().iterator().next();
        return new FileCatalogSource(config.catalog().file(), zonegroups, fallback);
    }

    /**
     * @param file the bucket file
     * @param zonegroups every zonegroup a line may name, with its hostname
     * @param defaultZonegroup where unknown buckets go; null for none
     */
    public FileCatalogSource(Path file, Map<String, Zonegroup> zonegroups, Zonegroup defaultZonegroup) {
        this(file, zonegroups, defaultZonegroup, Scheduler.thread("catalog-file-poller"));
    }

    /** The same, polling on {@code poller}: the source owns it and closes it. */
    FileCatalogSource(Path file, Map<String, Zonegroup> zonegroups, Zonegroup defaultZonegroup, Scheduler poller) {
        this.poller = poller;
        this.file = file;
        this.zonegroups = Collections.unmodifiableMap(new LinkedHashMap<>(zonegroups));
        this.defaultZonegroup = defaultZonegroup;
    }

    @Override
    public void start(CatalogWriter writer) {
        LiveCatalog target = writer.live();
        stable = new StableFile(file);
        lastSeen = stable.settled(poller.nanoTime());
        writer.replace(Catalog.of(zonegroups, defaultZonegroup, read(), target.current().serial()), Map.of()).join();
        target.health().fullLoadDone(poller.instant());
        LOG.info("catalog: {} buckets from {}", target.current().size(), file);
        poller.repeat(() -> poll(writer), Duration.ofMillis(POLL_MILLIS), Duration.ofMillis(POLL_MILLIS));
    }

    private void poll(CatalogWriter writer) {
        LiveCatalog target = writer.live();
        Object now = stable.settled(poller.nanoTime());
        if (Objects.equals(now, lastSeen)) {
            if (!Objects.equals(now, lastReported)) {
                target.health().synced(poller.instant());
            }
            return;
        }
        try {
            Map<String, String> buckets = read();
            Catalog current = target.current();
            StableFile.checkNotEmptied(file, buckets.size(), current.size());
            Map<String, String> changes = differences(current, buckets);
            if (changes.size() > CatalogHistory.MAX_CHANGES) {
                // more than a secondary would take as increments: one new table is cheaper than an overlay this big
                writer.replace(Catalog.of(zonegroups, defaultZonegroup, buckets, current.serial()), Map.of()).join();
            } else {
                writer.change(changes, Map.of()).join();
            }
            target.health().fullLoadDone(poller.instant());
            lastSeen = now;
            LOG.info("catalog: reloaded {}: {} buckets, {} changed", file, buckets.size(), changes.size());
        } catch (CatalogException e) {
            // Keep polling: the next save may fix it. Report each broken version once.
            lastSeen = now;
            target.health().failed(e.getMessage());
            if (!Objects.equals(now, lastReported)) {
                lastReported = now;
                LOG.error("catalog: {}; still answering from the previous catalog ({} buckets)", e.getMessage(), target.current().size());
            }
        } catch (RuntimeException e) {
            LOG.error("catalog: reloading {} failed; still answering from the previous catalog", file, e);
        }
    }

    /**
     * What the file changed, bucket by bucket (null: removed), so that a reload reaches the
     * catalog's listeners as the few buckets an edit touched: the HAProxy feed sends those alone,
     * and a secondary gets them by IXFR instead of the whole zone again.
     */
    static Map<String, String> differences(Catalog current, Map<String, String> buckets) {
        Map<String, String> changes = new HashMap<>();
        buckets.forEach((bucket, zonegroup) -> {
            Zonegroup was = current.zonegroupOf(bucket);
            if (was == null || !was.name().equals(zonegroup)) {
                changes.put(bucket, zonegroup);
            }
        });
        current.forEachBucket((bucket, zonegroup) -> {
            if (!buckets.containsKey(bucket)) {
                changes.put(bucket, null);
            }
        });
        return changes;
    }

    private Map<String, String> read() {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return BucketFile.read(file, in, zonegroups.keySet());
        } catch (IOException e) {
            throw new CatalogException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        poller.close();
    }
}
