package io.bucketdns.feed.haproxy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code bucketdns check} says about the HAProxy maps, one line per item: the map files and
 * the maps in the running HAProxy, each compared entry by entry with the catalog just loaded, and
 * whether the zonegroups' S3 regions tell them apart.
 */
public final class HaproxyCheck {
    private static final int EXAMPLES = 3;

    private HaproxyCheck() {}

    /** The items, each starting with {@code ok  }, {@code warn} or {@code FAIL}. */
    public static List<String> run(BucketDnsConfig.Haproxy settings, Catalog catalog) {
        MapEntries rules = new MapEntries(settings.omitZonegroup());
        Map<String, String> wanted = new HashMap<>();
        int unmappable = rules.forEach(catalog, wanted::put);
        Map<String, String> regions = RegionMap.of(catalog);
        String fix = "; fix: run bucketdns serve with this config, which keeps it current";
        List<String> lines = new ArrayList<>();
        lines.add(fileVerdict("haproxy map file ", settings.map(), wanted, fix));
        lines.add(fileVerdict("haproxy region map file ", settings.regionMap(), regions, fix));
        if (settings.runtimeSocket() != null) {
            String socket = RuntimeApi.describe(settings.runtimeSocket());
            try (RuntimeApi api = RuntimeApi.connect(settings.runtimeSocket(), Duration.ofSeconds(5))) {
                RuntimeApi.Instance haproxy = api.instance();
                String runtime = "haproxy runtime " + socket + " (HAProxy " + haproxy.version() + ", pid " + haproxy.pid() + ") ";
                lines.add(verdict(runtime + "map " + settings.map(), api.show(settings.map().toString()), wanted, fix));
                lines.add(runtimeRegions(api, runtime + "region map " + settings.regionMap(), settings.regionMap().toString(), regions, fix));
            } catch (RuntimeApi.ProtocolException e) {
                lines.add("FAIL haproxy runtime " + socket + ": " + e.getMessage());
            } catch (IOException e) {
                lines.add("FAIL haproxy runtime " + socket + ": unreachable (" + e.getMessage()
                        + "); fix: start HAProxy with 'stats socket " + socket + " level admin' in its global section");
            }
        }
        Set<String> shared = RegionMap.ambiguous(catalog);
        if (shared.isEmpty()) {
            lines.add("ok   haproxy regions: every zonegroup's api_name is its own " + regions);
        } else {
            lines.add("FAIL haproxy regions: zonegroups share the api_name " + String.join(", ", shared)
                    + ": a bucket created for it goes to the default backend; fix: give each zonegroup its own api_name"
                    + " (radosgw-admin zonegroup modify --rgw-zonegroup=NAME --api-name=REGION, then period update --commit)");
        }
        if (unmappable > 0) {
            lines.add("warn haproxy: " + unmappable + " buckets cannot be map keys (blanks, #, ;, quotes or \\ in their names); "
                    + "HAProxy sends them to its default backend");
        }
        return lines;
    }

    private static String fileVerdict(String what, Path file, Map<String, String> wanted, String fix) {
        try {
            return verdict(what + file, MapFile.read(file), wanted, fix);
        } catch (NoSuchFileException e) {
            return "FAIL " + what + file + ": missing" + fix;
        } catch (IOException e) {
            return "FAIL " + what + file + ": cannot read (" + e.getMessage() + "); fix: check its permissions";
        }
    }

    /** The running region map; one haproxy.cfg does not name is a failure of its own, with its fix. */
    private static String runtimeRegions(RuntimeApi api, String what, String map, Map<String, String> wanted, String fix)
            throws IOException {
        try {
            return verdict(what, api.show(map), wanted, fix);
        } catch (RuntimeApi.ProtocolException e) {
            return "FAIL " + what + ": HAProxy has no such map (" + e.getMessage() + "); fix: route unknown buckets by"
                    + " var(txn.region),map(" + map + ") in haproxy.cfg, as examples/haproxy/haproxy.cfg does";
        }
    }

    private static String verdict(String what, Map<String, String> actual, Map<String, String> wanted, String fix) {
        TreeSet<String> differ = new TreeSet<>();
        wanted.forEach((bucket, zonegroup) -> {
            if (!zonegroup.equals(actual.get(bucket))) {
                differ.add(bucket);
            }
        });
        actual.keySet().stream().filter(b -> !wanted.containsKey(b)).forEach(differ::add);
        if (differ.isEmpty()) {
            return "ok   " + what + ": " + actual.size() + " entries, agrees with the catalog";
        }
        List<String> examples = differ.stream().limit(EXAMPLES)
                .map(b -> b + " " + Objects.requireNonNullElse(actual.get(b), "(absent)") + " instead of "
                        + Objects.requireNonNullElse(wanted.get(b), "(absent)"))
                .toList();
        return "FAIL " + what + ": " + differ.size() + " of " + wanted.size() + " entries differ from the catalog, e.g. "
                + String.join(", ", examples) + fix;
    }
}
