package io.bucketdns.rgw;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Reads the RGW metadata log for bucket changes. Each of its shards is a list of entries with
 * increasing ids; following means remembering the last id seen per shard (a {@link Position}) and
 * asking each shard for what came after it.
 *
 * <p>An entry only says that a bucket's entrypoint or instance was written or removed; what it
 * means is decided by reading the bucket again ({@link AdminApi#locate}), so reading an entry twice
 * is harmless and positions may safely be rewound.
 *
 * <p>Every zone keeps its own log, with its own ids: a position is only valid in the log of the zone
 * it was taken from ({@link Position#owner}). When an answer comes from another zone (failover), or
 * the period changed, the caller must start over with a full load.
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
    }

    /**
     * What a round found.
     *
     * @param buckets names of buckets that changed (added, removed or moved), each once
     * @param next the position after this round
     * @param resync why the position is no longer valid; null when it is
     */
    record Round(Set<String> buckets, Position next, String resync) {}

    private final AdminApi api;
    private final int inFlight;

    MetadataLogFollower(AdminApi api, int inFlight) {
        this.api = api;
        this.inFlight = inFlight;
    }

    /**
     * The current end of every shard: taken before a full listing, so that whatever changes during
     * the listing is read from the log afterwards.
     *
     * @throws RgwException when RGW fails, or the endpoint changed zone half-way
     */
    Position capture(ZonegroupMap map) {
        AdminApi.MdlogInfo info = api.mdlogInfo();
        String owner = map.logOwner(info.endpoint());
        List<AdminApi.ShardMarker> ends = Fanout.map(shards(info.shards()), inFlight, api::shardMarker);
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
    String outdated(Position position) {
        AdminApi.MdlogInfo info = api.mdlogInfo();
        if (!info.period().equals(position.period())) {
            return "the period changed from " + position.period() + " to " + info.period();
        }
        return info.shards() != position.markers().size() ? "the metadata log now has " + info.shards() + " shards" : null;
    }

    /**
     * Reads every shard after {@code from}.
     *
     * @throws RgwException when RGW fails
     */
    Round poll(ZonegroupMap map, Position from) {
        List<ShardRead> reads = Fanout.map(shards(from.markers().size()), inFlight, shard -> read(shard, from.markers().get(shard)));
        Set<String> buckets = new LinkedHashSet<>();
        List<String> markers = new ArrayList<>();
        for (ShardRead r : reads) {
            String owner = map.logOwner(r.endpoint());
            if (!owner.equals(from.owner())) {
                return new Round(Set.of(), from, "the metadata log is now read from " + r.endpoint() + " (another zone)");
            }
            buckets.addAll(r.buckets());
            markers.add(r.marker());
        }
        return new Round(buckets, new Position(from.period(), markers, from.owner()), null);
    }

    private record ShardRead(List<String> buckets, String marker, String endpoint) {}

    private ShardRead read(int shard, String marker) {
        List<String> buckets = new ArrayList<>();
        String endpoint = null;
        int read = 0;
        AdminApi.MdlogPage page;
        do {
            page = api.mdlogEntries(shard, marker, PAGE);
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
        return new ShardRead(buckets, marker, endpoint);
    }

    private static List<Integer> shards(int n) {
        return IntStream.range(0, n).boxed().toList();
    }
}
