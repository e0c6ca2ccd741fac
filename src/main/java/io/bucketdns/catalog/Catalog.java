package io.bucketdns.catalog;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable snapshot of which bucket lives in which zonegroup, and where each zonegroup is
 * reached. Readers take a snapshot and never lock; writers build a new one and swap it in
 * {@link LiveCatalog}.
 *
 * <p>Incremental changes ({@link #withChanges}) go to a small overlay on top of the shared base
 * map, so following a busy metadata log does not copy millions of entries per change; the overlay
 * is folded into a new base once it grows past {@value #MAX_OVERLAY} entries.
 */
public final class Catalog {
    static final int MAX_OVERLAY = 4096;

    /** Overlay value that marks a bucket removed since the base was built. */
    private static final Zonegroup REMOVED = new Zonegroup("", "");

    private final Map<String, Zonegroup> base;
    private final Map<String, Zonegroup> overlay;
    private final int size;
    private final Map<String, Zonegroup> zonegroups;
    private final Zonegroup defaultZonegroup;
    private final long serial;
    private final Instant updatedAt;

    private Catalog(
            Map<String, Zonegroup> base,
            Map<String, Zonegroup> overlay,
            int size,
            Map<String, Zonegroup> zonegroups,
            Zonegroup defaultZonegroup,
            long serial,
            Instant updatedAt) {
        this.base = base;
        this.overlay = overlay;
        this.size = size;
        this.zonegroups = zonegroups;
        this.defaultZonegroup = defaultZonegroup;
        this.serial = serial;
        this.updatedAt = updatedAt;
    }

    /** A catalog with no zonegroups and no buckets: every bucket is unknown. */
    public static Catalog empty() {
        return new Catalog(Map.of(), Map.of(), 0, Map.of(), null, 0, Instant.EPOCH);
    }

    /**
     * Builds a full snapshot.
     *
     * @param zonegroups every zonegroup by name
     * @param defaultZonegroup the zonegroup unknown buckets go to; null for none
     * @param buckets lowercase bucket name to zonegroup name; every zonegroup must be in {@code
     *     zonegroups}
     * @param previousSerial the serial of the snapshot this one replaces (0 for none)
     * @throws IllegalArgumentException when a bucket names a zonegroup that is not given
     */
    public static Catalog of(
            Map<String, Zonegroup> zonegroups, Zonegroup defaultZonegroup, Map<String, String> buckets, long previousSerial) {
        Map<String, Zonegroup> zg = Collections.unmodifiableMap(new LinkedHashMap<>(zonegroups));
        Map<String, Zonegroup> map = HashMap.newHashMap(buckets.size());
        for (Map.Entry<String, String> e : buckets.entrySet()) {
            Zonegroup z = zg.get(e.getValue());
            if (z == null) {
                throw new IllegalArgumentException("bucket " + e.getKey() + " is in zonegroup " + e.getValue() + ", which is not known");
            }
            map.put(e.getKey(), z);
        }
        return new Catalog(map, Map.of(), map.size(), zg, defaultZonegroup, nextSerial(previousSerial), Instant.now());
    }

    /** The zonegroup of a lowercase bucket name, or null when the bucket is not known. */
    public Zonegroup zonegroupOf(String bucket) {
        if (!overlay.isEmpty()) {
            Zonegroup z = overlay.get(bucket);
            if (z != null) {
                return z == REMOVED ? null : z;
            }
        }
        return base.get(bucket);
    }

    /**
     * A new snapshot with buckets added, moved or removed.
     *
     * @param changes lowercase bucket name to zonegroup name, or to null for a removed bucket
     * @throws IllegalArgumentException when a change names an unknown zonegroup
     */
    public Catalog withChanges(Map<String, String> changes) {
        if (changes.isEmpty()) {
            return this;
        }
        Map<String, Zonegroup> next = new HashMap<>(overlay);
        int newSize = size;
        for (Map.Entry<String, String> e : changes.entrySet()) {
            boolean existed = zonegroupOf(e.getKey()) != null;
            Zonegroup z = REMOVED;
            if (e.getValue() != null) {
                z = zonegroups.get(e.getValue());
                if (z == null) {
                    throw new IllegalArgumentException("bucket " + e.getKey() + " is in zonegroup " + e.getValue() + ", which is not known");
                }
            }
            next.put(e.getKey(), z);
            newSize += (z != REMOVED ? 1 : 0) - (existed ? 1 : 0);
        }
        if (next.size() > MAX_OVERLAY) {
            Map<String, Zonegroup> merged = HashMap.newHashMap(newSize);
            merged.putAll(base);
            next.forEach((k, v) -> {
                if (v == REMOVED) {
                    merged.remove(k);
                } else {
                    merged.put(k, v);
                }
            });
            return new Catalog(merged, Map.of(), merged.size(), zonegroups, defaultZonegroup, nextSerial(serial), Instant.now());
        }
        return new Catalog(base, next, newSize, zonegroups, defaultZonegroup, nextSerial(serial), Instant.now());
    }

    /** Calls {@code action} with every known bucket and its zonegroup, in no particular order. */
    public void forEachBucket(BiConsumer<String, Zonegroup> action) {
        base.forEach((k, v) -> {
            if (!overlay.containsKey(k)) {
                action.accept(k, v);
            }
        });
        overlay.forEach((k, v) -> {
            if (v != REMOVED) {
                action.accept(k, v);
            }
        });
    }

    /** How many buckets are known. */
    public int size() {
        return size;
    }

    /** Every zonegroup by name. */
    public Map<String, Zonegroup> zonegroups() {
        return zonegroups;
    }

    /** Where unknown buckets are sent; null when there is no default. */
    public Zonegroup defaultZonegroup() {
        return defaultZonegroup;
    }

    /**
     * A number that grows with every change of the catalog, usable as an SOA serial: seconds since
     * the epoch, bumped by one when two snapshots fall in the same second.
     */
    public long serial() {
        return serial;
    }

    /** When this snapshot was made. */
    public Instant updatedAt() {
        return updatedAt;
    }

    private static long nextSerial(long previous) {
        long now = Instant.now().getEpochSecond() & 0xFFFF_FFFFL;
        return now > previous ? now : previous + 1;
    }
}
