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
        Set<String> problems = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, String>> p : PROBES.entrySet()) {
            try {
                AdminApi.check(p.getKey(), http.getFrom(endpoint, p.getKey(), p.getValue()));
            } catch (IOException e) {
                return "unreachable (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
            } catch (RgwException e) {
                problems.add(e.getMessage());
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }
}
