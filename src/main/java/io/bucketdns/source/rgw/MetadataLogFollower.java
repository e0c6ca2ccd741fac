package io.bucketdns.source.rgw;

import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.AdminOps;
import io.bucketdns.source.rgw.admin.Fanout;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Reads the RGW metadata log for bucket changes. Each of its shards is a list of entries with
 * increasing ids; following means remembering the last id seen per shard (a {@link Position}) and
 * asking a shard for what came after it. Which shards are read when is the {@link ShardSchedule}'s
 * business: this class only reads the ones it is given.
 *
 * <p>An entry only says that a bucket's entrypoint or instance was written or removed; what it
 * means is decided by reading the bucket again ({@link AdminOps#locate}), so reading an entry twice
 * is harmless and positions may safely be rewound.
 *
 * <p>Every zone keeps its own log, with its own ids: a position is only valid in the log of the zone
 * it was taken from ({@link Position#owner}).
 */
final class MetadataLogFollower {
    /** Entries read from one shard in one round at most, so that a huge backlog cannot stall a round. */
    static final int MAX_ENTRIES_PER_ROUND = 10_000;
    private static final int PAGE = 1000;

    /**
     * Where following stands.
     *
     * @param period the period whose log this is
     * @param markers the last entry id seen, per shard ({@code ""}: none)
     * @param owner whose log: a zone id, or an endpoint the zonegroup map does not list
     */
    record Position(String period, List<String> markers, String owner) {
        Position {
            markers = List.copyOf(markers);
        }

        /** This position with some shards moved on. */
        Position with(int[] shards, String[] newMarkers) {
            String[] m = markers.toArray(String[]::new);
            for (int i = 0; i < shards.length; i++) {
                m[shards[i]] = newMarkers[i];
            }
            return new Position(period, Arrays.asList(m), owner);
        }

        /** One line for a snapshot: period, owner and markers, space-separated ({@code -} for an empty marker). */
        String encode() {
            StringBuilder b = new StringBuilder(period.isEmpty() ? "-" : period).append(' ').append(owner);
            markers.forEach(m -> b.append(' ').append(m.isEmpty() ? "-" : m));
            return b.toString();
        }

        /** The position {@link #encode} wrote; null when {@code line} is not one. */
        static Position decode(String line) {
            if (line == null) {
                return null;
            }
            String[] f = line.split(" ");
            if (f.length < 3) {
                return null;
            }
            List<String> markers = new ArrayList<>();
            for (int i = 2; i < f.length; i++) {
                markers.add(f[i].equals("-") ? "" : f[i]);
            }
            return new Position(f[0].equals("-") ? "" : f[0], markers, f[1]);
        }
    }

    /**
     * What a read found.
     *
     * @param buckets names of buckets that changed (added, removed or moved), each once
     * @param next the position after this read
     * @param resync why the position is no longer valid; null when it is
     * @param active the shards that had new entries
     */
    record Round(Set<String> buckets, Position next, String resync, Set<Integer> active) {}

    private final int inFlight;

    MetadataLogFollower(int inFlight) {
        this.inFlight = inFlight;
    }

    /**
     * The shard of the metadata log that RGW writes a bucket's changes to: RGW hashes {@code
     * bucket:NAME} (entrypoint and instance alike) with the Linux dcache string hash, modulo the
     * shard count. Lets a question for a bucket pull its shard's next read forward.
     */
    static int shardOf(String bucket, int shards) {
        int hash = 0;
        for (int i = 0; i < HASH_PREFIX.length(); i++) {
            hash = linuxHashStep(hash, HASH_PREFIX.charAt(i));
        }
        // bucket names are ASCII (BucketName), so a char is the byte RGW hashes; no allocation per question
        for (int i = 0; i < bucket.length(); i++) {
            hash = linuxHashStep(hash, bucket.charAt(i) & 0xFF);
        }
        return (int) (Integer.toUnsignedLong(hash) % shards);
    }

    private static final String HASH_PREFIX = "bucket:";

    private static int linuxHashStep(int hash, int c) {
        return (hash + (c << 4) + (c >> 4)) * 11;
    }

    /**
     * The current end of every shard of the log {@code log} reads: where following a log starts.
     *
     * @throws RgwException when RGW fails, or the endpoint changed zone half-way
     */
    Position capture(AdminOps log, ZonegroupMap map) {
        AdminApi.MdlogInfo info = log.mdlogInfo();
        String owner = map.logOwner(info.endpoint());
        List<AdminApi.ShardMarker> ends = Fanout.map(shards(info.shards()), inFlight, log::shardMarker);
        List<String> markers = new ArrayList<>();
        for (AdminApi.ShardMarker m : ends) {
            if (!map.logOwner(m.endpoint()).equals(owner)) {
                throw new RgwException("the metadata log moved to another zone (" + m.endpoint() + ") while its position was read",
                        0, "", null);
            }
            markers.add(m.marker());
        }
        return new Position(info.period(), markers, owner);
    }

    /** Why {@code position} is outdated by the log's current period or shard count; null when it is not. */
    static String outdated(Position position, AdminApi.MdlogInfo info) {
        if (!info.period().equals(position.period())) {
            return "the period changed from " + position.period() + " to " + info.period();
        }
        return info.shards() != position.markers().size() ? "the metadata log now has " + info.shards() + " shards" : null;
    }

    /**
     * Reads {@code shards} after {@code from}.
     *
     * @throws RgwException when RGW fails
     */
    Round read(AdminOps log, ZonegroupMap map, Position from, Collection<Integer> shards) {
        List<Integer> which = List.copyOf(shards);
        List<ShardRead> reads = Fanout.map(which, inFlight, shard -> read(log, shard, from.markers().get(shard)));
        Set<String> buckets = new LinkedHashSet<>();
        Set<Integer> active = new LinkedHashSet<>();
        int[] moved = new int[which.size()];
        String[] markers = new String[which.size()];
        for (int i = 0; i < reads.size(); i++) {
            ShardRead r = reads.get(i);
            String owner = map.logOwner(r.endpoint());
            if (!owner.equals(from.owner())) {
                return new Round(Set.of(), from, "the metadata log is now read from " + r.endpoint() + " (another zone)", Set.of());
            }
            buckets.addAll(r.buckets());
            if (r.entries() > 0) {
                active.add(which.get(i));
            }
            moved[i] = which.get(i);
            markers[i] = r.marker();
        }
        return new Round(buckets, from.with(moved, markers), null, active);
    }

    private record ShardRead(List<String> buckets, String marker, String endpoint, int entries) {}

    private static ShardRead read(AdminOps log, int shard, String marker) {
        List<String> buckets = new ArrayList<>();
        String endpoint = null;
        int read = 0;
        AdminApi.MdlogPage page;
        do {
            page = log.mdlogEntries(shard, marker, PAGE);
            if (endpoint != null && !endpoint.equals(page.endpoint())) {
                break; // failover mid-shard: report the first endpoint's progress only
            }
            endpoint = page.endpoint();
            for (AdminApi.MdlogEntry e : page.entries()) {
                String bucket = e.bucket();
                if (bucket != null) {
                    buckets.add(bucket);
                }
            }
            read += page.entries().size();
            if (!page.marker().isEmpty()) {
                marker = page.marker();
            }
        } while (page.truncated() && !page.entries().isEmpty() && read < MAX_ENTRIES_PER_ROUND);
        return new ShardRead(buckets, marker, endpoint, read);
    }

    static List<Integer> shards(int n) {
        return IntStream.range(0, n).boxed().toList();
    }
}
