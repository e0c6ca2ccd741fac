package io.bucketdns.bench;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.e2e.Haproxy;
import io.bucketdns.feed.haproxy.HaproxyFeed;
import io.bucketdns.feed.haproxy.MapEntries;
import io.bucketdns.feed.haproxy.MapFile;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * HAProxy's bucket map at scale, against the real HAProxy from Debian: not a test, a program that
 * {@code bench/haproxy-map} runs. For each map size it reports HAProxy's memory with the map, the
 * time bucketdns takes to replace the map whole in a running HAProxy (beside the peer: the same
 * HAProxy loading the same map file at start), and the rate of one-by-one changes the feed pushes
 * (beside the peer: the same number of entries sent as one bulk payload).
 *
 * <pre>java -cp ... io.bucketdns.bench.HaproxyMapBench 100000 1000000</pre>
 */
public final class HaproxyMapBench {
    private static final Map<String, Zonegroup> ZONEGROUPS = Map.of("eu", new Zonegroup("eu", "o.example.eu"),
            "us", new Zonegroup("us", "o.example.us"));
    private static final int CHANGES = 20_000;

    private HaproxyMapBench() {}

    public static void main(String[] args) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String a : args.length == 0 ? new String[] {"100000"} : args) {
            rows.add(run(Integer.parseInt(a)));
        }
        System.out.println();
        System.out.println("| entries | HAProxy RSS, empty map | RSS after bucketdns's replacement | bytes/entry | RSS, same map loaded from the file at start "
                + "| whole replacement by bucketdns | HAProxy start loading the file | ratio | map file write | changes pushed one by one "
                + "| the catalog writer applying them | same entries as one bulk payload | 20,000 moves at once (whole replacement) | one set map |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static String run(int n) throws Exception {
        Path dir = Files.createTempDirectory("haproxy-map-bench");
        Path map = dir.resolve("buckets.map");
        Files.writeString(map, "");
        Catalog.Builder b = Catalog.builder(ZONEGROUPS, ZONEGROUPS.get("eu"), n);
        for (int i = 0; i < n; i++) {
            b.put("bucket-" + i, i % 2 == 0 ? "eu" : "us");
        }
        Catalog catalog = b.build(0);
        long t = System.nanoTime();
        MapFile.write(dir.resolve("copy.map"), catalog, new MapEntries(null));
        double fileSeconds = seconds(t);

        Haproxy haproxy = Haproxy.start(dir.resolve("haproxy"), config(dir, map), 600);
        try {
            long empty = rssKiB(haproxy.pid());
            Feed feed = new Feed(map, haproxy.socket());
            t = System.nanoTime();
            feed.writer.replace(catalog, Map.of()).join();
            await(() -> feed.feed.status().replacements() >= 1 && feed.feed.status().agrees(), 600);
            double replaceSeconds = seconds(t);
            long loaded = rssKiB(haproxy.pid());
            feed.close();

            haproxy.stop();
            t = System.nanoTime();
            haproxy.restart();
            double startSeconds = seconds(t);
            long fromFile = rssKiB(haproxy.pid());

            Feed changes = new Feed(map, haproxy.socket());
            changes.writer.replace(catalog, Map.of()).join();
            await(() -> changes.feed.status().agrees(), 600);
            long pushedBefore = changes.feed.status().changesPushed();
            t = System.nanoTime();
            java.util.concurrent.CompletableFuture<Catalog> last = null;
            for (int i = 0; i < CHANGES; i++) {
                last = changes.writer.change(Map.of("new-" + i, i % 2 == 0 ? "eu" : "us"), Map.of());
            }
            last.join();
            double writerSeconds = seconds(t);
            await(() -> changes.feed.status().changesPushed() - pushedBefore >= CHANGES && changes.feed.status().agrees(), 600);
            double changeSeconds = seconds(t);
            Map<String, String> moves = new java.util.HashMap<>();
            for (int i = 0; i < CHANGES; i++) {
                moves.put("bucket-" + i, i % 2 == 0 ? "us" : "eu"); // every one moves: a 'set map' each
            }
            long replacedBefore = changes.feed.status().replacements();
            t = System.nanoTime();
            changes.writer.change(moves, Map.of()).join();
            await(() -> changes.feed.status().replacements() > replacedBefore && changes.feed.status().agrees(), 600);
            double moveSeconds = seconds(t);
            t = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                String reply = haproxy.cli("set map " + map + " bucket-" + (n - 1 - i) + " eu");
                if (!reply.isBlank()) {
                    throw new IllegalStateException("set map answered " + reply);
                }
            }
            double setMillis = seconds(t) * 100;
            changes.close();

            t = System.nanoTime();
            StringBuilder payload = new StringBuilder();
            for (int i = 0; i < CHANGES; i++) {
                payload.append("bulk-").append(i).append(' ').append(i % 2 == 0 ? "eu" : "us").append('\n');
                if (payload.length() > 12 * 1024 || i == CHANGES - 1) {
                    String reply = haproxy.cli("add map " + map + " <<\n" + payload); // cli() adds the empty line that ends it
                    if (!reply.isBlank()) {
                        throw new IllegalStateException("bulk add answered " + reply);
                    }
                    payload.setLength(0);
                }
            }
            double bulkSeconds = seconds(t);
            System.out.printf("%,d entries: replacement %.2f s, start from file %.2f s, RSS %d -> %d KiB (file start %d KiB), "
                    + "%d changes in %.2f s, bulk %.2f s%n", n, replaceSeconds, startSeconds, empty, loaded, fromFile, CHANGES, changeSeconds,
                    bulkSeconds);
            return String.format("| %,d | %,d KiB | %,d KiB | %d | %,d KiB | %.2f s | %.2f s | %.1f | %.2f s | %,.0f /s | %,.0f /s | %,.0f /s | %.2f s | %.1f ms |", n, empty, loaded,
                    (loaded - empty) * 1024 / n, fromFile, replaceSeconds, startSeconds, replaceSeconds / startSeconds, fileSeconds,
                    CHANGES / changeSeconds, CHANGES / writerSeconds, CHANGES / bulkSeconds, moveSeconds, setMillis);
        } finally {
            haproxy.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A catalog writer with a feed to HAProxy, as bucketdns runs them. */
    private static final class Feed implements AutoCloseable {
        final CatalogWriter writer = new CatalogWriter(new LiveCatalog());
        final HaproxyFeed feed;

        Feed(Path map, Path socket) {
            LiveCatalog live = writer.live();
            feed = HaproxyFeed.create(new BucketDnsConfig.Haproxy(map, UnixDomainSocketAddress.of(socket), null), live::isLoaded);
            writer.addListener(feed);
            feed.start(live.current());
        }

        @Override
        public void close() {
            feed.close();
            writer.close();
        }
    }

    private static List<String> config(Path dir, Path map) {
        return List.of("global", "  stats socket " + Haproxy.socketIn(dir.resolve("haproxy")) + " level admin",
                "defaults", "  mode http", "  timeout connect 5s", "  timeout client 30s", "  timeout server 30s",
                "frontend s3", "  bind 127.0.0.1:" + io.bucketdns.e2e.Ports.free(),
                "  http-request set-var(txn.bucket) path,field(2,/)",
                "  use_backend rgw_%[var(txn.bucket),map(" + map + ",eu)]",
                "backend rgw_eu", "backend rgw_us");
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    private static void await(BooleanSupplier done, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + seconds + " s");
            }
            Thread.sleep(5);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
