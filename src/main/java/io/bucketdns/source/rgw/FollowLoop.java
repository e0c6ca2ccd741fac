package io.bucketdns.source.rgw;

import io.bucketdns.answer.BucketName;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.source.rgw.admin.AdminOps;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the metadata log: at each wake-up of its {@link ShardSchedule}, reads the shards due
 * ({@link MetadataLogFollower}) from the metadata master zone's gateways, locates the buckets
 * their entries name and hands what it found, with the new position, to the {@link CatalogWriter}.
 *
 * <p>While RGW does not answer it keeps trying at its pace and the catalog in force stays; when
 * RGW answers again after more than a sweep it reads every shard at once, after more than RGW
 * keeps its log ({@code trimHorizon}) it asks for a reconciliation too. A new period, or a
 * position the log no longer has, starts afresh from the log's current position with a
 * reconciliation for what was missed.
 *
 * <p>Threads: every round runs on this loop's own scheduler ({@code rgw-follow}), which alone
 * touches the position and the follow state; the start-up sets the first position before {@link
 * #start}. Questions call {@link #asked} from any thread ({@link ShardSchedule} is thread-safe).
 */
final class FollowLoop implements AutoCloseable {
    // the lines keep the logger they always had: operators filter on it
    private static final Logger LOG = LoggerFactory.getLogger(RgwCatalogSource.class);

    /**
     * When following reads.
     *
     * @param sweep every shard is read once per this ({@code [catalog] log_sweep}); the period is checked once per it too
     * @param hotFor a shard that had entries is read more often for this long
     * @param fresh a question for a known bucket reads its shard when it was read longer ago
     * @param trimHorizon a pause longer than this may have lost entries to RGW's log trimming
     */
    record Pace(Duration sweep, Duration hotFor, Duration fresh, Duration trimHorizon) {}

    private final MetadataLogFollower follower;
    private final ZonegroupMapWatcher maps;
    private final AdminOps api;
    private final BucketLocator locator;
    private final CatalogWriter writer;
    private final Staleness staleness;
    private final ReconciliationQueue reconciliations;
    private final Pace pace;
    private final Scheduler scheduler;
    private volatile ShardSchedule schedule;

    // Owned by the scheduler's thread.
    private MetadataLogFollower.Position position;
    private String resync;
    private Instant failingSince;
    private long lastPeriodCheck;

    /**
     * @param api where the buckets that entries name are looked up
     * @param reconciliations asked for one when the log cannot tell what was missed
     * @param scheduler this loop's own: its clock paces the shards
     */
    FollowLoop(MetadataLogFollower follower, ZonegroupMapWatcher maps, AdminOps api, BucketLocator locator, CatalogWriter writer,
            Staleness staleness, ReconciliationQueue reconciliations, Pace pace, Scheduler scheduler) {
        this.follower = follower;
        this.maps = maps;
        this.api = api;
        this.locator = locator;
        this.writer = writer;
        this.staleness = staleness;
        this.reconciliations = reconciliations;
        this.pace = pace;
        this.scheduler = scheduler;
        this.lastPeriodCheck = scheduler.nanoTime();
    }

    /**
     * Takes the log's current position as the one the catalog is current with, and keeps it with
     * the catalog, so that a snapshot taken from now on can be followed from.
     */
    void capture() {
        position = follower.capture(maps.logOps(), maps.map());
        writer.change(Map.of(), Map.of(RgwCatalogSource.POSITION, position.encode())).join();
        schedule = new ShardSchedule(position.markers().size(), pace.sweep(), pace.hotFor(), pace.fresh());
    }

    /** Follows from a position saved in a snapshot: every shard first, for whatever changed meanwhile. */
    void resumeFrom(MetadataLogFollower.Position saved) {
        position = saved;
        schedule = new ShardSchedule(saved.markers().size(), pace.sweep(), pace.hotFor(), pace.fresh());
        schedule.all();
    }

    /** The first round captures the position afresh and asks for a reconciliation, for {@code why}. */
    void resyncFirst(String why) {
        resync = why;
    }

    /** Starts following at once. */
    void start() {
        scheduler.execute(this::tick);
    }

    /** A question named a known bucket: its shard is read soon unless it was lately. */
    void asked(String bucket) {
        ShardSchedule s = schedule;
        if (s != null) {
            s.asked(MetadataLogFollower.shardOf(bucket, s.shards()), scheduler.nanoTime());
        }
    }

    /** The longest any shard has gone unread; null while following has not read every shard yet. */
    Duration oldestRead() {
        ShardSchedule s = schedule;
        return s == null ? null : s.oldestRead(scheduler.nanoTime());
    }

    /** One round, then the next one is scheduled. */
    private void tick() {
        try {
            round();
        } catch (RgwException e) {
            if (failingSince == null) {
                failingSince = scheduler.instant();
            }
            staleness.failed(e, writer.live().current());
        } catch (RuntimeException e) {
            LOG.error("catalog: reading the metadata log failed", e);
        } finally {
            if (!scheduler.isClosed()) {
                ShardSchedule s = schedule;
                long next = s == null ? ShardSchedule.WAKE.toMillis() : s.wake().toMillis();
                scheduler.schedule(this::tick, Duration.ofMillis(Math.max(1, next)));
            }
        }
    }

    private void round() {
        if (maps.map() == null) {
            maps.refresh();
        }
        if (resync != null) {
            String why = resync;
            capture();
            resync = null;
            reconciliations.request(null, why);
            return;
        }
        if (position == null) {
            return; // the first load's capture failed: the start failed, nothing to follow
        }
        ShardSchedule s = schedule;
        long now = scheduler.nanoTime();
        if (now - lastPeriodCheck > pace.sweep().toNanos()) { // once per sweep
            lastPeriodCheck = now;
            String outdated = MetadataLogFollower.outdated(position, maps.logOps().mdlogInfo());
            if (outdated != null) {
                resync = outdated;
                return;
            }
        }
        List<Integer> due = s.due(now);
        if (due.isEmpty()) {
            return;
        }
        MetadataLogFollower.Round round = follower.read(maps.logOps(), maps.map(), position, due);
        if (round.resync() != null) {
            resync = round.resync();
            return;
        }
        long asOf = writer.sequence();
        List<String> names = round.buckets().stream().filter(BucketName::isValid).toList();
        Map<String, String> changes = locator.locate(api, names, LOG, "ignored");
        boolean moved = !round.next().equals(position);
        if (!changes.isEmpty() || moved) {
            writer.observe(changes, asOf, moved ? Map.of(RgwCatalogSource.POSITION, round.next().encode()) : Map.of()).join();
        }
        position = round.next();
        s.read(due, round.active(), now);
        if (failingSince != null) {
            Duration paused = Duration.between(failingSince, scheduler.instant());
            failingSince = null;
            if (paused.compareTo(pace.sweep()) > 0) {
                s.all(); // catch up at once; after a shorter pause the sweep's next round does, at no extra cost
            }
            if (paused.compareTo(pace.trimHorizon()) > 0) {
                reconciliations.request(null, "following paused for " + Staleness.describe(paused) + "; the log may have been trimmed meanwhile");
            }
        }
        staleness.synced(writer.live().current());
        if (!changes.isEmpty()) {
            LOG.info("catalog: {}", describe(changes));
        }
    }

    private static String describe(Map<String, String> changes) {
        List<String> parts = new ArrayList<>();
        changes.entrySet().stream().limit(10).forEach(e -> parts.add(e.getValue() == null ? "-" + e.getKey() : "+" + e.getKey() + " (" + e.getValue() + ")"));
        return String.join(", ", parts) + (changes.size() > 10 ? " and " + (changes.size() - 10) + " more" : "");
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
