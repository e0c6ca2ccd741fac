package io.bucketdns.source.rgw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few Admin Ops calls bucketdns makes, as typed results. Each needs one read cap of the admin
 * user: {@code metadata} for {@code /admin/metadata}, {@code zone} for {@code /admin/config} and
 * {@code /admin/realm}, {@code mdlog} for {@code /admin/log}; an access-denied answer names the
 * missing one.
 *
 * <p>The parsing methods are static and take the JSON as RGW sends it, so that they are tested on
 * answers recorded from a real gateway.
 */
public final class AdminApi implements AdminOps {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One page of bucket names; {@code nextMarker} continues the listing when {@code truncated}. */
    public record BucketPage(List<String> keys, String nextMarker, boolean truncated) {}

    /**
     * The metadata log as it is now.
     *
     * @param shards how many shards it has
     * @param period the realm's current period, whose log is read ({@code ""} without a realm)
     * @param endpoint the endpoint that answered for the log, which tells whose log it is
     */
    public record MdlogInfo(int shards, String period, String endpoint) {}

    /** The newest entry id of a shard ({@code ""} when it is empty), and the endpoint that told. */
    public record ShardMarker(String marker, String endpoint) {}

    /** A change to a metadata object, as the metadata log records it. */
    public record MdlogEntry(String id, String section, String name) {
        /** The bucket the entry is about, for the {@code bucket} and {@code bucket.instance} sections; else null. */
        public String bucket() {
            return switch (section) {
                case "bucket" -> name;
                case "bucket.instance" -> name.indexOf(':') > 0 ? name.substring(0, name.indexOf(':')) : null;
                default -> null;
            };
        }
    }

    /**
     * Entries of one shard after a marker; {@code marker} is the last entry's id, empty when there
     * is none; {@code endpoint} is the one that answered, whose zone's log this is.
     */
    public record MdlogPage(List<MdlogEntry> entries, String marker, boolean truncated, String endpoint) {}

    private final AdminHttp http;
    private final AdminHttp.Route route;

    public AdminApi(AdminHttp http) {
        this(http, AdminHttp.Route.ANY);
    }

    private AdminApi(AdminHttp http, AdminHttp.Route route) {
        this.http = http;
        this.route = route;
    }

    @Override
    public AdminApi pinnedTo(List<String> endpoints) {
        return new AdminApi(http, new AdminHttp.Route(List.copyOf(endpoints)));
    }

    public AdminHttp http() {
        return http;
    }

    /** {@code GET /admin/config?type=zonegroup-map}: every zonegroup of the period. */
    @Override
    public ZonegroupMap zonegroupMap() {
        return ZonegroupMap.parse(json(ok("config", query("type", "zonegroup-map"))));
    }

    /** {@code GET /admin/metadata/bucket}: one page of bucket names, after {@code marker} (null at first). */
    @Override
    public BucketPage listBuckets(String marker, int maxEntries) {
        Map<String, String> q = query("max-entries", Integer.toString(maxEntries));
        if (marker != null) {
            q.put("marker", marker);
        }
        return parseBucketPage(json(ok("metadata/bucket", q)));
    }

    /** The bucket's current instance id, from its entrypoint; empty when the bucket does not exist. */
    Optional<String> bucketId(String bucket) {
        return found("metadata/bucket", query("key", bucket)).map(AdminApi::parseBucketId);
    }

    /** The zonegroup id an instance was created in ({@code ""} for buckets older than multisite); empty when it is gone. */
    Optional<String> instanceZonegroup(String bucket, String bucketId) {
        return found("metadata/bucket.instance", query("key", bucket + ":" + bucketId)).map(AdminApi::parseInstanceZonegroup);
    }

    /**
     * Where a bucket lives: its entrypoint names the current instance, whose info names the
     * zonegroup. Deleted buckets leave instances behind, so existence is the entrypoint's.
     *
     * @return the zonegroup id ({@code ""} for buckets older than multisite); empty when the bucket
     *     does not exist
     */
    @Override
    public Optional<String> locate(String bucket) {
        Optional<String> id = bucketId(bucket);
        return id.isEmpty() ? Optional.empty() : instanceZonegroup(bucket, id.get());
    }

    /**
     * {@code GET /admin/log?type=metadata&info} for the shard count, and {@code GET /admin/realm}
     * for the period: the former names the oldest period with a log, not the current one.
     */
    @Override
    public MdlogInfo mdlogInfo() {
        Map<String, String> q = query("type", "metadata");
        q.put("info", null);
        AdminHttp.Reply r = ok("log", q);
        int shards = parseShardCount(json(r));
        String period = found("realm", Map.of()).map(AdminApi::parseCurrentPeriod).orElse("");
        return new MdlogInfo(shards, period, r.endpoint());
    }

    /** {@code GET /admin/log?type=metadata&id=SHARD&info}: where following a shard starts. */
    @Override
    public ShardMarker shardMarker(int shard) {
        Map<String, String> q = query("type", "metadata");
        q.put("id", Integer.toString(shard));
        q.put("info", null);
        AdminHttp.Reply r = ok("log", q);
        return new ShardMarker(json(r).path("marker").asText(""), r.endpoint());
    }

    /** Entries of a shard after {@code marker} ({@code ""} for the start). */
    @Override
    public MdlogPage mdlogEntries(int shard, String marker, int maxEntries) {
        Map<String, String> q = query("type", "metadata");
        q.put("id", Integer.toString(shard));
        if (!marker.isEmpty()) {
            q.put("marker", marker);
        }
        q.put("max-entries", Integer.toString(maxEntries));
        AdminHttp.Reply r = ok("log", q);
        return parseMdlogPage(json(r), r.endpoint());
    }

    static BucketPage parseBucketPage(JsonNode n) {
        if (n.isArray()) {
            return new BucketPage(strings(n), null, false);
        }
        boolean truncated = flag(n.path("truncated"));
        String marker = n.path("marker").asText("");
        if (truncated && marker.isEmpty()) {
            throw malformed("metadata/bucket", "truncated listing without a marker");
        }
        return new BucketPage(strings(n.path("keys")), truncated ? marker : null, truncated);
    }

    static String parseBucketId(JsonNode n) {
        String id = n.path("data").path("bucket").path("bucket_id").asText("");
        if (id.isEmpty()) {
            throw malformed("metadata/bucket", "entrypoint without data.bucket.bucket_id");
        }
        return id;
    }

    static String parseInstanceZonegroup(JsonNode n) {
        JsonNode info = n.path("data").path("bucket_info");
        if (info.isMissingNode()) {
            throw malformed("metadata/bucket.instance", "instance without data.bucket_info");
        }
        return info.path("zonegroup").asText("");
    }

    static int parseShardCount(JsonNode n) {
        int shards = n.path("num_objects").asInt(0);
        if (shards <= 0) {
            throw malformed("log?type=metadata&info", "no num_objects");
        }
        return shards;
    }

    static String parseCurrentPeriod(JsonNode n) {
        return n.path("current_period").asText("");
    }

    public static MdlogPage parseMdlogPage(JsonNode n, String endpoint) {
        List<MdlogEntry> entries = new ArrayList<>();
        for (JsonNode e : n.path("entries")) {
            entries.add(new MdlogEntry(e.path("id").asText(""), e.path("section").asText(""), e.path("name").asText("")));
        }
        return new MdlogPage(entries, n.path("marker").asText(""), flag(n.path("truncated")), endpoint);
    }

    /** RGW writes some booleans as JSON booleans and others as the strings "true"/"false". */
    private static boolean flag(JsonNode n) {
        return n.isBoolean() ? n.booleanValue() : "true".equalsIgnoreCase(n.asText());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        array.forEach(k -> out.add(k.asText()));
        return out;
    }

    private static Map<String, String> query(String name, String value) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put(name, value);
        return q;
    }

    private Optional<JsonNode> found(String resource, Map<String, String> query) {
        AdminHttp.Reply r = http.get(resource, query, route);
        if (r.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(json(check(resource, r)));
    }

    private AdminHttp.Reply ok(String resource, Map<String, String> query) {
        return check(resource, http.get(resource, query, route));
    }

    /** The reply when it is a success, else an exception saying what to fix. */
    public static AdminHttp.Reply check(String resource, AdminHttp.Reply r) {
        if (r.status() / 100 == 2) {
            return r;
        }
        String code = errorCode(r);
        throw new RgwException("GET /admin/" + resource + " on " + r.endpoint() + ": HTTP " + r.status()
                + (code.isEmpty() ? "" : " " + code) + hint(resource, r.status(), code), r.status(), code, null);
    }

    /** What an operator should do about an error answer. */
    public static String hint(String resource, int status, String code) {
        return switch (code) {
            case "AccessDenied" -> ": the admin user lacks the " + capFor(resource) + " cap (radosgw-admin caps add --uid=USER --caps='"
                    + capFor(resource) + "')";
            case "InvalidAccessKeyId" -> ": RGW does not know rgw_access_key";
            case "SignatureDoesNotMatch" -> ": rgw_secret_key does not match rgw_access_key (or the gateway expects another rgw_signature)";
            case "RequestTimeTooSkewed" -> ": this machine's clock differs from RGW's by more than 15 minutes";
            default -> status == 404 ? ": is rgw_admin_entry right, and is this an RGW?" : "";
        };
    }

    /** The cap a resource needs, as radosgw-admin writes it. */
    public static String capFor(String resource) {
        if (resource.startsWith("metadata")) {
            return "metadata=read";
        }
        return resource.startsWith("log") ? "mdlog=read" : "zone=read";
    }

    private static String errorCode(AdminHttp.Reply r) {
        try {
            return JSON.readTree(r.body()).path("Code").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static JsonNode json(AdminHttp.Reply r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new RgwException("answer from " + r.endpoint() + " is not JSON: " + AdminHttp.abbreviate(r.text()), r.status(), "", e);
        }
    }

    private static RgwException malformed(String resource, String what) {
        return new RgwException("GET /admin/" + resource + ": unexpected answer: " + what, 200, "", null);
    }
}
