package io.bucketdns.catalog;

/**
 * The catalog currently in force. Queries read {@link #current()} once and answer from that
 * snapshot. Only a {@link CatalogWriter} publishes new snapshots, atomically, so a reader never
 * sees half an update and no two writers race.
 */
public final class LiveCatalog {
    private final CatalogHealth health = new CatalogHealth();
    private volatile Catalog current;
    private volatile boolean loaded;

    /** Starts with the empty catalog; {@link #isLoaded()} stays false until a writer says the catalog is complete. */
    public LiveCatalog() {
        this.current = Catalog.empty();
    }

    /** A catalog that never changes: for one-shot tools and tests. */
    public static LiveCatalog of(Catalog fixed) {
        LiveCatalog live = new LiveCatalog();
        live.publish(fixed, true);
        return live;
    }

    /** The snapshot in force now. */
    public Catalog current() {
        return current;
    }

    /** Puts a snapshot in force; {@code complete}: it holds every bucket of its origin. */
    void publish(Catalog catalog, boolean complete) {
        current = catalog;
        if (complete) {
            loaded = true;
        }
    }

    /** How the source keeping this catalog fresh is doing. */
    public CatalogHealth health() {
        return health;
    }

    /** True once a source has delivered a complete catalog. */
    public boolean isLoaded() {
        return loaded;
    }
}
