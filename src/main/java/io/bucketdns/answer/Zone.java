package io.bucketdns.answer;

import java.util.List;

/**
 * One served global zone (such as {@code o.example.com}) and the settings its answers use.
 *
 * @param name lowercase, without trailing dot
 * @param soa the apex SOA
 * @param soaTtl TTL of the SOA record
 * @param defaultTtl TTL of a bucket's CNAME
 * @param nameservers apex NS targets, absolute; empty for none
 * @param ipv4 apex A addresses; empty for none
 * @param ipv6 apex AAAA addresses; empty for none
 * @param unknownBuckets answer for well-formed bucket names the catalog does not know
 * @param unknownTtl the most seconds an answer that is only a guess may be cached: the CNAME to
 *     the default zonegroup, a negative answer about bucket names (through its SOA's TTL)
 * @param records the records served beside the buckets ({@code [dns] records})
 */
public record Zone(
        String name,
        Soa soa,
        long soaTtl,
        long defaultTtl,
        List<String> nameservers,
        List<String> ipv4,
        List<String> ipv6,
        UnknownBucketPolicy unknownBuckets,
        long unknownTtl,
        StaticRecords records) {
    /** The default of {@code [catalog] unknown_ttl}: see the README for why. */
    public static final long DEFAULT_UNKNOWN_TTL = 5;

    public Zone {
        nameservers = List.copyOf(nameservers);
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
    }

    /** A zone with the default {@code unknown_ttl} and no static records. */
    public Zone(String name, Soa soa, long soaTtl, long defaultTtl, List<String> nameservers, List<String> ipv4,
            List<String> ipv6, UnknownBucketPolicy unknownBuckets) {
        this(name, soa, soaTtl, defaultTtl, nameservers, ipv4, ipv6, unknownBuckets, DEFAULT_UNKNOWN_TTL, StaticRecords.NONE);
    }

    /** The zone name with its trailing dot, as PowerDNS and zone files write it. */
    public String absoluteName() {
        return name + ".";
    }

    /** TTL for an SOA in a negative answer (RFC 2308: the lesser of its TTL and its minimum). */
    public long negativeTtl() {
        return Math.min(soaTtl, soa.minimum());
    }

    /** TTL for the SOA of a negative answer that is only a guess: never longer than {@link #unknownTtl}. */
    public long guessNegativeTtl() {
        return Math.min(negativeTtl(), unknownTtl);
    }
}
