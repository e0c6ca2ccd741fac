package io.bucketdns.rgw;

import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code bucketdns check} says about RGW: for every endpoint, whether it answers, and whether
 * the admin user has each cap bucketdns needs, naming the missing one.
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
     * @param lines one per endpoint, starting with {@code ok} or {@code FAIL}
     * @param ok true when every endpoint passed
     */
    public record Report(List<String> lines, boolean ok) {}

    private RgwCheck() {}

    /** Asks every configured endpoint once per cap, without retries. */
    public static Report run(BucketDnsConfig config) {
        AdminHttp.Timing quick = new AdminHttp.Timing(Duration.ofSeconds(3), Duration.ofSeconds(10), 1, Duration.ZERO, Duration.ZERO);
        List<String> lines = new ArrayList<>();
        boolean ok = true;
        try (AdminHttp http = new AdminHttp(RgwCatalogSource.endpoints(config.rgw()), config.rgw().adminEntry(),
                RequestSigner.of(config.rgw()), quick)) {
            for (String endpoint : http.endpoints()) {
                String problem = probe(http, endpoint);
                ok &= problem == null;
                lines.add(problem == null
                        ? "ok   rgw " + endpoint + ": answers; caps metadata=read, zone=read, mdlog=read present"
                        : "FAIL rgw " + endpoint + ": " + problem);
            }
        }
        return new Report(lines, ok);
    }

    /** What is wrong with an endpoint, or null when nothing is. */
    private static String probe(AdminHttp http, String endpoint) {
        List<String> missingCaps = new ArrayList<>();
        Set<String> problems = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, String>> p : PROBES.entrySet()) {
            String resource = p.getKey();
            try {
                AdminApi.check(resource, http.getFrom(endpoint, resource, p.getValue()));
            } catch (IOException e) {
                return "unreachable (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
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
        return problems.isEmpty() ? null : String.join("; ", problems);
    }
}
