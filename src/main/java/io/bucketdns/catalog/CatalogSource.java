package io.bucketdns.catalog;

import java.util.concurrent.CompletionStage;

/**
 * Keeps a {@link LiveCatalog} fresh from somewhere: a local file, or the RGW Admin Ops API.
 *
 * <p>A source never writes the catalog itself: it hands what it learns to the {@link
 * CatalogWriter} (a first complete catalog, then changes and observations) and the writer applies
 * them in order. {@link #start} delivers a first catalog before it returns when it can, then
 * follows changes in the background. When the source fails, the last good snapshot stays in force.
 */
public interface CatalogSource extends AutoCloseable, MissListener {
    /**
     * Loads the catalog and starts following changes.
     *
     * @throws CatalogException when the first load fails and there is nothing to answer from
     */
    void start(CatalogWriter writer);

    /** Sources that cannot look a single bucket up ignore misses. */
    @Override
    default CompletionStage<?> onMiss(String bucket) {
        return NOT_LOOKED_UP;
    }

    /** Stops following changes; the catalog keeps its last snapshot. */
    @Override
    void close();
}
