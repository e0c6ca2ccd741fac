package io.bucketdns.catalog;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The catalog currently in force. Queries read {@link #current()} once and answer from that
 * snapshot; sources swap in new snapshots atomically, so a reader never sees half an update.
 */
public final class LiveCatalog {
    private final AtomicReference<Catalog> current;
    private final CatalogHealth health = new CatalogHealth();
    private volatile boolean loaded;

    /** Starts with the empty catalog; {@link #isLoaded()} stays false until the first replace. */
    public LiveCatalog() {
        this.current = new AtomicReference<>(Catalog.empty());
    }

    /** The snapshot in force now. */
    public Catalog current() {
        return current.get();
    }

    /** Puts a complete new snapshot in force. */
    public void replace(Catalog catalog) {
        current.set(catalog);
        loaded = true;
    }

    /** Applies an update to whatever snapshot is in force, atomically with respect to other writers. */
    public Catalog update(UnaryOperator<Catalog> change) {
        return current.updateAndGet(change);
    }

    /** How the source keeping this catalog fresh is doing. */
    public CatalogHealth health() {
        return health;
    }

    /** True once a source has delivered a full catalog. */
    public boolean isLoaded() {
        return loaded;
    }
}
