package io.bucketdns.source.rgw;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogHealth;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the catalog may lag RGW, and the log lines that tell an operator: one when RGW stops
 * answering, a reminder every {@code reportEvery}, an error once the catalog is older than {@code
 * [catalog] max_staleness}, and one when RGW answers again. Thread-safe.
 */
final class Staleness {
    private static final Logger LOG = LoggerFactory.getLogger(Staleness.class);

    private final Duration max;
    private final Duration reportEvery;
    private final CatalogHealth health;
    private final InstantSource clock;
    private Instant lastSync;
    private Instant failingSince;
    private Instant lastReport;
    private boolean reportedStale;

    /**
     * @param health where readiness checks and metrics read the same facts
     * @param clock what "now" is when RGW fails or answers, so the reminders' spacing is tested exactly
     */
    Staleness(Duration max, Duration reportEvery, CatalogHealth health, InstantSource clock) {
        this.max = max;
        this.reportEvery = reportEvery;
        this.health = health;
        this.clock = clock;
    }

    /** The catalog in force is as recent as {@code when} (a snapshot's age). */
    synchronized void loadedAsOf(Instant when) {
        lastSync = when;
        health.syncedAsOf(when);
    }

    /** The catalog has just caught up with RGW. */
    synchronized void synced(Catalog catalog) {
        Instant now = clock.instant();
        if (failingSince != null) {
            LOG.info("rgw: answering again after {}; catalog up to date ({} buckets)", describe(Duration.between(failingSince, now)),
                    String.format("%,d", catalog.size()));
        }
        failingSince = null;
        reportedStale = false;
        lastSync = now;
        health.synced(now);
    }

    /** A request to RGW failed; the catalog in force stays. */
    synchronized void failed(RuntimeException e, Catalog catalog) {
        health.failed(e.getMessage());
        Instant now = clock.instant();
        String age = lastSync == null ? "of unknown age" : describe(Duration.between(lastSync, now)) + " old";
        if (failingSince == null) {
            failingSince = now;
            lastReport = now;
            LOG.warn("rgw: {}; answering from the last catalog ({} buckets, {})", e.getMessage(), String.format("%,d", catalog.size()), age);
        } else if (Duration.between(lastReport, now).compareTo(reportEvery) >= 0) {
            lastReport = now;
            LOG.warn("rgw: still failing since {} ({}); catalog {}", failingSince, e.getMessage(), age);
        }
        if (!reportedStale && lastSync != null && Duration.between(lastSync, now).compareTo(max) > 0) {
            reportedStale = true;
            LOG.error("catalog: stale: {} (more than max_staleness {}); new and deleted buckets are not seen until RGW answers", age,
                    describe(max));
        }
    }

    /** Time since the catalog last caught up with RGW; zero when it never did. */
    synchronized Duration sinceSync() {
        return lastSync == null ? Duration.ZERO : Duration.between(lastSync, clock.instant());
    }

    /** A duration as people say it: 45 s, 12 min, 3 h. */
    static String describe(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        return s < 7200 ? s / 60 + " min" : s / 3600 + " h";
    }
}
