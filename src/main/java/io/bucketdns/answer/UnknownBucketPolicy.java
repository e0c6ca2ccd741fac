package io.bucketdns.answer;

/** What a well-formed bucket name that the catalog does not know is answered with. */
public enum UnknownBucketPolicy {
    /**
     * CNAME to the default zonegroup's host (TTL: SOA minimum), so that creating a bucket through
     * the global name still reaches a gateway, as on AWS.
     */
    DEFAULT,
    /** NXDOMAIN with the SOA for negative caching. */
    NXDOMAIN
}
