package io.bucketdns.rgw;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An RGW admin API on 127.0.0.1 that behaves like the recorded one: zonegroups of the
 * zonegroup-map fixture, buckets kept here, a metadata log of {@value #SHARDS} shards written as
 * RGW writes it (instance then entrypoint, write then complete), paginated listings with opaque
 * markers and the string "true" for truncated. Requests must carry a SigV4 Authorization for
 * {@link #ACCESS_KEY}; resources can be denied to test missing caps.
 */
final class FakeRgw implements AutoCloseable {
    static final String ACCESS_KEY = "FAKEADMIN";
    static final String SECRET_KEY = "fake-secret";
    static final int SHARDS = 64;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    /** bucket name → {instance id, zonegroup id}, in listing order. */
    private final Map<String, String[]> buckets = new TreeMap<>();
    private final List<List<String[]>> log = new ArrayList<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private volatile String period = "period-1";
    private long sequence;

    FakeRgw() throws IOException {
        for (int i = 0; i < SHARDS; i++) {
            log.add(new ArrayList<>());
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/admin/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Creates a bucket (or moves it), logging it as RGW does. */
    synchronized void create(String bucket, String zonegroupId) {
        String id = "instance-" + (++sequence);
        buckets.put(bucket, new String[] {id, zonegroupId});
        logEntry("bucket.instance", bucket + ":" + id);
        logEntry("bucket", bucket);
    }

    /** Creates buckets without logging them: what existed before bucketdns started. */
    synchronized void preload(Map<String, String> bucketToZonegroupId) {
        bucketToZonegroupId.forEach((b, z) -> buckets.put(b, new String[] {"instance-" + (++sequence), z}));
    }

    synchronized void delete(String bucket) {
        String[] b = buckets.remove(bucket);
        logEntry("bucket.instance", bucket + ":" + b[0]);
        logEntry("bucket", bucket);
    }

    void deny(String resource) {
        denied.add(resource);
    }

    void newPeriod(String p) {
        period = p;
    }

    /** Requests seen for a resource, e.g. {@code metadata/bucket?key} for entrypoint reads. */
    int requests(String resource) {
        AtomicInteger n = requests.get(resource);
        return n == null ? 0 : n.get();
    }

    private void logEntry(String section, String name) {
        String bucket = section.equals("bucket") ? name : name.substring(0, name.indexOf(':'));
        for (String status : List.of("write", "complete")) {
            log.get(Math.floorMod(bucket.hashCode(), SHARDS)).add(new String[] {String.format("1_%020d.1", ++sequence), section, name, status});
        }
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String resource = x.getRequestURI().getPath().substring("/admin/".length());
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            String key = resource + (q.containsKey("key") ? "?key" : q.containsKey("info") ? "?info" : "");
            requests.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
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
            synchronized (this) {
                answer(x, resource, q);
            }
        }
    }

    private void answer(HttpExchange x, String resource, Map<String, String> q) throws IOException {
        switch (resource) {
            case "config" -> reply(x, 200, Fixtures.text("zonegroup-map.json"));
            case "realm" -> reply(x, 200, "{\"id\":\"r\",\"name\":\"lab\",\"current_period\":\"" + period + "\",\"epoch\":2}");
            case "metadata/bucket" -> {
                if (q.containsKey("key")) {
                    String[] b = buckets.get(q.get("key"));
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
                String[] b = buckets.get(k.substring(0, k.indexOf(':')));
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
        List<String> names = new ArrayList<>(buckets.keySet());
        int from = q.containsKey("marker") ? Integer.parseInt(new String(Base64.getDecoder().decode(q.get("marker")), StandardCharsets.UTF_8)) : 0;
        int max = Integer.parseInt(q.getOrDefault("max-entries", "1000"));
        int to = Math.min(names.size(), from + max);
        StringBuilder keys = new StringBuilder();
        for (int i = from; i < to; i++) {
            keys.append(i > from ? "," : "").append('"').append(names.get(i)).append('"');
        }
        // like RGW, say "true" when the page is full even if nothing follows
        boolean truncated = to - from == max;
        reply(x, 200, "{\"keys\":[" + keys + "],\"truncated\":\"" + truncated + "\",\"count\":" + (to - from)
                + (truncated ? ",\"marker\":\"" + Base64.getEncoder().encodeToString(Integer.toString(to).getBytes(StandardCharsets.UTF_8)) + "\"" : "")
                + "}");
    }

    private void mdlog(HttpExchange x, Map<String, String> q) throws IOException {
        if (!q.containsKey("id")) {
            reply(x, 200, "{\"num_objects\":" + SHARDS + ",\"period\":\"oldest-period\",\"realm_epoch\":1}");
            return;
        }
        List<String[]> shard = log.get(Integer.parseInt(q.get("id")));
        if (q.containsKey("info")) {
            reply(x, 200, "{\"marker\":\"" + (shard.isEmpty() ? "" : shard.get(shard.size() - 1)[0]) + "\",\"last_update\":\"0\"}");
            return;
        }
        String marker = q.getOrDefault("marker", "");
        int max = Integer.parseInt(q.getOrDefault("max-entries", "100"));
        StringBuilder entries = new StringBuilder();
        String last = "";
        int n = 0;
        boolean more = false;
        for (String[] e : shard) {
            if (e[0].compareTo(marker) <= 0) {
                continue;
            }
            if (n == max) {
                more = true;
                break;
            }
            entries.append(n++ > 0 ? "," : "").append("{\"id\":\"").append(e[0]).append("\",\"section\":\"").append(e[1])
                    .append("\",\"name\":\"").append(e[2]).append("\",\"data\":{\"status\":{\"status\":\"").append(e[3]).append("\"}}}");
            last = e[0];
        }
        reply(x, 200, "{\"marker\":\"" + last + "\",\"truncated\":" + more + ",\"entries\":[" + entries + "]}");
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
