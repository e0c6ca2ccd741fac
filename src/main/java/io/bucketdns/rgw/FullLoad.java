package io.bucketdns.rgw;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.dns.BucketName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists every bucket and finds its zonegroup: the first load, and the periodic safety net beside
 * the metadata log. Costs one listing request per {@value #PAGE} buckets plus two look-ups per
 * bucket, {@code inFlight} at a time; progress is logged every {@value #PROGRESS_SECONDS} s.
 *
 * <p>Buckets that can never be reached by a DNS name are skipped and counted: tenanted buckets
 * ({@code tenant/name}) and names outside the DNS rules (RGW's relaxed names, such as upper case).
 */
final class FullLoad {
    static final int PAGE = 1000;
    private static final long PROGRESS_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(FullLoad.class);

    /**
     * What a load found.
     *
     * @param buckets the buckets found, to be built into a snapshot
     * @param count how many buckets were found
     * @param tenanted buckets skipped because they belong to a tenant
     * @param notDnsNames buckets skipped because their name cannot be a DNS name
     * @param unplaced buckets skipped because their zonegroup is not in the map
     * @param seconds how long the load took
     */
    record Result(Catalog.Builder buckets, int count, int tenanted, int notDnsNames, int unplaced, double seconds) {
        String summary() {
            return String.format("%,d buckets in %.1f s (%,.0f/s)%s", count, seconds, count / Math.max(seconds, 0.001),
                    tenanted + notDnsNames + unplaced == 0 ? ""
                            : String.format("; skipped %d tenanted, %d not DNS names, %d in unknown zonegroups", tenanted, notDnsNames, unplaced));
        }
    }

    private FullLoad() {}

    /**
     * Loads every bucket.
     *
     * @param targets the zonegroups by name, with their DNS targets
     * @param defaultZonegroup where unknown buckets go
     * @throws RgwException when RGW fails (after the transport's retries)
     */
    static Result run(AdminApi api, ZonegroupMap map, Map<String, Zonegroup> targets, Zonegroup defaultZonegroup, int inFlight) {
        long start = System.nanoTime();
        long lastReport = start;
        Catalog.Builder builder = Catalog.builder(targets, defaultZonegroup, PAGE);
        int tenanted = 0;
        int notDns = 0;
        int unplaced = 0;
        int seen = 0;
        int found = 0;
        String marker = null;
        do {
            AdminApi.BucketPage page = api.listBuckets(marker, PAGE);
            if (page.truncated() && page.nextMarker().equals(marker)) {
                throw new RgwException("GET /admin/metadata/bucket: the listing does not advance (marker " + marker + ")", 200, "", null);
            }
            marker = page.nextMarker();
            List<String> names = new ArrayList<>(page.keys().size());
            for (String key : page.keys()) {
                if (key.indexOf('/') >= 0) {
                    tenanted++;
                } else if (!BucketName.isValid(key)) {
                    notDns++;
                } else {
                    names.add(key);
                }
            }
            List<Optional<String>> zonegroupIds = Fanout.map(names, inFlight, api::locate);
            for (int i = 0; i < names.size(); i++) {
                if (zonegroupIds.get(i).isEmpty()) {
                    continue; // deleted since listed
                }
                String zonegroup = map.nameOf(zonegroupIds.get(i).get());
                if (zonegroup == null || !targets.containsKey(zonegroup)) {
                    if (unplaced++ == 0) {
                        LOG.warn("catalog: bucket {} is in zonegroup id '{}', which the zonegroup map does not list; skipped",
                                names.get(i), zonegroupIds.get(i).get());
                    }
                    continue;
                }
                builder.put(names.get(i), zonegroup);
                found++;
            }
            seen += page.keys().size();
            long now = System.nanoTime();
            if (now - lastReport > PROGRESS_SECONDS * 1_000_000_000L) {
                lastReport = now;
                double s = (now - start) / 1e9;
                LOG.info("catalog: full load: {} buckets so far in {} s ({}/s)", String.format("%,d", seen), Math.round(s),
                        String.format("%,.0f", seen / s));
            }
        } while (marker != null);
        return new Result(builder, found, tenanted, notDns, unplaced, (System.nanoTime() - start) / 1e9);
    }
}
