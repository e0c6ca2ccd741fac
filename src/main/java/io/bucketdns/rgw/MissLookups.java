package io.bucketdns.rgw;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.MissListener;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up buckets the catalog missed, in the background, so that a bucket the metadata log has not
 * brought yet is answered from the next query on. Built to survive a flood of random names (a
 * "water torture" attack): a name already being looked up is not looked up again; a name found
 * missing is not asked again for {@link #NEGATIVE_TTL}; and at most {@code perSecond} look-ups start
 * a second, the rest are dropped rather than queued. The query that missed is never delayed.
 */
final class MissLookups implements MissListener {
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(60);
    /** Bounds the memory a flood can take: beyond it, the oldest negative entries go. */
    private static final int NEGATIVE_MAX = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(MissLookups.class);

    private final RateLimit rate;
    private final Function<String, Optional<String>> locate;
    private final CatalogWriter writer;
    private final LiveCatalog catalog;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Cache<String, Boolean> missing = Caffeine.newBuilder().expireAfterWrite(NEGATIVE_TTL).maximumSize(NEGATIVE_MAX).build();

    /**
     * @param perSecond look-ups allowed per second
     * @param locate a bucket's zonegroup name, empty when it does not exist; may throw {@link RgwException}
     * @param writer where a found bucket is added; it drops the finding when newer news about the
     *     bucket (the log's deletion) was applied while the look-up ran
     */
    MissLookups(int perSecond, Function<String, Optional<String>> locate, CatalogWriter writer) {
        this.rate = new RateLimit(perSecond);
        this.locate = locate;
        this.writer = writer;
        this.catalog = writer.live();
    }

    @Override
    public void onMiss(String bucket) {
        if (missing.getIfPresent(bucket) != null || catalog.current().zonegroupOf(bucket) != null || !inFlight.add(bucket)) {
            return;
        }
        if (!rate.tryAcquire()) {
            inFlight.remove(bucket);
            catalog.health().missLookupRefused();
            return;
        }
        catalog.health().missLookup();
        Thread.ofVirtual().name("rgw-miss-lookup").start(() -> lookUp(bucket));
    }

    private void lookUp(String bucket) {
        try {
            long asOf = writer.sequence();
            Optional<String> zonegroup = locate.apply(bucket);
            if (zonegroup.isEmpty()) {
                missing.put(bucket, Boolean.TRUE);
                return;
            }
            writer.observe(Map.of(bucket, zonegroup.get()), asOf, Map.of());
            LOG.debug("catalog: {} found on demand in zonegroup {}", bucket, zonegroup.get());
        } catch (RgwException e) {
            LOG.debug("catalog: on-demand look-up of {} failed: {}", bucket, e.getMessage());
        } finally {
            inFlight.remove(bucket);
        }
    }
}
