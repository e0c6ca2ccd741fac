package io.bucketdns.answer;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogHistory;
import io.bucketdns.catalog.Zonegroup;
import java.util.List;
import java.util.function.Consumer;

/**
 * A served zone as a real zone, for a secondary that copies it (AXFR) or a PowerDNS that lists
 * it: what a name server holding only these records answers is what bucketdns answers, but for
 * the first-question RGW look-up of a bucket it does not know yet.
 *
 * <p>In order: the apex (SOA first, then NS, A, AAAA and the apex's static records), the static
 * records of other names, one CNAME per bucket of the catalog snapshot, and under
 * {@code unknown_bucket = default} a wildcard CNAME to the default zonegroup's host, so that a
 * secondary sends unknown names there too (a wildcard does not cover the empty non-terminals of
 * dotted buckets, which stay NODATA, as bucketdns answers them). Streamed, never collected:
 * memory stays flat whatever the catalog's size.
 */
public final class ZoneContents {
    private ZoneContents() {}

    /** Gives {@code out} every record of {@code zone} as of {@code catalog}, the SOA once, first. */
    public static void forEach(Zone zone, Catalog catalog, Consumer<ResourceRecord> out) {
        String apex = zone.absoluteName();
        Resolver.apexRecords(zone, catalog, apex).forEach(out);
        for (String name : zone.records().names()) {
            if (!name.equals(apex)) {
                zone.records().at(name).forEach(out);
            }
        }
        catalog.forEachBucket((bucket, zonegroup) -> served(zone, bucket, zonegroup, out));
        Zonegroup fallback = catalog.defaultZonegroup();
        if (zone.unknownBuckets() == UnknownBucketPolicy.DEFAULT && fallback != null) {
            out.accept(new ResourceRecord("*." + apex, RecordType.CNAME, zone.unknownTtl(), fallback.hostname() + "."));
        }
    }

    /**
     * The records the zone lost with some bucket changes, as an IXFR deletes them: each changed
     * bucket's record in its old zonegroup (a moved bucket loses one and gains one).
     */
    public static void removed(Zone zone, List<CatalogHistory.Change> changes, Consumer<ResourceRecord> out) {
        for (CatalogHistory.Change c : changes) {
            if (c.before() != null) {
                served(zone, c.bucket(), c.before(), out);
            }
        }
    }

    /** The records the zone gained with some bucket changes: each changed bucket's record in its new zonegroup. */
    public static void added(Zone zone, List<CatalogHistory.Change> changes, Consumer<ResourceRecord> out) {
        for (CatalogHistory.Change c : changes) {
            if (c.after() != null) {
                served(zone, c.bucket(), c.after(), out);
            }
        }
    }

    private static void served(Zone zone, String bucket, Zonegroup zonegroup, Consumer<ResourceRecord> out) {
        ResourceRecord r = bucket(zone, bucket, zonegroup);
        // a static record wins over a bucket of its name, in answers too; a CNAME beside it would be no zone
        if (zone.records().at(r.name()).isEmpty() && !zone.records().isNonTerminal(r.name())) {
            out.accept(r);
        }
    }

    /** The zone's SOA as of {@code catalog}: first and last in a transfer. */
    public static ResourceRecord soa(Zone zone, Catalog catalog) {
        return Resolver.soaRecord(zone, catalog, zone.soaTtl());
    }

    /** A bucket's CNAME, as {@link Resolver} answers it. */
    public static ResourceRecord bucket(Zone zone, String bucket, Zonegroup zonegroup) {
        return new ResourceRecord(bucket + "." + zone.absoluteName(), RecordType.CNAME, zone.defaultTtl(),
                bucket + "." + zonegroup.hostname() + ".");
    }
}
