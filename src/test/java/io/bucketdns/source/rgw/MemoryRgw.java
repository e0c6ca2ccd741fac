package io.bucketdns.source.rgw;

import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.AdminOps;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An RGW realm's metadata in memory, behaving like the recorded one: zonegroups of the
 * zonegroup-map fixture, buckets kept here, a metadata log of {@value #SHARDS} shards written as
 * RGW writes it (instance then entrypoint, write then complete, in the shard RGW's hash picks),
 * paginated listings with opaque markers and {@code truncated} when a page is full. Counts every
 * request as RGW would see it, and can fail requests on cue.
 *
 * <p>{@link FakeRgw} serves it over HTTP; tests of the catalog pipeline use it directly, where a
 * million buckets take seconds.
 */
final class MemoryRgw implements AdminOps {
    static final int SHARDS = 64;
    static final String ENDPOINT = "http://memory-rgw";

    /** bucket name → {instance id, zonegroup id}, in listing order. */
    private final TreeMap<String, String[]> buckets = new TreeMap<>();
    private final List<List<String[]>> log = new ArrayList<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile String period = "period-1";
    private long sequence;

    MemoryRgw() {
        for (int i = 0; i < SHARDS; i++) {
            log.add(new ArrayList<>());
        }
    }

    /** Creates a bucket (or moves it), logging it as RGW does. */
    synchronized void create(String bucket, String zonegroupId) {
        String id = "instance-" + (++sequence);
        buckets.put(bucket, new String[] {id, zonegroupId});
        logEntry("bucket.instance", bucket + ":" + id);
        logEntry("bucket", bucket);
    }

    /** Creates buckets without logging them: what existed before bucketdns started, or what a trimmed log forgot. */
    synchronized void preload(Map<String, String> bucketToZonegroupId) {
        bucketToZonegroupId.forEach((b, z) -> buckets.put(b, new String[] {"instance-" + (++sequence), z}));
    }

    synchronized void delete(String bucket) {
        String[] b = buckets.remove(bucket);
        logEntry("bucket.instance", bucket + ":" + b[0]);
        logEntry("bucket", bucket);
    }

    /** Deletes a bucket without logging it. */
    synchronized void forget(String bucket) {
        buckets.remove(bucket);
    }

    void newPeriod(String p) {
        period = p;
    }

    /** Requests for {@code resource} fail (as an unreachable gateway would) until {@link #heal}. */
    void fail(String resource) {
        failing.add(resource);
    }

    /** The next {@code n} requests of any kind fail. */
    void failNext(int n) {
        failuresLeft.set(n);
    }

    void heal() {
        failing.clear();
        failuresLeft.set(0);
    }

    /** Requests seen for a resource: {@code metadata/bucket} (listings), {@code metadata/bucket?key}, {@code log}... */
    int requests(String resource) {
        AtomicInteger n = requests.get(resource);
        return n == null ? 0 : n.get();
    }

    /** Every request seen so far. */
    int requests() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    synchronized String period() {
        return period;
    }

    /**
     * Waits until {@code resource} has seen {@code count} requests, woken by each one counted.
     *
     * @return whether it had within {@code limit}
     */
    synchronized boolean awaitRequests(String resource, int count, java.time.Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (requests(resource) < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Counts a request, and fails it when told to. */
    void request(String key) {
        requests.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        synchronized (this) {
            notifyAll();
        }
        String resource = key.contains("?") ? key.substring(0, key.indexOf('?')) : key;
        if (failing.contains(resource) || failing.contains(key) || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new RgwException("GET /admin/" + key + ": no RGW endpoint answered (memory-rgw is failing on cue)", 0, "", null);
        }
    }

    private void logEntry(String section, String name) {
        String bucket = section.equals("bucket") ? name : name.substring(0, name.indexOf(':'));
        for (String status : List.of("write", "complete")) {
            log.get(MetadataLogFollower.shardOf(bucket, SHARDS)).add(new String[] {String.format("1_%020d.1", ++sequence), section, name, status});
        }
    }

    // What each Admin Ops call answers (the HTTP fake turns these into RGW's JSON).

    synchronized String[] bucket(String name) {
        return buckets.get(name);
    }

    /** Names after the opaque marker, and the next marker (null when this is the last page). */
    synchronized AdminApi.BucketPage page(String marker, int max) {
        String after = marker == null ? null : new String(Base64.getDecoder().decode(marker), StandardCharsets.UTF_8);
        var tail = after == null ? buckets : buckets.tailMap(after, false);
        List<String> names = new ArrayList<>(Math.min(max, tail.size()));
        for (String n : tail.keySet()) {
            if (names.size() == max) {
                break;
            }
            names.add(n);
        }
        // like RGW, say "true" when the page is full even if nothing follows
        boolean truncated = names.size() == max;
        String next = truncated ? Base64.getEncoder().encodeToString(names.get(names.size() - 1).getBytes(StandardCharsets.UTF_8)) : null;
        return new AdminApi.BucketPage(names, next, truncated);
    }

    synchronized String shardEnd(int shard) {
        List<String[]> s = log.get(shard);
        return s.isEmpty() ? "" : s.get(s.size() - 1)[0];
    }

    /** Entries {id, section, name, status} of a shard after {@code marker}, at most {@code max}; the boolean: more follow. */
    synchronized Map.Entry<List<String[]>, Boolean> entries(int shard, String marker, int max) {
        List<String[]> out = new ArrayList<>();
        for (String[] e : log.get(shard)) {
            if (e[0].compareTo(marker) <= 0) {
                continue;
            }
            if (out.size() == max) {
                return Map.entry(out, true);
            }
            out.add(e);
        }
        return Map.entry(out, false);
    }

    // AdminOps, for tests of the pipeline without HTTP.

    @Override
    public ZonegroupMap zonegroupMap() {
        request("config");
        return ZonegroupMap.parse(Fixtures.json("zonegroup-map.json"));
    }

    @Override
    public AdminApi.BucketPage listBuckets(String marker, int maxEntries) {
        request("metadata/bucket");
        return page(marker, maxEntries);
    }

    @Override
    public Optional<String> locate(String bucket) {
        request("metadata/bucket?key");
        if (bucket(bucket) == null) {
            return Optional.empty();
        }
        request("metadata/bucket.instance?key");
        String[] b = bucket(bucket);
        return b == null ? Optional.empty() : Optional.of(b[1]);
    }

    @Override
    public AdminApi.MdlogInfo mdlogInfo() {
        request("log?info");
        return new AdminApi.MdlogInfo(SHARDS, period(), ENDPOINT);
    }

    @Override
    public AdminApi.ShardMarker shardMarker(int shard) {
        request("log?info");
        return new AdminApi.ShardMarker(shardEnd(shard), ENDPOINT);
    }

    @Override
    public AdminApi.MdlogPage mdlogEntries(int shard, String marker, int maxEntries) {
        request("log");
        Map.Entry<List<String[]>, Boolean> e = entries(shard, marker, maxEntries);
        List<AdminApi.MdlogEntry> entries = e.getKey().stream().map(x -> new AdminApi.MdlogEntry(x[0], x[1], x[2])).toList();
        return new AdminApi.MdlogPage(entries, entries.isEmpty() ? "" : entries.get(entries.size() - 1).id(), e.getValue(), ENDPOINT);
    }

    @Override
    public AdminOps pinnedTo(List<String> endpoints) {
        return this;
    }

}
