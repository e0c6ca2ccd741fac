package io.bucketdns.source.rgw;

import io.bucketdns.answer.Zone;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.AdminCallObserver;
import io.bucketdns.source.rgw.admin.AdminHttp;
import io.bucketdns.source.rgw.admin.RequestSigner;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import io.bucketdns.tls.TlsTrust;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code bucketdns check} says about RGW, one line per item, each starting with its verdict
 * ({@code ok}, {@code FAIL} or {@code skip}):
 *
 * <ul>
 *   <li>for every endpoint, whether it is reachable (for https, whether its certificate is
 *       trusted, and if not why: unknown CA, expired, host name), and whether it accepts the admin
 *       key and the user has each cap bucketdns needs, naming the missing one;
 *   <li>for every zonegroup, whether its {@code hostnames} include every served zone. The client
 *       follows the CNAME to the zonegroup's gateway but still sends {@code Host:
 *       bucket.o.example.com}; a gateway that does not count {@code o.example.com} among its
 *       hostnames takes the whole host for a bucket name and answers {@code NoSuchBucket}. (A
 *       gateway's {@code rgw_dns_name} in its ceph.conf is one more such name, which the admin API
 *       does not show: the check asks for the zonegroup map, the place multisite keeps them.)
 * </ul>
 */
public final class RgwCheck {
    /** One request per cap, each needing exactly that cap. */
    private static final Map<String, Map<String, String>> PROBES = new LinkedHashMap<>();

    static {
        PROBES.put("metadata/bucket", Map.of("max-entries", "1"));
        PROBES.put("config", Map.of("type", "zonegroup-map"));
        Map<String, String> log = new LinkedHashMap<>();
        log.put("type", "metadata");
        log.put("info", null);
        PROBES.put("log", log);
    }

    /**
     * The result.
     *
     * @param lines one per item, starting with {@code ok  }, {@code FAIL} or {@code skip}
     * @param ok true when no item failed
     * @param usableEndpoints how many endpoints passed every endpoint item: with none, loading the
     *     catalog cannot work either
     */
    public record Report(List<String> lines, boolean ok, int usableEndpoints) {}

    private RgwCheck() {}

    /** Asks every configured endpoint once per cap, then the zonegroup map; no retries. */
    public static Report run(BucketDnsConfig config) {
        AdminHttp.Timing quick = new AdminHttp.Timing(Duration.ofSeconds(3), Duration.ofSeconds(10), 1, Duration.ZERO, Duration.ZERO);
        List<String> lines = new ArrayList<>();
        int usable = 0;
        TlsTrust tls = config.rgw().tls();
        try (AdminHttp http = new AdminHttp(RgwCatalogSource.endpoints(config.rgw()), config.rgw().adminEntry(),
                RequestSigner.of(config.rgw()), quick, AdminCallObserver.NONE, tls)) {
            for (String endpoint : http.endpoints()) {
                List<String> endpointLines = probe(http, endpoint, tls);
                lines.addAll(endpointLines);
                usable += endpointLines.stream().allMatch(l -> l.startsWith("ok")) ? 1 : 0;
            }
            List<String> zones = config.zones().stream().map(Zone::name).toList();
            try {
                ZonegroupMap map = new AdminApi(http).zonegroupMap();
                lines.addAll(hostnameLines(map, config.zonegroupHostnames(), zones));
            } catch (RgwException e) {
                // every endpoint failed a probe already when none serves the map: no second FAIL for it
                lines.add((usable == 0 ? "skip" : "FAIL") + " zonegroups: hostnames not checked: cannot read the zonegroup map ("
                        + e.getMessage() + ")");
            }
        }
        return new Report(lines, lines.stream().noneMatch(l -> l.startsWith("FAIL")), usable);
    }

    /**
     * One line per zonegroup, by name: whether its hostnames include every served zone.
     *
     * @param overrides {@code [zonegroup.NAME] hostname} by zonegroup name
     * @param zones the served zones, lowercase without trailing dot
     */
    static List<String> hostnameLines(ZonegroupMap map, Map<String, String> overrides, Collection<String> zones) {
        List<String> lines = new ArrayList<>();
        // by name: RGW's own order changes with period commits, and two runs should read alike
        List<ZonegroupMap.RgwZonegroup> byName = map.zonegroups().stream().sorted(Comparator.comparing(ZonegroupMap.RgwZonegroup::name)).toList();
        for (ZonegroupMap.RgwZonegroup z : byName) {
            List<String> missing = zones.stream().filter(zone -> !z.hostnames().contains(zone)).toList();
            String target = ZonegroupMap.target(z, overrides, zones);
            if (!missing.isEmpty()) {
                String lacking = String.join(", ", missing);
                lines.add("FAIL zonegroup " + z.name() + ": hostnames " + z.hostnames() + " lack " + lacking
                        + ", so its gateways answer Host: BUCKET." + missing.get(0) + " with NoSuchBucket after the CNAME;"
                        + " fix: add " + lacking + " to its \"hostnames\" (radosgw-admin zonegroup get --rgw-zonegroup=" + z.name()
                        + " > zg.json, edit, radosgw-admin zonegroup set --rgw-zonegroup=" + z.name()
                        + " --infile zg.json, radosgw-admin period update --commit), then restart its radosgw");
            } else if (target == null) {
                lines.add("FAIL " + ZonegroupMap.noTarget(z));
            } else {
                lines.add("ok   zonegroup " + z.name() + ": hostnames " + z.hostnames() + " include " + String.join(", ", zones)
                        + "; CNAME target " + target);
            }
        }
        return lines;
    }

    /** The lines of one endpoint: reachable or not, then (when reachable) its key and caps. */
    private static List<String> probe(AdminHttp http, String endpoint, TlsTrust tls) {
        List<String> missingCaps = new ArrayList<>();
        Set<String> problems = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, String>> p : PROBES.entrySet()) {
            String resource = p.getKey();
            try {
                AdminApi.check(resource, http.getFrom(endpoint, resource, p.getValue()));
            } catch (IOException e) {
                Optional<String> tlsProblem = tls.explain(e);
                if (tlsProblem.isPresent()) {
                    return List.of("FAIL rgw " + endpoint + ": " + tlsProblem.get());
                }
                return List.of("FAIL rgw " + endpoint + ": unreachable (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); fix: start its radosgw, or remove it from rgw_endpoint");
            } catch (RgwException e) {
                if ("AccessDenied".equals(e.code())) {
                    missingCaps.add(AdminApi.capFor(resource));
                } else {
                    problems.add("HTTP " + e.status() + (e.code().isEmpty() ? "" : " " + e.code()) + AdminApi.hint(resource, e.status(), e.code()));
                }
            }
        }
        if (!missingCaps.isEmpty()) {
            String caps = String.join(";", missingCaps);
            problems.add("access denied: the admin user lacks " + caps + " (radosgw-admin caps add --uid=USER --caps='" + caps + "')");
        }
        boolean unverified = endpoint.startsWith("https:") && !tls.verify();
        return List.of("ok   rgw " + endpoint + ": reachable" + (unverified ? " (certificate NOT verified: rgw_tls_verify = false)" : ""),
                problems.isEmpty()
                        ? "ok   rgw " + endpoint + ": admin key accepted; caps metadata=read, zone=read, mdlog=read present"
                        : "FAIL rgw " + endpoint + ": " + String.join("; ", problems));
    }
}
