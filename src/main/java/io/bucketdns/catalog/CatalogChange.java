package io.bucketdns.catalog;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * What one step of the {@link CatalogWriter} changed, as its {@link CatalogListener}s are told.
 *
 * @param before the snapshot that was in force
 * @param after the snapshot now in force
 * @param buckets for an incremental change, every bucket that changed: its lowercase name to its
 *     zonegroup's name, or to null when it was removed; empty when {@code whole}
 * @param whole true when the whole catalog was replaced (a first load, a reloaded file, a
 *     snapshot read at start, buckets of a zonegroup that left): a consumer must re-read {@code
 *     after} rather than look at {@code buckets}
 */
public record CatalogChange(Catalog before, Catalog after, Map<String, String> buckets, boolean whole) {
    public CatalogChange {
        // a null value (removed) rules out Map.copyOf
        buckets = Collections.unmodifiableMap(new HashMap<>(buckets));
    }
}
