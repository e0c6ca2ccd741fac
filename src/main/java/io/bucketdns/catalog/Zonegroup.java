package io.bucketdns.catalog;

/**
 * A region of the deployment as DNS and the proxy need it.
 *
 * @param name the zonegroup's name (as in the RGW zonegroup map and the bucket file)
 * @param hostname the host suffix a bucket of this zonegroup is sent to, lowercase, without
 *     trailing dot: bucket {@code foo} becomes {@code foo.<hostname>}
 * @param apiName its S3 region: what RGW takes as a {@code LocationConstraint} and what clients
 *     sign with ({@code aws --region}); the proxy sends a new bucket's creation where it names
 */
public record Zonegroup(String name, String hostname, String apiName) {
    public Zonegroup {
        if (apiName == null || apiName.isEmpty()) {
            apiName = name; // what radosgw-admin gives a zonegroup created without --api-name
        }
    }

    /** A zonegroup whose S3 region is its name. */
    public Zonegroup(String name, String hostname) {
        this(name, hostname, name);
    }

    /** The same zonegroup under another host name. */
    public Zonegroup withHostname(String host) {
        return new Zonegroup(name, host, apiName);
    }
}
