package io.bucketdns.source.rgw;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.MissListener;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.time.Scheduler;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up buckets the catalog missed, so that a bucket the metadata log has not brought yet is
 * answered right the first time: the question waits for the look-up up to {@code miss_wait}, then
 * is answered from whatever the catalog knows.
 *
 * <p>Built to survive a flood of random names (a "water torture" attack): every asker of a name
 * being looked up shares that one look-up; a name found missing is not asked again for {@link
 * #NEGATIVE_TTL}; and at most {@code perSecond} look-ups start a second, the rest are refused at
 * once (answered by policy without waiting) rather than queued.
 *
 * <p>The negative cache is short on purpose: a bucket created right after a look-up found nothing
 * must be found by the next question a second later, whatever the log has brought by then.
 *
 * <p>Threads: questions call {@link #onMiss} from any thread; each look-up runs on a virtual
 * thread of its own (they block on RGW, a few hundred at most a second); the waits end on this
 * object's own scheduler ({@code rgw-miss-wait}), whose clock also paces the rate and the
 * negative cache.
 */
final class MissLookups implements MissListener, AutoCloseable {
    static final Duration NEGATIVE_TTL = Duration.ofMillis(500);
    /** Bounds the memory a flood can take: beyond it, the oldest negative entries go. */
    private static final int NEGATIVE_MAX = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(MissLookups.class);

    private final RateLimit rate;
    private final Duration wait;
    private final Scheduler scheduler;
    private final Function<String, Optional<String>> locate;
    private final CatalogWriter writer;
    private final LiveCatalog catalog;
    /** Each name being looked up, to the look-up's completion: askers share it. */
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Cache<String, Boolean> missing;

    /**
     * @param perSecond look-ups allowed per second
     * @param wait how long a question may wait for its look-up; zero: it never waits
     * @param locate a bucket's zonegroup name, empty when it does not exist; may throw {@link RgwException}
     * @param writer where a found bucket is added; it drops the finding when newer news about the
     *     bucket (the log's deletion) was applied while the look-up ran
     * @param scheduler this object's own
     */
    MissLookups(int perSecond, Duration wait, Function<String, Optional<String>> locate, CatalogWriter writer, Scheduler scheduler) {
        this.rate = new RateLimit(perSecond, scheduler::nanoTime);
        this.wait = wait;
        this.scheduler = scheduler;
        this.missing = Caffeine.newBuilder().ticker(scheduler::nanoTime).expireAfterWrite(NEGATIVE_TTL).maximumSize(NEGATIVE_MAX).build();
        this.locate = locate;
        this.writer = writer;
        this.catalog = writer.live();
    }

    @Override
    public CompletionStage<?> onMiss(String bucket) {
        CompletableFuture<Void> shared = inFlight.get(bucket);
        if (shared == null) {
            if (missing.getIfPresent(bucket) != null || catalog.current().zonegroupOf(bucket) != null) {
                return NOT_LOOKED_UP;
            }
            // the permit first: under a flood nearly every name is refused, and a refusal should cost
            // no more than that (a permit taken by a name another asker just started is simply lost)
            if (!rate.tryAcquire()) {
                catalog.health().missLookupRefused();
                return NOT_LOOKED_UP;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            shared = inFlight.putIfAbsent(bucket, mine);
            if (shared == null) {
                catalog.health().missLookup();
                Thread.ofVirtual().name("rgw-miss-lookup").start(() -> lookUp(bucket, mine));
                shared = mine;
            }
        }
        // each asker waits on its own copy: one asker's deadline must not end the others' wait
        if (wait.isZero()) {
            return NOT_LOOKED_UP;
        }
        CompletableFuture<Void> mine = shared.copy();
        scheduler.schedule(() -> mine.complete(null), wait);
        return mine;
    }

    private void lookUp(String bucket, CompletableFuture<Void> done) {
        CompletableFuture<?> reflected = CompletableFuture.completedFuture(null);
        try {
            long asOf = writer.sequence();
            Optional<String> zonegroup = locate.apply(bucket);
            if (zonegroup.isEmpty()) {
                missing.put(bucket, Boolean.TRUE);
            } else {
                reflected = writer.observe(Map.of(bucket, zonegroup.get()), asOf, Map.of());
                LOG.debug("catalog: {} found on demand in zonegroup {}", bucket, zonegroup.get());
            }
        } catch (RuntimeException e) { // RgwException, or a bug: the askers must not wait for nothing
            LOG.debug("catalog: on-demand look-up of {} failed: {}", bucket, e.toString());
        } finally {
            // askers go on once the catalog in force holds what was found
            reflected.whenComplete((c, e) -> {
                inFlight.remove(bucket, done);
                done.complete(null);
            });
        }
    }

    /** Ends the waits' clock; look-ups under way still end their askers' waits. */
    @Override
    public void close() {
        scheduler.close();
    }
}
