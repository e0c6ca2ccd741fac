package io.bucketdns.feed.haproxy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.Zonegroup;
import java.util.function.BiConsumer;

/**
 * Which catalog buckets go into HAProxy's map, and how: the rules shared by the map file, the
 * runtime pushes and {@code check}, so that all three agree on what "the map matches the catalog"
 * means.
 *
 * <p>A bucket is left out when its zonegroup is the omitted one (the proxy's default backend
 * serves it) or when its name cannot be written as one map key: HAProxy splits a map line and a
 * runtime command on blanks, reads {@code #} as a comment, {@code ;} as the end of a command and
 * {@code \} and quotes as escapes. Such a bucket is routed by the default backend, like an unknown
 * one, and counted.
 */
public record MapEntries(String omitZonegroup) {
    /** True when {@code bucket} can be one HAProxy map key, written as is. */
    public static boolean holds(String bucket) {
        if (bucket.isEmpty() || bucket.charAt(0) == '#') {
            return false;
        }
        for (int i = 0; i < bucket.length(); i++) {
            char c = bucket.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == ';' || c == '\\' || c == '"' || c == '\'') {
                return false;
            }
        }
        return true;
    }

    /** The map value of {@code bucket} in {@code catalog}: its zonegroup's name, or null when it is not in the map. */
    public String valueOf(Catalog catalog, String bucket) {
        return valueOf(bucket, catalog.zonegroupOf(bucket));
    }

    private String valueOf(String bucket, Zonegroup zonegroup) {
        if (zonegroup == null || zonegroup.name().equals(omitZonegroup) || !holds(bucket)) {
            return null;
        }
        return zonegroup.name();
    }

    /**
     * Calls {@code entry} with every bucket of {@code catalog} that belongs in the map and its value.
     *
     * @return how many buckets were left out because their names cannot be map keys
     */
    public int forEach(Catalog catalog, BiConsumer<String, String> entry) {
        int[] unholdable = {0};
        catalog.forEachBucket((bucket, zonegroup) -> {
            String value = valueOf(bucket, zonegroup);
            if (value != null) {
                entry.accept(bucket, value);
            } else if (!holds(bucket)) {
                unholdable[0]++;
            }
        });
        return unholdable[0];
    }
}
