package io.bucketdns.catalog;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Told about well-formed bucket names the catalog did not know when a question came in, so that a
 * source can look them up in RGW before the question is answered, and know them from then on. It
 * must return at once, never block the caller, and cope with floods of random names.
 */
@FunctionalInterface
public interface MissListener {
    /** What {@link #onMiss} returns when there is nothing to wait for: the name is not looked up. */
    CompletionStage<Void> NOT_LOOKED_UP = CompletableFuture.completedStage(null);

    /** A listener that never looks anything up. */
    MissListener NONE = bucket -> NOT_LOOKED_UP;

    /**
     * @param bucket the lowercase bucket name asked for
     * @return {@link #NOT_LOOKED_UP} at once when the name is not looked up (refused by the rate
     *     limit, known missing, no look-ups configured); otherwise a stage that completes once the
     *     catalog reflects the look-up (found or not), or when the question may wait no longer
     *     ({@code miss_wait}), whichever comes first. Askers of one name share one look-up.
     */
    CompletionStage<?> onMiss(String bucket);

    /**
     * Told about known buckets asked for, so that a source can check sooner whether they still
     * exist. Must return at once; the default ignores them.
     *
     * @param bucket the lowercase bucket name asked for
     */
    default void onKnown(String bucket) {}
}
