package io.bucketdns;

import java.time.Duration;

/** Waiting, in tests, for something that happens in the background: bounded, polled, never forever. */
public final class Eventually {
    private static final long POLL_MILLIS = 20;

    /** A condition that may fail while it is checked (a query that cannot be sent yet, say). */
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Eventually() {}

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
