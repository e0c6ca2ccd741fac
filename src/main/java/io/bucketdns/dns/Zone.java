package io.bucketdns.dns;

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
 */
public record Zone(
        String name,
        Soa soa,
        long soaTtl,
        long defaultTtl,
        List<String> nameservers,
        List<String> ipv4,
        List<String> ipv6,
        UnknownBucketPolicy unknownBuckets) {

    public Zone {
        nameservers = List.copyOf(nameservers);
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
    }

    /** The zone name with its trailing dot, as PowerDNS and zone files write it. */
    public String absoluteName() {
        return name + ".";
    }

    /** TTL for an SOA in a negative answer (RFC 2308: the lesser of its TTL and its minimum). */
    public long negativeTtl() {
        return Math.min(soaTtl, soa.minimum());
    }
}
