package io.bucketdns.answer;

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
 *   <li>A name of the zone's {@link StaticRecords}: those records, NODATA for other types; names
 *       above them are empty non-terminals (NODATA). They come before any bucket rule.
 *   <li>A well-formed but unknown bucket: CNAME to the default zonegroup or NXDOMAIN, as the
 *       zone's {@link UnknownBucketPolicy} says. Either is a guess, cached for at most the zone's
 *       {@code unknown_ttl} (the CNAME's TTL, the negative TTL of the SOA).
 *   <li>A name below the zone that is no bucket but has buckets below it ({@code ab} for {@code
 *       x.ab}): NODATA, an empty non-terminal (RFC 8020 resolvers take NXDOMAIN to deny all below).
 *   <li>A name below the zone that cannot be a bucket ({@link BucketName}): NXDOMAIN; a guess
 *       (short negative TTL) while a bucket could still appear below it.
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
     * The authority SOA of each zone's negative answers (two per zone: with the negative TTL, and
     * with the shorter TTL of a guess), as of the last catalog serial seen: a flood of random names
     * is all negative answers, and should not build a new SOA each time.
     */
    private final AtomicReferenceArray<NegativeSoa> negativeSoa;

    private record NegativeSoa(long catalogSerial, ResourceRecord record) {}

    /** A resolver for these zones; when zones nest, the longest match wins. */
    public Resolver(List<Zone> zones) {
        List<Zone> sorted = new ArrayList<>(zones);
        sorted.sort(Comparator.comparingInt((Zone z) -> z.name().length()).reversed());
        this.zones = List.copyOf(sorted);
        this.negativeSoa = new AtomicReferenceArray<>(2 * this.zones.size());
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
        if (!zone.records().isEmpty()) {
            Answer fixed = fixed(catalog, zoneIndex, name + ".", owner, qtype);
            if (fixed != null) {
                return fixed;
            }
        }
        String bucket = name.substring(0, name.length() - zone.name().length() - 1);
        if (!BucketName.isValid(bucket)) {
            if (catalog.hasBucketsBelow(bucket)) {
                return nodata(catalog, zoneIndex, null, false);
            }
            // RFC 8020: NXDOMAIN denies every name below too, so it is a guess while a bucket could still appear there
            return negative(catalog, zoneIndex, Answer.Outcome.NOT_A_BUCKET, null, BucketName.couldHaveBucketsBelow(bucket));
        }
        Zonegroup zonegroup = catalog.zonegroupOf(bucket);
        if (zonegroup != null) {
            return cname(zone, Answer.Outcome.BUCKET, owner, bucket, zonegroup, zone.defaultTtl());
        }
        Zonegroup fallback = catalog.defaultZonegroup();
        if (zone.unknownBuckets() == UnknownBucketPolicy.DEFAULT && fallback != null) {
            return cname(zone, Answer.Outcome.DEFAULT_ZONEGROUP, owner, bucket, fallback, zone.unknownTtl());
        }
        if (catalog.hasBucketsBelow(bucket)) {
            return new Answer(Rcode.NOERROR, Answer.Outcome.NO_SUCH_BUCKET, zone, bucket, List.of(), List.of(negativeSoa(catalog, zoneIndex, true)));
        }
        return negative(catalog, zoneIndex, Answer.Outcome.NO_SUCH_BUCKET, bucket, true);
    }

    /**
     * The answer from the zone's static records when {@code absolute} is one of their names or lies
     * above one; null when the bucket rules decide.
     */
    private Answer fixed(Catalog catalog, int zoneIndex, String absolute, String owner, int qtype) {
        StaticRecords records = zones.get(zoneIndex).records();
        List<ResourceRecord> own = records.at(absolute);
        if (own.isEmpty()) {
            return records.isNonTerminal(absolute) ? nodata(catalog, zoneIndex, null, false) : null;
        }
        List<ResourceRecord> answer = new ArrayList<>();
        for (ResourceRecord r : own) {
            if (qtype == RecordType.ANY || r.type() == qtype || r.type() == RecordType.CNAME) {
                answer.add(new ResourceRecord(owner, r.type(), r.ttl(), r.data()));
            }
        }
        return answer.isEmpty() ? nodata(catalog, zoneIndex, null, false)
                : new Answer(Rcode.NOERROR, Answer.Outcome.STATIC, zones.get(zoneIndex), null, answer, List.of());
    }

    /** The SOA record of a zone as of a catalog snapshot (its serial may follow the catalog). */
    public static ResourceRecord soaRecord(Zone zone, Catalog catalog, long ttl) {
        return new ResourceRecord(zone.absoluteName(), RecordType.SOA, ttl, zone.soa().data(catalog.serial()));
    }

    /** Every record at a zone's apex: SOA, then NS, A, AAAA, then those of {@code [dns] records}. */
    public static List<ResourceRecord> apexRecords(Zone zone, Catalog catalog, String owner) {
        List<ResourceRecord> all = new ArrayList<>();
        all.add(new ResourceRecord(owner, RecordType.SOA, zone.soaTtl(), zone.soa().data(catalog.serial())));
        addAll(all, owner, RecordType.NS, zone.soaTtl(), zone.nameservers());
        addAll(all, owner, RecordType.A, zone.defaultTtl(), zone.ipv4());
        addAll(all, owner, RecordType.AAAA, zone.defaultTtl(), zone.ipv6());
        for (ResourceRecord r : zone.records().at(zone.absoluteName())) {
            all.add(new ResourceRecord(owner, r.type(), r.ttl(), r.data()));
        }
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
            return nodata(catalog, zoneIndex, null, false);
        }
        List<ResourceRecord> additional = new ArrayList<>();
        if (qtype == RecordType.NS) {
            // RFC 1034 4.3.2: the addresses of name servers inside the zone go with them
            for (String ns : zone.nameservers()) {
                additional.addAll(zone.records().addressesOf(ns));
            }
        }
        return new Answer(Rcode.NOERROR, Answer.Outcome.APEX, zone, null, records, List.of(), additional);
    }

    private static Answer cname(Zone zone, Answer.Outcome outcome, String owner, String bucket, Zonegroup zonegroup, long ttl) {
        String target = bucket + "." + zonegroup.hostname() + ".";
        return new Answer(Rcode.NOERROR, outcome, zone, bucket,
                List.of(new ResourceRecord(owner, RecordType.CNAME, ttl, target)), List.of());
    }

    /** NXDOMAIN; a {@code guess} carries the SOA with the zone's short negative TTL. */
    private Answer negative(Catalog catalog, int zoneIndex, Answer.Outcome outcome, String bucket, boolean guess) {
        return new Answer(Rcode.NXDOMAIN, outcome, zones.get(zoneIndex), bucket, List.of(), List.of(negativeSoa(catalog, zoneIndex, guess)));
    }

    private Answer nodata(Catalog catalog, int zoneIndex, String bucket, boolean guess) {
        return new Answer(Rcode.NOERROR, Answer.Outcome.NODATA, zones.get(zoneIndex), bucket, List.of(), List.of(negativeSoa(catalog, zoneIndex, guess)));
    }

    private ResourceRecord negativeSoa(Catalog catalog, int zoneIndex, boolean guess) {
        int slot = 2 * zoneIndex + (guess ? 1 : 0);
        NegativeSoa cached = negativeSoa.get(slot);
        if (cached != null && cached.catalogSerial() == catalog.serial()) {
            return cached.record();
        }
        Zone zone = zones.get(zoneIndex);
        ResourceRecord soa = soaRecord(zone, catalog, guess ? zone.guessNegativeTtl() : zone.negativeTtl());
        negativeSoa.set(slot, new NegativeSoa(catalog.serial(), soa));
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
