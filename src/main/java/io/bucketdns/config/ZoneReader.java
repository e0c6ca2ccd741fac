package io.bucketdns.config;

import io.bucketdns.answer.Soa;
import io.bucketdns.answer.StaticRecords;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xbill.DNS.Address;

/**
 * The served zones and each one's answer settings: {@code [powerdns] dns_zone}, then for each zone
 * its {@code [zone.NAME]} section's keys, falling back to the global ones ({@code [powerdns]}
 * SOA and TTLs, {@code [catalog]} unknown-bucket policy, {@code [dns]} apex and static records).
 */
final class ZoneReader {
    /**
     * Without {@code dns_soa_record}, the seed's SOA names and timers are used, but the serial
     * follows the catalog so that caches see every change.
     */
    static final String DEFAULT_SOA = "dns1.icann.org. hostmaster.icann.org. 0 7200 3600 1209600 3600";

    /** Per-zone overrides of the global answer settings, for deployments serving several zones. */
    private static final String ZONE_PREFIX = "zone.";

    private final Values v;
    private final Ini ini;

    ZoneReader(Values v) {
        this.v = v;
        this.ini = v.ini();
    }

    List<Zone> zones() {
        List<String> names = v.list("powerdns", "dns_zone");
        if (names.isEmpty()) {
            throw v.error("powerdns", "dns_zone", "no zone given", "name the global zone, e.g. dns_zone = o.example.com");
        }
        Set<String> seen = new LinkedHashSet<>();
        List<Zone> zones = new ArrayList<>();
        for (String name : names) {
            String zone = v.hostname("powerdns", "dns_zone", name);
            if (!seen.add(zone)) {
                throw v.error("powerdns", "dns_zone", "zone " + zone + " is listed twice", "list each zone once");
            }
            zones.add(zone(zone));
        }
        for (String section : ini.sections().keySet()) {
            if (section.startsWith(ZONE_PREFIX) && !seen.contains(section.substring(ZONE_PREFIX.length()).toLowerCase(Locale.ROOT))) {
                throw new ConfigException(v.file(), ini.sectionLine(section), "[" + section + "] is not a zone listed in [powerdns] dns_zone",
                        "add it to dns_zone, or remove the section");
            }
        }
        return zones;
    }

    /** One zone's settings: its own [zone.NAME] section first, then the global keys. */
    private Zone zone(String name) {
        String own = ZONE_PREFIX + name;
        if (!ini.sections().containsKey(own)) {
            own = ini.sections().keySet().stream().filter((ZONE_PREFIX + name)::equalsIgnoreCase).findFirst().orElse(own);
        }
        Soa soa = soa(v.where(own, "dns_soa_record"));
        long soaTtl = v.whole(v.where(own, "dns_soa_ttl"), "dns_soa_ttl");
        long defaultTtl = v.whole(v.where(own, "dns_default_ttl"), "dns_default_ttl");
        String nsAt = v.where(own, "ns");
        List<String> ns = new ArrayList<>();
        for (String n : v.list(nsAt, "ns")) {
            ns.add(v.hostname(nsAt, "ns", n) + ".");
        }
        String aAt = v.where(own, "a");
        List<String> a = new ArrayList<>();
        for (String ip : v.list(aAt, "a")) {
            if (!Address.isDottedQuad(ip)) {
                throw v.error(aAt, "a", "'" + ip + "' is not an IPv4 address", "write addresses like 192.0.2.10, comma-separated");
            }
            a.add(ip);
        }
        String aaaaAt = v.where(own, "aaaa");
        List<String> aaaa = new ArrayList<>();
        for (String ip : v.list(aaaaAt, "aaaa")) {
            if (!ip.contains(":") || Address.toByteArray(ip, Address.IPv6) == null) {
                throw v.error(aaaaAt, "aaaa", "'" + ip + "' is not an IPv6 address", "write addresses like 2001:db8::10, comma-separated");
            }
            aaaa.add(ip);
        }
        UnknownBucketPolicy policy = v.choice(v.where(own, "unknown_bucket"), "unknown_bucket").equals("nxdomain")
                ? UnknownBucketPolicy.NXDOMAIN : UnknownBucketPolicy.DEFAULT;
        long unknownTtl = v.whole(v.where(own, "unknown_ttl"), "unknown_ttl");
        StaticRecords records = records(v.where(own, "records"), name, defaultTtl);
        for (String n : ns) {
            if ((n.equals(name + ".") || n.endsWith("." + name + ".")) && records.addressesOf(n).isEmpty()) {
                throw v.error(nsAt, "ns", "name server " + n + " is inside zone " + name + " but has no address",
                        "give it A/AAAA records in records, e.g. records = " + n + " 3600 IN A 192.0.2.1");
            }
        }
        return new Zone(name, soa, soaTtl, defaultTtl, ns, a, aaaa, policy, unknownTtl, records);
    }

    /** The zone-file lines of a records key, one record a line, errors naming the line. */
    private StaticRecords records(String section, String zone, long defaultTtl) {
        v.get(section, "records");
        Ini.Entry e = v.entry(section, "records");
        if (e == null) {
            return StaticRecords.NONE;
        }
        List<String> lines = e.parts().stream().map(Ini.Part::text).toList();
        try {
            return StaticRecords.parse(zone, lines, defaultTtl);
        } catch (StaticRecords.Problem p) {
            throw new ConfigException(v.file(), e.parts().get(p.index()).line(), "[" + section + "] records: '"
                    + lines.get(p.index()) + "': " + p.getMessage(),
                    "write one zone-file record a line, indented below records =, e.g. ns1." + zone + ". 3600 IN A 192.0.2.1");
        }
    }

    private Soa soa(String section) {
        String text = v.get(section, "dns_soa_record");
        if (text.isEmpty()) {
            return Soa.parse(DEFAULT_SOA).withSerial(Soa.FOLLOW_CATALOG);
        }
        try {
            return Soa.parse(text);
        } catch (IllegalArgumentException e) {
            throw v.error(section, "dns_soa_record", e.getMessage(),
                    "write 'ns1.example.com. hostmaster.example.com. auto 7200 3600 1209600 60' (auto: the serial follows the catalog)");
        }
    }
}
