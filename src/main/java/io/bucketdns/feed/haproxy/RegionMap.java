package io.bucketdns.feed.haproxy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.Zonegroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * HAProxy's second map: each zonegroup's S3 region ({@code api_name}) to its name. A request for a
 * bucket nobody knows (a {@code CreateBucket}, mostly) carries the region its client signed for in
 * its SigV4 credential scope; haproxy.cfg looks that region up here and sends the request to that
 * zonegroup's gateway, which creates the bucket at home. Small, and changed only when RGW's
 * zonegroup map changes.
 *
 * <p>A region two zonegroups share names neither (such a request goes to the default backend, as
 * an unsigned one does), and {@code check} says so; so does a region that cannot be a map key.
 */
final class RegionMap {
    private RegionMap() {}

    /** Region to zonegroup name, by region; regions that tell no single zonegroup are left out. */
    static Map<String, String> of(Catalog catalog) {
        Map<String, String> out = new TreeMap<>();
        Set<String> shared = ambiguous(catalog);
        for (Zonegroup z : catalog.zonegroups().values()) {
            if (!shared.contains(z.apiName()) && MapEntries.holds(z.apiName())) {
                out.put(z.apiName(), z.name());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The regions more than one zonegroup has. */
    static Set<String> ambiguous(Catalog catalog) {
        Set<String> seen = new TreeSet<>();
        Set<String> twice = new TreeSet<>();
        for (Zonegroup z : catalog.zonegroups().values()) {
            if (!seen.add(z.apiName())) {
                twice.add(z.apiName());
            }
        }
        return twice;
    }

    /** Writes the map of {@code catalog} to {@code path} whole (temporary file, then rename). */
    static int write(Path path, Catalog catalog) throws IOException {
        Map<String, String> regions = of(catalog);
        return MapFile.write(path, "api_name zonegroup, written by bucketdns from RGW's zonegroup map", regions::forEach);
    }
}
