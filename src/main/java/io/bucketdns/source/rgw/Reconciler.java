package io.bucketdns.source.rgw;

import io.bucketdns.answer.BucketName;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.AdminOps;
import io.bucketdns.source.rgw.admin.RgwException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the catalog in line with RGW's list of buckets: the first load, the periodic safety net,
 * and what follows a failover, a period change or a gap in following the log.
 *
 * <p>It lists every bucket name ({@value #PAGE} a request) and looks up only the names whose
 * presence differs from the catalog: a name RGW lists that the catalog lacks, a catalog bucket the
 * listing lacked. On an unchanged catalog of N buckets that is N/1000 requests; on an empty one (a
 * first load) it is two requests per bucket, the least the Admin Ops API allows (the entrypoint
 * names the current instance, whose info names the zonegroup).
 *
 * <p>What it finds goes to the {@link CatalogWriter} as observations made after the sequence read
 * before asking, so a reconciliation never undoes newer news from the log or a look-up. Each page
 * is applied with a checkpoint mark ({@link #CHECKPOINT}), kept in the on-disk snapshot: a
 * restart resumes the listing after the last page applied instead of starting over. A failed page
 * is retried with backoff (up to a minute between tries) until RGW answers or the source closes.
 */
final class Reconciler {
    /** Mark: the last name and listing marker of the last page applied, while a reconciliation is under way. */
    static final String CHECKPOINT = "rgw.reconcile";
    static final int PAGE = 1000;
    private static final long PROGRESS_NANOS = Duration.ofSeconds(10).toNanos();
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    /**
     * What one reconciliation did.
     *
     * @param listed bucket names listed
     * @param lookedUp names looked up because they differed
     * @param changed buckets the catalog gained, lost or moved
     * @param skipped names that can never be asked through DNS (tenanted, not DNS names)
     * @param seconds how long it took
     */
    record Result(long listed, long lookedUp, long changed, long skipped, double seconds) {
        String summary() {
            return String.format("%,d buckets listed in %.1f s (%,.0f/s), %,d looked up, %,d changed%s", listed, seconds,
                    listed / Math.max(seconds, 0.001), lookedUp, changed, skipped == 0 ? "" : String.format(", %,d skipped", skipped));
        }
    }

    /** Where a resumed listing starts: after {@code name}, with RGW's {@code marker}. */
    record Checkpoint(String name, String marker) {
        String encode() {
            return name + " " + marker;
        }

        static Checkpoint decode(String mark) {
            if (mark == null || mark.indexOf(' ') <= 0) {
                return null;
            }
            int space = mark.indexOf(' ');
            return new Checkpoint(mark.substring(0, space), mark.substring(space + 1));
        }
    }

    private final AdminOps api;
    private final CatalogWriter writer;
    private final BucketLocator locator;
    private final Staleness staleness;
    private final Duration firstBackoff;

    /**
     * @param api where to list and look up (spread over the realm's gateways)
     * @param locator names the zonegroups the look-ups find
     * @param staleness told about failures and successes
     * @param firstBackoff the first wait before retrying a failed page; doubles up to a minute
     */
    Reconciler(AdminOps api, CatalogWriter writer, BucketLocator locator, Staleness staleness, Duration firstBackoff) {
        this.api = api;
        this.writer = writer;
        this.locator = locator;
        this.staleness = staleness;
        this.firstBackoff = firstBackoff;
    }

    /**
     * Reconciles the catalog with RGW, blocking until done; then says the catalog is complete.
     *
     * @param resume where to resume an interrupted reconciliation; null to list from the start
     * @throws RgwException only when interrupted (the source closes)
     */
    Result run(Checkpoint resume, String reason) {
        long start = System.nanoTime();
        Catalog before = writer.state().catalog();
        NameHashes listed = new NameHashes(before.size());
        String marker = resume == null ? null : resume.marker();
        long lookedUp = 0;
        long changed = 0;
        long skipped = 0;
        long lastReport = start;
        LOG.info("catalog: reconciling with RGW ({}){}", reason, resume == null ? "" : ", resuming after " + resume.name());
        do {
            String from = marker;
            AdminApi.BucketPage page = retrying("list buckets after " + (from == null ? "the start" : from), () -> api.listBuckets(from, PAGE));
            if (page.truncated() && page.nextMarker().equals(marker)) {
                throw new RgwException("GET /admin/metadata/bucket: the listing does not advance (marker " + marker + ")", 200, "", null);
            }
            List<String> differ = new ArrayList<>();
            Catalog now = writer.live().current();
            String last = null;
            for (String name : page.keys()) {
                if (name.indexOf('/') >= 0 || !BucketName.isValid(name)) {
                    skipped++;
                    continue;
                }
                listed.add(name);
                last = name;
                if (now.zonegroupOf(name) == null) {
                    differ.add(name);
                }
            }
            marker = page.nextMarker();
            Map<String, String> marks = new HashMap<>();
            marks.put(CHECKPOINT, marker == null || last == null ? null : new Checkpoint(last, marker).encode());
            changed += apply(differ, marks);
            lookedUp += differ.size();
            writer.live().health().reconciling(listed.size(), before.size());
            long t = System.nanoTime();
            if (t - lastReport > PROGRESS_NANOS) {
                lastReport = t;
                report(reason, listed.size(), lookedUp, before.size(), t - start);
            }
        } while (marker != null);

        String after = resume == null ? null : resume.name();
        List<String> unlisted = new ArrayList<>();
        before.forEachBucket((bucket, zonegroup) -> {
            if ((after == null || bucket.compareTo(after) > 0) && !listed.contains(bucket)) {
                unlisted.add(bucket);
            }
        });
        for (int i = 0; i < unlisted.size(); i += PAGE) {
            List<String> chunk = unlisted.subList(i, Math.min(unlisted.size(), i + PAGE));
            changed += apply(chunk, Map.of());
            lookedUp += chunk.size();
        }
        Map<String, String> done = new HashMap<>();
        done.put(CHECKPOINT, null);
        writer.observe(Map.of(), writer.sequence(), done).join();
        writer.complete().join();
        writer.live().health().reconciling(0, 0);
        staleness.synced(writer.live().current());
        return new Result(listed.size(), lookedUp, changed, skipped, (System.nanoTime() - start) / 1e9);
    }

    /** Looks the names up and hands what RGW says to the writer; the number of buckets that changed. */
    private long apply(List<String> names, Map<String, String> marks) {
        if (names.isEmpty() && marks.isEmpty()) {
            return 0;
        }
        long[] asOf = {writer.sequence()};
        List<Optional<String>> ids = names.isEmpty() ? List.of() : retrying("look up " + names.size() + " buckets", () -> {
            asOf[0] = writer.sequence(); // each attempt is news as of its own start
            return locator.ids(api, names);
        });
        Map<String, String> found = locator.names(names, ids, LOG, "skipped");
        Catalog before = writer.live().current();
        Catalog after = writer.observe(found, asOf[0], marks).join();
        return found.entrySet().stream().filter(e -> !java.util.Objects.equals(name(before.zonegroupOf(e.getKey())), e.getValue())
                && java.util.Objects.equals(name(after.zonegroupOf(e.getKey())), e.getValue())).count();
    }

    private static String name(io.bucketdns.catalog.Zonegroup z) {
        return z == null ? null : z.name();
    }

    /** Calls RGW until it answers: a blip in a long load costs a retry, never a restart. */
    private <T> T retrying(String what, Supplier<T> call) {
        Duration wait = firstBackoff;
        while (true) {
            try {
                T result = call.get();
                return result;
            } catch (RgwException e) {
                if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                    throw e;
                }
                staleness.failed(new RgwException("reconciling: " + what + ": " + e.getMessage(), e.status(), e.code(), e),
                        writer.live().current());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new RgwException("interrupted", 0, "", ie);
                }
                wait = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
            }
        }
    }

    private static void report(String reason, long listed, long lookedUp, long expected, long nanos) {
        double s = nanos / 1e9;
        double rate = listed / Math.max(s, 0.001);
        String eta = expected > listed && rate > 0 ? ", about " + Staleness.describe(Duration.ofSeconds((long) ((expected - listed) / rate)))
                + " left" : "";
        LOG.info("catalog: reconciling ({}): {} names listed in {} ({}/s), {} looked up{}", reason, String.format("%,d", listed),
                Staleness.describe(Duration.ofNanos(nanos)), String.format("%,.0f", rate), String.format("%,d", lookedUp), eta);
    }
}
