package io.bucketdns.source.rgw;

import java.util.function.LongSupplier;

/**
 * A token bucket: at most {@code perSecond} permits a second on average, and bursts of at most
 * {@code perSecond}. Never blocks: a caller without a permit simply goes without. Thread-safe.
 */
final class RateLimit {
    private final LongSupplier nanoTime;
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    /** @param nanoTime the clock that refills it, as {@link System#nanoTime()} */
    RateLimit(int perSecond, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.perNano = perSecond / 1e9;
        this.burst = perSecond;
        this.tokens = perSecond;
        this.last = nanoTime.getAsLong();
    }

    /** Takes a permit when one is left. */
    synchronized boolean tryAcquire() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
