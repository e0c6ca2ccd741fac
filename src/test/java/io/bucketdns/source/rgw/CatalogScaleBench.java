package io.bucketdns.source.rgw;

import io.bucketdns.catalog.CatalogHealth;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.AdminOps;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.InstantSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rgw catalog pipeline at millions of buckets, against an admin API in memory that makes up
 * its buckets ({@code b00000000}, ... in listing order): what a first load and a re-list of an
 * unchanged catalog cost in requests, time and heap (peak, not only what stays). Not a test: a
 * program to run by hand with a bounded heap, so that a run that fits proves the peak.
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) io.bucketdns.source.rgw.CatalogScaleBench 1000000 10000000
 * </pre>
 *
 * The peer, in the same run: what the previous design cost for the same work, where every re-list
 * was a full load of two look-ups per bucket (counted, not run).
 */
public final class CatalogScaleBench {
    private static final Map<String, Zonegroup> TARGETS = Map.of("eu", new Zonegroup("eu", "o.example.eu"), "us",
            new Zonegroup("us", "o.example.us"));

    private CatalogScaleBench() {}

    public static void main(String[] args) {
        System.out.printf("max heap %,d MiB, %d cores%n", Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        for (String arg : args.length == 0 ? new String[] {"1000000"} : args) {
            run(Integer.parseInt(arg));
        }
    }

    private static void run(int n) {
        SyntheticRgw rgw = new SyntheticRgw(n);
        ZonegroupMap map = ZonegroupMap.parse(Fixtures.json("zonegroup-map.json"));
        try (CatalogWriter writer = new CatalogWriter(new LiveCatalog())) {
            writer.zonegroups(TARGETS, TARGETS.get("eu")).join();
            Reconciler reconciler = new Reconciler(rgw, writer, new BucketLocator(() -> map, () -> { }, 8),
                    new Staleness(Duration.ofMinutes(5), Duration.ofMinutes(1), new CatalogHealth(), InstantSource.system()), Duration.ofSeconds(1));

            Phase load = Phase.measure(rgw, () -> reconciler.run(null, "first load"));
            long held = usedAfterGc();
            Phase relist = Phase.measure(rgw, () -> reconciler.run(null, "re-list"));
            int size = writer.live().current().size();
            System.out.printf("%,d buckets: first load %.1f s (%,.0f buckets/s), %,d requests = %.3f a bucket, peak heap %,d MiB%n", size,
                    load.seconds, size / load.seconds, load.requests, load.requests / (double) size, load.peakHeap >> 20);
            System.out.printf("%,d buckets: re-list %.1f s, %,d requests (previous design: %,d, ratio %.4f), peak heap %,d MiB%n", size,
                    relist.seconds, relist.requests, 2L * n + n / 1000 + 1, relist.requests / (2.0 * n + n / 1000 + 1), relist.peakHeap >> 20);
            System.out.printf("%,d buckets: heap held by the catalog after the load %,d MiB%n", size, held >> 20);
        }
    }

    private record Phase(double seconds, long requests, long peakHeap) {
        static Phase measure(SyntheticRgw rgw, Runnable work) {
            usedAfterGc();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            long requests = rgw.requests.get();
            long start = System.nanoTime();
            work.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            return new Phase(seconds, rgw.requests.get() - requests, peak);
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** {@code n} buckets that exist only as numbers: no memory of their own, so the heap measured is bucketdns's. */
    private static final class SyntheticRgw implements AdminOps {
        final AtomicLong requests = new AtomicLong();
        private final int n;

        SyntheticRgw(int n) {
            this.n = n;
        }

        private static String name(int i) {
            return String.format("b%08d", i);
        }

        @Override
        public AdminApi.BucketPage listBuckets(String marker, int maxEntries) {
            requests.incrementAndGet();
            int from = marker == null ? 0 : Integer.parseInt(marker);
            int to = Math.min(n, from + maxEntries);
            List<String> keys = java.util.stream.IntStream.range(from, to).mapToObj(SyntheticRgw::name).toList();
            boolean truncated = keys.size() == maxEntries;
            return new AdminApi.BucketPage(keys, truncated ? Integer.toString(to) : null, truncated);
        }

        @Override
        public Optional<String> locate(String bucket) {
            requests.addAndGet(2); // entrypoint, then instance
            return Optional.of(Integer.parseInt(bucket.substring(1)) % 2 == 0 ? Fixtures.EU_ID : Fixtures.US_ID);
        }

        @Override
        public ZonegroupMap zonegroupMap() {
            throw new UnsupportedOperationException();
        }

        @Override
        public AdminApi.MdlogInfo mdlogInfo() {
            throw new UnsupportedOperationException();
        }

        @Override
        public AdminApi.ShardMarker shardMarker(int shard) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AdminApi.MdlogPage mdlogEntries(int shard, String marker, int maxEntries) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AdminOps pinnedTo(List<String> endpoints) {
            return this;
        }

    }
}
