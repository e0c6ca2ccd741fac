package io.bucketdns.dns;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.Zonegroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Every DNS rule of bucketdns, as a pure function of a catalog snapshot and a question. Frontends
 * (the PowerDNS remote backend, the wire-format server, the CLI) only translate to and from this.
 *
 * <p>The rules, for a served zone {@code o.example.com}:
 *
 * <ul>
 *   <li>{@code <bucket>.<zone>}, any type, known bucket: a CNAME to {@code <bucket>.<zonegroup
 *       host>}, and nothing beside it. The bucket is everything left of the zone, dots included.
 *   <li>A well-formed but unknown bucket: CNAME to the default zonegroup (TTL: SOA minimum) or
 *       NXDOMAIN, as the zone's {@link UnknownBucketPolicy} says.
 *   <li>A name below the zone that cannot be a bucket ({@link BucketName}): NXDOMAIN.
 *   <li>The apex: SOA, NS, A, AAAA as configured; NODATA for anything else.
 *   <li>Outside every served zone: REFUSED.
 * </ul>
 *
 * <p>Names match case-insensitively (ASCII only; a non-ASCII name cannot be a bucket); the owner
 * name keeps the question's case, the target uses the lowercase bucket name. Negative answers
 * carry the zone's SOA in the authority section. Thread-safe and allocation-light: a known bucket
 * costs the CNAME record and its strings.
 */
public final class Resolver {
    private final List<Zone> zones;
    /**
     * The authority SOA of each zone's negative answers, as of the last catalog serial seen: a
     * flood of random names is all negative answers, and should not build a new SOA each time.
     */
    private final AtomicReferenceArray<NegativeSoa> negativeSoa;

    private record NegativeSoa(long catalogSerial, ResourceRecord record) {}

    /** A resolver for these zones; when zones nest, the longest match wins. */
    public Resolver(List<Zone> zones) {
        List<Zone> sorted = new ArrayList<>(zones);
        sorted.sort(Comparator.comparingInt((Zone z) -> z.name().length()).reversed());
        this.zones = List.copyOf(sorted);
        this.negativeSoa = new AtomicReferenceArray<>(this.zones.size());
    }

    /** The served zones, longest name first. */
    public List<Zone> zones() {
        return zones;
    }

    /**
     * Answers one question.
     *
     * @param catalog the snapshot to answer from
     * @param qname the name as asked, with or without the trailing dot, in any case
     * @param qtype the type code asked for ({@link RecordType}); ANY returns every apex record
     */
    public Answer resolve(Catalog catalog, String qname, int qtype) {
        String owner = qname.endsWith(".") ? qname : qname + ".";
        String name = lowerAscii(qname, qname.endsWith(".") ? qname.length() - 1 : qname.length());
        int zoneIndex = zoneIndex(name);
        if (zoneIndex < 0) {
            return new Answer(Rcode.REFUSED, Answer.Outcome.OUT_OF_ZONE, null, null, List.of(), List.of());
        }
        Zone zone = zones.get(zoneIndex);
        if (name.length() == zone.name().length()) {
            return apex(catalog, zoneIndex, owner, qtype);
        }
        String bucket = name.substring(0, name.length() - zone.name().length() - 1);
        if (!BucketName.isValid(bucket)) {
            return negative(catalog, zoneIndex, Answer.Outcome.NOT_A_BUCKET, null);
        }
        Zonegroup zonegroup = catalog.zonegroupOf(bucket);
        if (zonegroup != null) {
            return cname(zone, Answer.Outcome.BUCKET, owner, bucket, zonegroup, zone.defaultTtl());
        }
        Zonegroup fallback = catalog.defaultZonegroup();
        if (zone.unknownBuckets() == UnknownBucketPolicy.DEFAULT && fallback != null) {
            return cname(zone, Answer.Outcome.DEFAULT_ZONEGROUP, owner, bucket, fallback, zone.soa().minimum());
        }
        return negative(catalog, zoneIndex, Answer.Outcome.NO_SUCH_BUCKET, bucket);
    }

    /** The SOA record of a zone as of a catalog snapshot (its serial may follow the catalog). */
    public static ResourceRecord soaRecord(Zone zone, Catalog catalog, long ttl) {
        return new ResourceRecord(zone.absoluteName(), RecordType.SOA, ttl, zone.soa().data(catalog.serial()));
    }

    /** Every record at a zone's apex: SOA, then NS, A, AAAA. */
    public static List<ResourceRecord> apexRecords(Zone zone, Catalog catalog, String owner) {
        List<ResourceRecord> all = new ArrayList<>();
        all.add(new ResourceRecord(owner, RecordType.SOA, zone.soaTtl(), zone.soa().data(catalog.serial())));
        addAll(all, owner, RecordType.NS, zone.soaTtl(), zone.nameservers());
        addAll(all, owner, RecordType.A, zone.defaultTtl(), zone.ipv4());
        addAll(all, owner, RecordType.AAAA, zone.defaultTtl(), zone.ipv6());
        return all;
    }

    private int zoneIndex(String name) {
        for (int i = 0; i < zones.size(); i++) {
            String zn = zones.get(i).name();
            if (name.endsWith(zn) && (name.length() == zn.length() || name.charAt(name.length() - zn.length() - 1) == '.')) {
                return i;
            }
        }
        return -1;
    }

    private Answer apex(Catalog catalog, int zoneIndex, String owner, int qtype) {
        Zone zone = zones.get(zoneIndex);
        List<ResourceRecord> records = apexRecords(zone, catalog, owner);
        if (qtype != RecordType.ANY) {
            records.removeIf(r -> r.type() != qtype);
        }
        if (records.isEmpty()) {
            return new Answer(Rcode.NOERROR, Answer.Outcome.NODATA, zone, null, List.of(), List.of(negativeSoa(catalog, zoneIndex)));
        }
        return new Answer(Rcode.NOERROR, Answer.Outcome.APEX, zone, null, records, List.of());
    }

    private static Answer cname(Zone zone, Answer.Outcome outcome, String owner, String bucket, Zonegroup zonegroup, long ttl) {
        String target = bucket + "." + zonegroup.hostname() + ".";
        return new Answer(Rcode.NOERROR, outcome, zone, bucket,
                List.of(new ResourceRecord(owner, RecordType.CNAME, ttl, target)), List.of());
    }

    private Answer negative(Catalog catalog, int zoneIndex, Answer.Outcome outcome, String bucket) {
        return new Answer(Rcode.NXDOMAIN, outcome, zones.get(zoneIndex), bucket, List.of(), List.of(negativeSoa(catalog, zoneIndex)));
    }

    private ResourceRecord negativeSoa(Catalog catalog, int zoneIndex) {
        NegativeSoa cached = negativeSoa.get(zoneIndex);
        if (cached != null && cached.catalogSerial() == catalog.serial()) {
            return cached.record();
        }
        Zone zone = zones.get(zoneIndex);
        ResourceRecord soa = soaRecord(zone, catalog, zone.negativeTtl());
        negativeSoa.set(zoneIndex, new NegativeSoa(catalog.serial(), soa));
        return soa;
    }

    private static void addAll(List<ResourceRecord> out, String owner, int type, long ttl, List<String> values) {
        for (String v : values) {
            out.add(new ResourceRecord(owner, type, ttl, v));
        }
    }

    /** The first {@code end} characters of {@code s} with ASCII letters lowered; others kept. */
    private static String lowerAscii(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.substring(0, end).toCharArray();
                for (int j = i; j < end; j++) {
                    char d = chars[j];
                    if (d >= 'A' && d <= 'Z') {
                        chars[j] = (char) (d + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return end == s.length() ? s : s.substring(0, end);
    }
}
