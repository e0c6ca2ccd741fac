package io.bucketdns.catalog;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An immutable snapshot of which bucket lives in which zonegroup, and where each zonegroup is
 * reached. Readers take a snapshot and never lock; writers build a new one and swap it in
 * {@link LiveCatalog}.
 *
 * <p>The buckets live in a compact {@link BucketTable} (some 35 bytes a bucket, so ten million fit
 * in well under a gigabyte of heap). Incremental changes ({@link #withChanges}) go to a small
 * overlay on top of that shared table, so following a busy metadata log does not copy millions of
 * entries per change; the overlay is folded into a new table once it outgrows {@value
 * #MAX_OVERLAY} entries or 1/{@value #OVERLAY_SHARE} of the table, whichever is larger, which
 * keeps the copying per change bounded.
 *
 * <p>For empty non-terminals ({@code ab} when bucket {@code x.ab} exists) it also counts the
 * dotted buckets below each name: only dotted buckets add entries, so ten million plain names
 * cost nothing, and changes go to a small delta beside the counts, folded with the overlay.
 */
public final class Catalog {
    static final int MAX_OVERLAY = 4096;
    static final int OVERLAY_SHARE = 64;

    /** Overlay value that marks a bucket removed since the base was built. */
    private static final Zonegroup REMOVED = new Zonegroup("", "");

    private final BucketTable base;
    /** The zonegroup of each table index. */
    private final Zonegroup[] indexed;
    private final Map<String, Zonegroup> overlay;
    /** Dotted buckets below each proper suffix of a dotted bucket name in {@link #base}. */
    private final Map<String, Integer> below;
    /** Changes to {@link #below} made by {@link #overlay}. */
    private final Map<String, Integer> belowDelta;
    private final int size;
    private final Map<String, Zonegroup> zonegroups;
    private final Zonegroup defaultZonegroup;
    private final long serial;
    private final Instant updatedAt;

    private Catalog(
            BucketTable base,
            Zonegroup[] indexed,
            Map<String, Zonegroup> overlay,
            Map<String, Integer> below,
            Map<String, Integer> belowDelta,
            int size,
            Map<String, Zonegroup> zonegroups,
            Zonegroup defaultZonegroup,
            long serial,
            Instant updatedAt) {
        this.base = base;
        this.indexed = indexed;
        this.overlay = overlay;
        this.below = below;
        this.belowDelta = belowDelta;
        this.size = size;
        this.zonegroups = zonegroups;
        this.defaultZonegroup = defaultZonegroup;
        this.serial = serial;
        this.updatedAt = updatedAt;
    }

    /** A catalog with no zonegroups and no buckets: every bucket is unknown. */
    public static Catalog empty() {
        return new Catalog(BucketTable.empty(), new Zonegroup[0], Map.of(), Map.of(), Map.of(), 0, Map.of(), null, 0, Instant.EPOCH);
    }

    /**
     * Builds a full snapshot.
     *
     * @param zonegroups every zonegroup by name
     * @param defaultZonegroup the zonegroup unknown buckets go to; null for none
     * @param buckets lowercase bucket name to zonegroup name; every zonegroup must be in {@code
     *     zonegroups}
     * @param previousSerial the serial of the snapshot this one replaces (0 for none)
     * @throws IllegalArgumentException when a bucket names a zonegroup that is not given, or a name
     *     is not 1 to 255 ASCII characters
     */
    public static Catalog of(
            Map<String, Zonegroup> zonegroups, Zonegroup defaultZonegroup, Map<String, String> buckets, long previousSerial) {
        Builder b = builder(zonegroups, defaultZonegroup, buckets.size());
        buckets.forEach(b::put);
        return b.build(previousSerial);
    }

    /**
     * Starts a full snapshot that is filled one bucket at a time, so that millions of buckets need
     * no intermediate map.
     *
     * @param zonegroups every zonegroup by name (at most 256)
     * @param defaultZonegroup the zonegroup unknown buckets go to; null for none
     * @param expectedBuckets a size hint
     */
    public static Builder builder(Map<String, Zonegroup> zonegroups, Zonegroup defaultZonegroup, int expectedBuckets) {
        return new Builder(zonegroups, defaultZonegroup, expectedBuckets);
    }

    /** Collects the buckets of a new snapshot; not thread-safe. */
    public static final class Builder {
        private final Map<String, Zonegroup> zonegroups;
        private final Zonegroup defaultZonegroup;
        private final Map<String, Integer> indexes = new HashMap<>();
        /** The dotted buckets put, for {@link #below}: later puts of a name win, so count at the end. */
        private final Set<String> dotted = new HashSet<>();
        private final BucketTable.Builder table;

        private Builder(Map<String, Zonegroup> zonegroups, Zonegroup defaultZonegroup, int expectedBuckets) {
            if (zonegroups.size() > BucketTable.MAX_ZONEGROUPS) {
                throw new IllegalArgumentException(zonegroups.size() + " zonegroups; at most " + BucketTable.MAX_ZONEGROUPS + " are supported");
            }
            this.zonegroups = Collections.unmodifiableMap(new LinkedHashMap<>(zonegroups));
            this.defaultZonegroup = defaultZonegroup;
            for (String name : this.zonegroups.keySet()) {
                indexes.put(name, indexes.size());
            }
            this.table = new BucketTable.Builder(expectedBuckets);
        }

        /**
         * Puts a bucket in a zonegroup; a later call for the same bucket wins.
         *
         * @param bucket lowercase ASCII bucket name
         * @param zonegroup the name of one of the snapshot's zonegroups
         * @throws IllegalArgumentException when the zonegroup is not known or the name cannot be stored
         */
        public Builder put(String bucket, String zonegroup) {
            Integer i = indexes.get(zonegroup);
            if (i == null) {
                throw unknownZonegroup(bucket, zonegroup);
            }
            table.put(bucket, i);
            if (bucket.indexOf('.') >= 0) {
                dotted.add(bucket);
            }
            return this;
        }

        /** The snapshot; the builder cannot be used afterwards. */
        public Catalog build(long previousSerial) {
            BucketTable t = table.build();
            Map<String, Integer> below = new HashMap<>();
            for (String bucket : dotted) {
                forEachSuffix(bucket, suffix -> below.merge(suffix, 1, Integer::sum));
            }
            return new Catalog(t, zonegroups.values().toArray(new Zonegroup[0]), Map.of(), below, Map.of(), t.size(), zonegroups,
                    defaultZonegroup, nextSerial(previousSerial), Instant.now());
        }
    }

    /** The zonegroup of a lowercase bucket name, or null when the bucket is not known. */
    public Zonegroup zonegroupOf(String bucket) {
        if (!overlay.isEmpty()) {
            Zonegroup z = overlay.get(bucket);
            if (z != null) {
                return z == REMOVED ? null : z;
            }
        }
        int i = base.get(bucket);
        return i < 0 ? null : indexed[i];
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
        Map<String, Integer> nextDelta = null;
        int newSize = size;
        for (Map.Entry<String, String> e : changes.entrySet()) {
            boolean existed = zonegroupOf(e.getKey()) != null;
            Zonegroup z = REMOVED;
            if (e.getValue() != null) {
                z = zonegroups.get(e.getValue());
                if (z == null) {
                    throw unknownZonegroup(e.getKey(), e.getValue());
                }
            }
            next.put(e.getKey(), z);
            int change = (z != REMOVED ? 1 : 0) - (existed ? 1 : 0);
            newSize += change;
            if (change != 0 && e.getKey().indexOf('.') >= 0) {
                Map<String, Integer> delta = nextDelta == null ? (nextDelta = new HashMap<>(belowDelta)) : nextDelta;
                forEachSuffix(e.getKey(), suffix -> delta.merge(suffix, change, (a, b) -> a + b == 0 ? null : a + b));
            }
        }
        if (next.size() > Math.max(MAX_OVERLAY, base.size() / OVERLAY_SHARE)) {
            Builder b = builder(zonegroups, defaultZonegroup, newSize);
            forEachIn(base, next, (bucket, zg) -> b.put(bucket, zg.name()));
            return b.build(serial);
        }
        return new Catalog(base, indexed, next, below, nextDelta == null ? belowDelta : nextDelta, newSize, zonegroups,
                defaultZonegroup, nextSerial(serial), Instant.now());
    }

    /**
     * A new snapshot with the same buckets and another set of zonegroups: new hostnames, added
     * zonegroups, another default. Cheap: the bucket table is shared.
     *
     * @param zonegroups every zonegroup by name; must include every zonegroup of this snapshot
     * @param defaultZonegroup the zonegroup unknown buckets go to; null for none
     * @throws IllegalArgumentException when a zonegroup of this snapshot is missing
     */
    public Catalog withZonegroups(Map<String, Zonegroup> zonegroups, Zonegroup defaultZonegroup) {
        if (zonegroups.size() > BucketTable.MAX_ZONEGROUPS) {
            throw new IllegalArgumentException(zonegroups.size() + " zonegroups; at most " + BucketTable.MAX_ZONEGROUPS + " are supported");
        }
        Map<String, Zonegroup> byName = new LinkedHashMap<>();
        Zonegroup[] nextIndexed = new Zonegroup[indexed.length];
        for (int i = 0; i < indexed.length; i++) {
            Zonegroup z = zonegroups.get(indexed[i].name());
            if (z == null) {
                throw new IllegalArgumentException("zonegroup " + indexed[i].name() + " is missing from the new zonegroups");
            }
            nextIndexed[i] = z;
            byName.put(z.name(), z);
        }
        byName.putAll(zonegroups);
        Map<String, Zonegroup> nextOverlay = new HashMap<>();
        overlay.forEach((bucket, z) -> nextOverlay.put(bucket, z == REMOVED ? REMOVED : byName.get(z.name())));
        return new Catalog(base, nextIndexed, nextOverlay, below, belowDelta, size, Collections.unmodifiableMap(byName), defaultZonegroup,
                nextSerial(serial), Instant.now());
    }

    /**
     * True when a known bucket lies below {@code name} (lowercase, no trailing dot): {@code ab}
     * and {@code x.ab} are above bucket {@code y.x.ab}. Such a name exists in DNS even when it is
     * no bucket itself (an empty non-terminal).
     */
    public boolean hasBucketsBelow(String name) {
        int n = below.getOrDefault(name, 0);
        if (!belowDelta.isEmpty()) {
            n += belowDelta.getOrDefault(name, 0);
        }
        return n > 0;
    }

    /** Calls {@code suffix} with each proper suffix of a dotted name: {@code b.c} and {@code c} for {@code a.b.c}. */
    private static void forEachSuffix(String bucket, Consumer<String> suffix) {
        for (int dot = bucket.indexOf('.'); dot >= 0; dot = bucket.indexOf('.', dot + 1)) {
            suffix.accept(bucket.substring(dot + 1));
        }
    }

    /** Calls {@code action} with every known bucket and its zonegroup, in no particular order. */
    public void forEachBucket(BiConsumer<String, Zonegroup> action) {
        forEachIn(base, overlay, action);
    }

    private void forEachIn(BucketTable table, Map<String, Zonegroup> changes, BiConsumer<String, Zonegroup> action) {
        table.forEach((bucket, i) -> {
            if (!changes.containsKey(bucket)) {
                action.accept(bucket, indexed[i]);
            }
        });
        changes.forEach((bucket, z) -> {
            if (z != REMOVED) {
                action.accept(bucket, z);
            }
        });
    }

    private static IllegalArgumentException unknownZonegroup(String bucket, String zonegroup) {
        return new IllegalArgumentException("bucket " + bucket + " is in zonegroup " + zonegroup + ", which is not known");
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
