package io.bucketdns.catalog;

/**
 * A region of the deployment as DNS needs it.
 *
 * @param name the zonegroup's name (as in the RGW zonegroup map and the bucket file)
 * @param hostname the host suffix a bucket of this zonegroup is sent to, lowercase, without
 *     trailing dot: bucket {@code foo} becomes {@code foo.<hostname>}
 */
public record Zonegroup(String name, String hostname) {}
