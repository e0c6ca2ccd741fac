package io.bucketdns.source.rgw;

import io.bucketdns.source.rgw.admin.AdminOps;
import io.bucketdns.source.rgw.admin.Fanout;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Where buckets are, by zonegroup name: RGW's look-up answers a zonegroup id, the zonegroup map in
 * force names it. One place for the rule shared by reconciliations, log rounds and on-demand
 * look-ups: an id the map does not list is a zonegroup created since the map was read, so the map
 * is read again once; a bucket whose id is still unknown is left out rather than guessed.
 *
 * <p>Threads: any; it keeps no state of its own (the map is read from {@code map} at each call).
 */
final class BucketLocator {
    private final Supplier<ZonegroupMap> map;
    private final Runnable refreshMap;
    private final int inFlight;

    /**
     * @param map the zonegroup map in force
     * @param refreshMap reads the map again (and puts it in force)
     * @param inFlight look-ups in flight at once when many buckets are located together
     */
    BucketLocator(Supplier<ZonegroupMap> map, Runnable refreshMap, int inFlight) {
        this.map = map;
        this.refreshMap = refreshMap;
        this.inFlight = inFlight;
    }

    /** Each bucket's zonegroup id (empty: it does not exist), asked of {@code via}, {@code inFlight} at a time. */
    List<Optional<String>> ids(AdminOps via, List<String> buckets) {
        return Fanout.map(buckets, inFlight, via::locate);
    }

    /**
     * Names the ids {@link #ids} found: bucket to zonegroup name, or to null when the bucket does
     * not exist; a bucket in a zonegroup the map does not list even after a fresh read is left out.
     *
     * @param logger whose log line says so: the caller's, so that operators' filters keep matching
     * @param leftOut the word that line uses for leaving it out
     */
    Map<String, String> names(List<String> buckets, List<Optional<String>> ids, Logger logger, String leftOut) {
        if (ids.stream().flatMap(Optional::stream).anyMatch(id -> map.get().nameOf(id) == null)) {
            refreshMap.run(); // a zonegroup created since the map was read
        }
        ZonegroupMap m = map.get();
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < buckets.size(); i++) {
            Optional<String> id = ids.get(i);
            String name = id.map(m::nameOf).orElse(null);
            if (id.isPresent() && name == null) {
                logger.warn("catalog: bucket {} is in zonegroup id '{}', which the zonegroup map does not list; {}", buckets.get(i), id.get(),
                        leftOut);
                continue;
            }
            out.put(buckets.get(i), name);
        }
        return out;
    }

    /** {@link #ids} then {@link #names}. */
    Map<String, String> locate(AdminOps via, List<String> buckets, Logger logger, String leftOut) {
        return buckets.isEmpty() ? Map.of() : names(buckets, ids(via, buckets), logger, leftOut);
    }

    /** One bucket's zonegroup name; empty when it does not exist or its zonegroup is not in the map. */
    Optional<String> locate(AdminOps via, String bucket) {
        return via.locate(bucket).map(map.get()::nameOf);
    }
}
