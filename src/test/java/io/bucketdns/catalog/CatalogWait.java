package io.bucketdns.catalog;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waiting, in unit tests, for the catalog to reach a state: woken by the writer at each change
 * it applies, never polled, and bounded so that a test that fails does so in time.
 */
public final class CatalogWait {
    private CatalogWait() {}

    /** Whether the catalog in force satisfies {@code condition} now or within {@code limit}. */
    public static boolean until(CatalogWriter writer, Duration limit, Predicate<Catalog> condition) {
        CountDownLatch held = new CountDownLatch(1);
        CatalogListener listener = change -> {
            if (condition.test(change.after())) {
                held.countDown();
            }
        };
        writer.addListener(listener);
        try {
            // checked after subscribing: a change applied in between is seen one way or the other
            return condition.test(writer.live().current()) || held.await(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            writer.removeListener(listener);
        }
    }
}
