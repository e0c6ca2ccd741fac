package io.bucketdns.e2e;

import java.time.Duration;

/**
 * Waiting, in end-to-end tests, for real processes (PowerDNS, radosgw, HAProxy, bucketdns itself)
 * to get somewhere: bounded, never forever, and polled, because another process gives no signal
 * to wait on. Unit tests wait on a signal of the code under test instead (a latch, a listener).
 */
public final class E2EWait {
    private static final long POLL_MILLIS = 20;

    /** A condition that may fail while it is checked (a query that cannot be sent yet, say). */
    public interface Condition {
        boolean holds() throws Exception;
    }

    private E2EWait() {}

    /**
     * Polls {@code condition} until it holds or {@code limit} has passed; a condition that throws
     * counts as not holding yet.
     *
     * @return whether it held in time (it is checked once more at the deadline)
     */
    public static boolean within(Duration limit, Condition condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (check(condition)) {
                return true;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return check(condition);
    }

    private static boolean check(Condition condition) {
        try {
            return condition.holds();
        } catch (Exception e) {
            return false;
        }
    }
}
