package io.bucketdns.catalog;

/**
 * Keeps a {@link LiveCatalog} fresh from somewhere: a local file, or the RGW Admin Ops API.
 *
 * <p>The contract is a full load followed by incremental changes: {@link #start} delivers a first
 * complete snapshot with {@link LiveCatalog#replace} (before it returns, when it can) and then
 * follows changes in the background, applying them with {@link LiveCatalog#update} and {@link
 * Catalog#withChanges}. When the source fails, the last good snapshot stays in force.
 */
public interface CatalogSource extends AutoCloseable, MissListener {
    /**
     * Loads the catalog and starts following changes.
     *
     * @throws CatalogException when the first load fails and there is nothing to answer from
     */
    void start(LiveCatalog target);

    /** Sources that cannot look a single bucket up ignore misses. */
    @Override
    default void onMiss(String bucket) {}

    /** Stops following changes; the catalog keeps its last snapshot. */
    @Override
    void close();
}
