package io.bucketdns.source.rgw;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.RgwException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@link MemoryRgw} served as RGW's admin API on 127.0.0.1, answering with the JSON RGW sends.
 * Requests must carry a SigV4 Authorization for {@link #ACCESS_KEY}; resources can be denied to
 * test missing caps.
 */
final class FakeRgw implements AutoCloseable {
    static final String ACCESS_KEY = "FAKEADMIN";
    static final String SECRET_KEY = "fake-secret";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final MemoryRgw rgw = new MemoryRgw();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();

    FakeRgw() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/admin/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The realm behind it, to create and delete buckets, fail requests and count them. */
    MemoryRgw realm() {
        return rgw;
    }

    /** Creates a bucket (or moves it), logging it as RGW does. */
    void create(String bucket, String zonegroupId) {
        rgw.create(bucket, zonegroupId);
    }

    /** Creates buckets without logging them: what existed before bucketdns started. */
    void preload(Map<String, String> bucketToZonegroupId) {
        rgw.preload(bucketToZonegroupId);
    }

    void delete(String bucket) {
        rgw.delete(bucket);
    }

    void deny(String resource) {
        denied.add(resource);
    }

    void newPeriod(String p) {
        rgw.newPeriod(p);
    }

    /** Requests seen for a resource, e.g. {@code metadata/bucket?key} for entrypoint reads. */
    int requests(String resource) {
        return rgw.requests(resource);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String resource = x.getRequestURI().getPath().substring("/admin/".length());
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            String key = resource + (q.containsKey("key") ? "?key" : q.containsKey("info") ? "?info" : "");
            try {
                rgw.request(key);
            } catch (RgwException e) {
                reply(x, 503, "{\"Code\":\"ServiceUnavailable\"}");
                return;
            }
            String auth = x.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
                    || x.getRequestHeaders().getFirst("x-amz-content-sha256") == null) {
                reply(x, 403, "{\"Code\":\"SignatureDoesNotMatch\"}");
                return;
            }
            if (denied.contains(resource)) {
                reply(x, 403, "{\"Code\":\"AccessDenied\"}");
                return;
            }
            answer(x, resource, q);
        }
    }

    private void answer(HttpExchange x, String resource, Map<String, String> q) throws IOException {
        switch (resource) {
            case "config" -> reply(x, 200, Fixtures.text("zonegroup-map.json"));
            case "realm" -> reply(x, 200, "{\"id\":\"r\",\"name\":\"lab\",\"current_period\":\"" + rgw.period() + "\",\"epoch\":2}");
            case "metadata/bucket" -> {
                if (q.containsKey("key")) {
                    String[] b = rgw.bucket(q.get("key"));
                    if (b == null) {
                        reply(x, 404, Fixtures.text("error-no-such-key.json"));
                    } else {
                        reply(x, 200, "{\"key\":\"bucket:" + q.get("key") + "\",\"data\":{\"bucket\":{\"name\":\"" + q.get("key")
                                + "\",\"bucket_id\":\"" + b[0] + "\",\"tenant\":\"\"}}}");
                    }
                } else {
                    listBuckets(x, q);
                }
            }
            case "metadata/bucket.instance" -> {
                String k = q.get("key");
                String[] b = rgw.bucket(k.substring(0, k.indexOf(':')));
                if (b == null || !k.endsWith(":" + b[0])) {
                    reply(x, 404, Fixtures.text("error-no-such-key.json"));
                } else {
                    reply(x, 200, "{\"key\":\"bucket.instance:" + k + "\",\"data\":{\"bucket_info\":{\"zonegroup\":\"" + b[1] + "\"}}}");
                }
            }
            case "log" -> mdlog(x, q);
            default -> reply(x, 404, "{\"Code\":\"NoSuchBucket\"}");
        }
    }

    private void listBuckets(HttpExchange x, Map<String, String> q) throws IOException {
        AdminApi.BucketPage page = rgw.page(q.get("marker"), Integer.parseInt(q.getOrDefault("max-entries", "1000")));
        StringBuilder keys = new StringBuilder();
        for (String name : page.keys()) {
            keys.append(keys.isEmpty() ? "" : ",").append('"').append(name).append('"');
        }
        reply(x, 200, "{\"keys\":[" + keys + "],\"truncated\":\"" + page.truncated() + "\",\"count\":" + page.keys().size()
                + (page.truncated() ? ",\"marker\":\"" + page.nextMarker() + "\"" : "") + "}");
    }

    private void mdlog(HttpExchange x, Map<String, String> q) throws IOException {
        if (!q.containsKey("id")) {
            reply(x, 200, "{\"num_objects\":" + MemoryRgw.SHARDS + ",\"period\":\"oldest-period\",\"realm_epoch\":1}");
            return;
        }
        int shard = Integer.parseInt(q.get("id"));
        if (q.containsKey("info")) {
            reply(x, 200, "{\"marker\":\"" + rgw.shardEnd(shard) + "\",\"last_update\":\"0\"}");
            return;
        }
        Map.Entry<List<String[]>, Boolean> page = rgw.entries(shard, q.getOrDefault("marker", ""),
                Integer.parseInt(q.getOrDefault("max-entries", "100")));
        StringBuilder entries = new StringBuilder();
        String last = "";
        for (String[] e : page.getKey()) {
            entries.append(entries.isEmpty() ? "" : ",").append("{\"id\":\"").append(e[0]).append("\",\"section\":\"").append(e[1])
                    .append("\",\"name\":\"").append(e[2]).append("\",\"data\":{\"status\":{\"status\":\"").append(e[3]).append("\"}}}");
            last = e[0];
        }
        reply(x, 200, "{\"marker\":\"" + last + "\",\"truncated\":" + page.getValue() + ",\"entries\":[" + entries + "]}");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String p : raw.split("&")) {
                int eq = p.indexOf('=');
                out.put(URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
