package io.bucketdns.feed.haproxy;

import java.util.concurrent.TimeUnit;

/**
 * When the runtime sink next talks to HAProxy, on a monotonic clock in nanoseconds: with work to
 * push, at once, but never before a backoff after a failure has passed; with nothing to push, at
 * the next check, every {@value #CHECK_MILLIS} ms, which is how restarts and drift are seen.
 * After a failure the backoff doubles from {@value #MIN_BACKOFF_MILLIS} ms up to {@value
 * #MAX_BACKOFF_MILLIS} ms, so an HAProxy that is away costs a connection attempt every 10 s, and
 * one that is back is seen within that.
 *
 * <p>A value with no I/O and no clock of its own (the sink passes the time in), so each rule is
 * tested on its own.
 *
 * @param backoffMillis the last backoff, 0 after a success
 * @param retryAt no talk before this, even with work
 * @param checkAt without work, the next talk
 */
record Pace(long backoffMillis, long retryAt, long checkAt) {
    static final long CHECK_MILLIS = 2000;
    static final long MIN_BACKOFF_MILLIS = 200;
    static final long MAX_BACKOFF_MILLIS = 10_000;

    /** Before the first talk: due at once. */
    static final Pace START = new Pace(0, Long.MIN_VALUE, Long.MIN_VALUE);

    /** The next talk: {@code retryAt} with work, {@code checkAt} without. */
    long dueAt(boolean work) {
        return work ? retryAt : checkAt;
    }

    /** HAProxy took everything: work goes at once, the next check is a period away. */
    Pace succeeded(long now) {
        return new Pace(0, Long.MIN_VALUE, now + TimeUnit.MILLISECONDS.toNanos(CHECK_MILLIS));
    }

    /** HAProxy could not be reached or failed a command: wait longer each time, with or without work. */
    Pace failed(long now) {
        long backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(MIN_BACKOFF_MILLIS, backoffMillis * 2));
        long at = now + TimeUnit.MILLISECONDS.toNanos(backoff);
        return new Pace(backoff, at, at);
    }

    /** HAProxy answers but its map drifted: replace it at once, without forgetting a backoff still running down. */
    Pace drifted(long now) {
        return new Pace(backoffMillis, now, checkAt);
    }
}
