package io.bucketdns.source.rgw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.Zonegroup;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The realm's zonegroups as {@code GET /admin/config?type=zonegroup-map} describes them.
 *
 * @param zonegroups every zonegroup, in RGW's order
 * @param masterZonegroupId the id of the master zonegroup, whose master zone is the metadata master
 */
public record ZonegroupMap(List<RgwZonegroup> zonegroups, String masterZonegroupId) {

    /** A zone: its id, name and endpoints (base URLs). */
    public record Zone(String id, String name, List<String> endpoints) {}

    /**
     * A zonegroup as RGW knows it.
     *
     * @param id the id bucket instances refer to
     * @param name its name, which the config's {@code [zonegroup.NAME]} sections use
     * @param apiName the S3 location constraint
     * @param hostnames the host names its gateways serve virtual-host buckets under
     * @param endpoints its endpoints (base URLs)
     * @param zones its zones
     * @param masterZoneId the zone that takes its metadata writes
     */
    public record RgwZonegroup(
            String id, String name, String apiName, List<String> hostnames, List<String> endpoints, List<Zone> zones, String masterZoneId) {}

    public ZonegroupMap {
        zonegroups = List.copyOf(zonegroups);
    }

    /** Reads the JSON of {@code /admin/config?type=zonegroup-map}. */
    public static ZonegroupMap parse(JsonNode n) {
        List<RgwZonegroup> out = new ArrayList<>();
        for (JsonNode entry : n.path("zonegroups")) {
            JsonNode z = entry.path("val");
            List<Zone> zones = new ArrayList<>();
            for (JsonNode zone : z.path("zones")) {
                zones.add(new Zone(zone.path("id").asText(""), zone.path("name").asText(""), baseUrls(zone.path("endpoints"))));
            }
            List<String> hostnames = new ArrayList<>();
            z.path("hostnames").forEach(h -> hostnames.add(dnsName(h.asText())));
            out.add(new RgwZonegroup(z.path("id").asText(entry.path("key").asText("")), z.path("name").asText(""),
                    z.path("api_name").asText(""), hostnames, baseUrls(z.path("endpoints")), zones, z.path("master_zone").asText("")));
        }
        if (out.isEmpty()) {
            throw new RgwException("GET /admin/config?type=zonegroup-map: no zonegroups in the answer", 200, "", null);
        }
        return new ZonegroupMap(out, n.path("master_zonegroup").asText(""));
    }

    /** The zonegroup with this id, or null. */
    RgwZonegroup byId(String id) {
        for (RgwZonegroup z : zonegroups) {
            if (z.id().equals(id)) {
                return z;
            }
        }
        return null;
    }

    /**
     * The name of the zonegroup a bucket instance names by id; a bucket from before multisite has
     * an empty id and lives in the master zonegroup. Null for an id the map does not know.
     */
    public String nameOf(String zonegroupId) {
        RgwZonegroup z = zonegroupId.isEmpty() ? master() : byId(zonegroupId);
        return z == null ? null : z.name();
    }

    /** The master zonegroup, or the first when the map names none. */
    public RgwZonegroup master() {
        RgwZonegroup m = byId(masterZonegroupId);
        return m != null ? m : zonegroups.get(0);
    }

    /** The endpoints of the metadata master zone: its metadata log has every change first. */
    public List<String> metadataMasterEndpoints() {
        RgwZonegroup m = master();
        for (Zone z : m.zones()) {
            if (z.id().equals(m.masterZoneId())) {
                return z.endpoints();
            }
        }
        return m.endpoints();
    }

    /**
     * Which zone's metadata log an endpoint serves: the zone id when the map lists the endpoint,
     * else the endpoint itself (a load balancer, say).
     */
    public String logOwner(String endpoint) {
        for (RgwZonegroup g : zonegroups) {
            for (Zone z : g.zones()) {
                if (z.endpoints().contains(endpoint)) {
                    return z.id();
                }
            }
        }
        return endpoint;
    }

    /**
     * The DNS target of every zonegroup, by name. A zonegroup's host is, in order: the config's
     * override; its first RGW hostname that is not one of the served global zones (a gateway that
     * also answers for {@code o.example.com} must not be a CNAME target for it); the host of its
     * first endpoint.
     *
     * @param overrides {@code [zonegroup.NAME] hostname} by zonegroup name
     * @param globalZones the served zones, lowercase without trailing dot
     * @throws CatalogException when a zonegroup has none of them
     */
    public Map<String, Zonegroup> targets(Map<String, String> overrides, Collection<String> globalZones) {
        Map<String, Zonegroup> out = new LinkedHashMap<>();
        for (RgwZonegroup z : zonegroups) {
            String host = target(z, overrides, globalZones);
            if (host == null) {
                throw new CatalogException(noTarget(z));
            }
            out.put(z.name(), new Zonegroup(z.name(), host, z.apiName()));
        }
        return out;
    }

    /** The DNS target of one zonegroup, by the rules of {@link #targets}; null when it has none. */
    public static String target(RgwZonegroup z, Map<String, String> overrides, Collection<String> globalZones) {
        String host = overrides.get(z.name());
        if (host == null) {
            host = z.hostnames().stream().filter(h -> !h.isEmpty() && !globalZones.contains(h)).findFirst().orElse(null);
        }
        if (host == null) {
            host = endpointsOf(z).stream().map(e -> URI.create(e).getHost()).findFirst().orElse(null);
        }
        return host;
    }

    /** Why a zonegroup has no DNS target, and the fix. */
    public static String noTarget(RgwZonegroup z) {
        return "zonegroup " + z.name() + " has no hostname that is not a served zone, and no endpoint;"
                + " fix: add [zonegroup." + z.name() + "] hostname = (its host suffix) to the config";
    }

    private static List<String> endpointsOf(RgwZonegroup z) {
        if (!z.endpoints().isEmpty()) {
            return z.endpoints();
        }
        List<String> all = new ArrayList<>();
        for (Zone zone : z.zones()) {
            all.addAll(zone.id().equals(z.masterZoneId()) ? 0 : all.size(), zone.endpoints());
        }
        return all;
    }

    private static List<String> baseUrls(JsonNode endpoints) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : endpoints) {
            String url = baseUrl(e.asText());
            if (url != null) {
                out.add(url);
            }
        }
        return out;
    }

    /**
     * An endpoint as a comparable base URL: lowercase {@code scheme://host[:port]}, without the
     * scheme's default port or any path; null when it is not an http(s) URL.
     */
    public static String baseUrl(String url) {
        try {
            URI u = new URI(url.contains("://") ? url : "http://" + url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                return null;
            }
            int port = u.getPort();
            boolean defaultPort = port == -1 || (port == 80 && scheme.equals("http")) || (port == 443 && scheme.equals("https"));
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String dnsName(String h) {
        String lower = h.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
