package io.bucketdns.source.rgw.admin;

import java.util.List;
import java.util.Optional;

/**
 * The Admin Ops reads the catalog is built from: {@link AdminApi} over HTTP, in-memory fakes in
 * tests and benchmarks (a fake of ten million buckets answers in microseconds, so the request
 * counts of a load can be measured without a cluster).
 *
 * <p>Every method throws {@link RgwException} when RGW cannot answer.
 */
public interface AdminOps {
    /** Every zonegroup of the period. */
    ZonegroupMap zonegroupMap();

    /** One page of bucket names after {@code marker} (null at first), in RGW's (byte) order. */
    AdminApi.BucketPage listBuckets(String marker, int maxEntries);

    /**
     * Where a bucket lives (two requests: its entrypoint, then its instance).
     *
     * @return its zonegroup's id; empty when the bucket does not exist
     */
    Optional<String> locate(String bucket);

    /** The metadata log's shard count and period, and whose log answered. */
    AdminApi.MdlogInfo mdlogInfo();

    /** A shard's newest entry id. */
    AdminApi.ShardMarker shardMarker(int shard);

    /** A shard's entries after {@code marker}. */
    AdminApi.MdlogPage mdlogEntries(int shard, String marker, int maxEntries);

    /** The same reads from these endpoints only: one zone's log is read from that zone. */
    AdminOps pinnedTo(List<String> endpoints);
}
