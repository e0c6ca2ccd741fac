/**
 * The RGW catalog source ({@code [catalog] source = rgw}), on the admin client of
 * {@link io.bucketdns.source.rgw.admin}: full loads and reconciliation, the metadata-log
 * follower and its shard schedule, on-demand look-ups of unknown buckets, {@code check}'s RGW
 * items. Keys: the {@code rgw_*} keys of {@code [powerdns]} and the rgw keys of {@code [catalog]}.
 *
 * <p>Threads: the source owns its executors (loading, following, look-ups); it only hands events
 * to the catalog writer.
 */
package io.bucketdns.source.rgw;
