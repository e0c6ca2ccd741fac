package io.bucketdns.feed.haproxy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What {@code bucketdns check} says about the HAProxy map, one line per item: the map file and
 * the map in the running HAProxy, each compared entry by entry with the catalog just loaded.
 */
public final class HaproxyCheck {
    private static final int EXAMPLES = 3;

    private HaproxyCheck() {}

    /** The items, each starting with {@code ok  } or {@code FAIL}. */
    public static List<String> run(BucketDnsConfig.Haproxy settings, Catalog catalog) {
        MapEntries rules = new MapEntries(settings.omitZonegroup());
        Map<String, String> wanted = new HashMap<>();
        int unmappable = rules.forEach(catalog, wanted::put);
        String map = settings.map().toString();
        String fix = "; fix: run bucketdns serve with this config, which keeps it current";
        List<String> lines = new ArrayList<>();
        try {
            lines.add(verdict("haproxy map file " + map, MapFile.read(settings.map()), wanted, fix));
        } catch (NoSuchFileException e) {
            lines.add("FAIL haproxy map file " + map + ": missing" + fix);
        } catch (IOException e) {
            lines.add("FAIL haproxy map file " + map + ": cannot read (" + e.getMessage() + "); fix: check its permissions");
        }
        if (settings.runtimeSocket() != null) {
            String socket = RuntimeApi.describe(settings.runtimeSocket());
            try (RuntimeApi api = RuntimeApi.connect(settings.runtimeSocket(), Duration.ofSeconds(5))) {
                RuntimeApi.Instance haproxy = api.instance();
                lines.add(verdict("haproxy runtime " + socket + " (HAProxy " + haproxy.version() + ", pid " + haproxy.pid() + ") map " + map,
                        api.show(map), wanted, fix));
            } catch (RuntimeApi.ProtocolException e) {
                lines.add("FAIL haproxy runtime " + socket + ": " + e.getMessage());
            } catch (IOException e) {
                lines.add("FAIL haproxy runtime " + socket + ": unreachable (" + e.getMessage()
                        + "); fix: start HAProxy with 'stats socket " + socket + " level admin' in its global section");
            }
        }
        if (unmappable > 0) {
            lines.add("warn haproxy: " + unmappable + " buckets cannot be map keys (blanks, #, ;, quotes or \\ in their names); "
                    + "HAProxy sends them to its default backend");
        }
        return lines;
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
