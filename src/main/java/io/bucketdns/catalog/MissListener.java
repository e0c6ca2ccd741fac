package io.bucketdns.catalog;

/**
 * Told about well-formed bucket names the catalog did not know when a question came in, so that a
 * source can look them up and know them from the next question on. Frontends call it after
 * answering (when {@code Answer.outcome().isMiss()}); it must return at once, never block the
 * answer, and cope with floods of random names.
 */
@FunctionalInterface
public interface MissListener {
    /** @param bucket the lowercase bucket name asked for */
    void onMiss(String bucket);

    /**
     * Told about known buckets asked for, so that a source can check sooner whether they still
     * exist. Must return at once; the default ignores them.
     *
     * @param bucket the lowercase bucket name asked for
     */
    default void onKnown(String bucket) {}
}
