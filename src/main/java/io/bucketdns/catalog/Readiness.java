package io.bucketdns.catalog;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether this instance should get traffic: a catalog is loaded and, when the source has a
 * freshness bound, it confirmed the catalog recently enough. A load balancer or PowerDNS health
 * check takes an instance out while it answers from stale data, and puts it back once it catches up.
 */
public final class Readiness {
    /** The verdict, with the reason a human reads in the body of {@code /readyz}. */
    public record Verdict(boolean ready, String reason) {}

    private Readiness() {}

    /**
     * @param maxStaleness the longest time without a confirmed sync; null for sources that cannot
     *     go stale (the file source reads the file it serves)
     */
    public static Verdict of(LiveCatalog catalog, Duration maxStaleness, Instant now) {
        if (!catalog.isLoaded()) {
            return new Verdict(false, "catalog not loaded yet");
        }
        CatalogHealth health = catalog.health();
        if (maxStaleness == null) {
            return new Verdict(true, "catalog loaded: " + catalog.current().size() + " buckets");
        }
        Instant last = health.lastSync();
        if (last == null || Duration.between(last, now).compareTo(maxStaleness) > 0) {
            String since = last == null ? "never synced" : "last sync " + Duration.between(last, now).toSeconds() + " s ago";
            String error = health.lastError() == null ? "" : "; last error: " + health.lastError();
            return new Verdict(false, "catalog stale: " + since + " (max_staleness " + maxStaleness.toSeconds() + " s)" + error);
        }
        return new Verdict(true, "catalog fresh: " + catalog.current().size() + " buckets, last sync "
                + Duration.between(last, now).toSeconds() + " s ago");
    }
}
