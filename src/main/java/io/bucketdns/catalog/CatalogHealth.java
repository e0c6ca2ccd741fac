package io.bucketdns.catalog;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How well a catalog source keeps up, for readiness checks and metrics: when it last confirmed the
 * catalog is current, how often it failed, how many full loads and on-demand look-ups it made.
 * Sources write, ops readers read; every field is safe to read at any time.
 */
public final class CatalogHealth {
    private volatile Instant lastSync;
    private volatile String lastError;
    private volatile long reconcileListed;
    private volatile long reconcileExpected;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong fullLoads = new AtomicLong();
    private final AtomicLong missLookups = new AtomicLong();
    private final AtomicLong missLookupsRefused = new AtomicLong();

    /** The source has just ({@code now}, by its clock) confirmed that the catalog matches its origin. */
    public void synced(Instant now) {
        lastSync = now;
        lastError = null;
    }

    /** The catalog in force is as current as {@code when}: a snapshot read at start, written then. */
    public void syncedAsOf(Instant when) {
        lastSync = when;
    }

    /** A sync attempt failed; the catalog in force is kept. */
    public void failed(String why) {
        errors.incrementAndGet();
        lastError = why;
    }

    /** A full load (the first, or a re-list) completed {@code now}, by the source's clock. */
    public void fullLoadDone(Instant now) {
        fullLoads.incrementAndGet();
        synced(now);
    }

    /**
     * How far the reconciliation under way has come: names listed so far, and how many it expects
     * (0 for both when none runs).
     */
    public void reconciling(long listed, long expected) {
        reconcileListed = listed;
        reconcileExpected = expected;
    }

    public long reconcileListed() {
        return reconcileListed;
    }

    public long reconcileExpected() {
        return reconcileExpected;
    }

    /** An on-demand look-up of an unknown bucket was made. */
    public void missLookup() {
        missLookups.incrementAndGet();
    }

    /** An on-demand look-up was skipped because of the rate limit. */
    public void missLookupRefused() {
        missLookupsRefused.incrementAndGet();
    }

    /** When the catalog was last confirmed current; null before the first sync. */
    public Instant lastSync() {
        return lastSync;
    }

    /** The last failure since the last success, or null. */
    public String lastError() {
        return lastError;
    }

    public long errors() {
        return errors.get();
    }

    public long fullLoads() {
        return fullLoads.get();
    }

    public long missLookups() {
        return missLookups.get();
    }

    public long missLookupsRefused() {
        return missLookupsRefused.get();
    }
}
