package io.bucketdns.bench;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.Zonegroup;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;

/**
 * How much heap a catalog of N synthetic buckets holds: not a test (it takes seconds and needs a
 * known heap), a program to run by hand. The names mix short and dotted prefixes with a base-36
 * counter, about 15 characters on average.
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx1g -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     io.bucketdns.bench.CatalogMemoryBench 1000000 10000000
 * </pre>
 *
 * Heap is measured with {@link MemoryMXBean} after repeated {@code System.gc()}, before and after
 * building, with nothing but the catalog kept; a build that needs more than {@code -Xmx} fails with
 * OutOfMemoryError, so a run at {@code -Xmx1g} also proves the build fits.
 */
public final class CatalogMemoryBench {
    private static final String[] PREFIXES = {
        "logs", "backup", "media-assets", "tenant-data", "ml.training.sets", "www.example", "tmp", "archive-2024"};

    private CatalogMemoryBench() {}

    public static void main(String[] args) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Map<String, Zonegroup> zonegroups = Map.of("eu", new Zonegroup("eu", "o.example.eu"), "us", new Zonegroup("us", "o.example.us"));
        System.out.printf("max heap %,d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        for (String arg : args.length == 0 ? new String[] {"1000000", "10000000"} : args) {
            int n = Integer.parseInt(arg);
            long before = usedHeap(memory);
            long start = System.nanoTime();
            long chars = 0;
            Catalog.Builder b = Catalog.builder(zonegroups, zonegroups.get("eu"), n);
            for (int i = 0; i < n; i++) {
                String name = name(i);
                chars += name.length();
                b.put(name, i % 3 == 0 ? "us" : "eu");
            }
            Catalog catalog = b.build(0);
            double buildSeconds = (System.nanoTime() - start) / 1e9;
            long held = usedHeap(memory) - before;
            String[] probes = new String[100_000];
            for (int i = 0; i < probes.length; i++) {
                probes[i] = name((int) ((long) i * n / probes.length));
            }
            int found = 0;
            start = System.nanoTime();
            for (int round = 0; round < 10; round++) {
                for (String p : probes) {
                    found += catalog.zonegroupOf(p) != null ? 1 : 0;
                }
            }
            double lookupNanos = (System.nanoTime() - start) / (double) found;
            System.out.printf("%,d buckets (names %.1f chars on average): %,d bytes of heap = %.1f bytes/bucket;"
                    + " built in %.1f s, %.0f ns per look-up%n", catalog.size(), (double) chars / n, held, (double) held / n,
                    buildSeconds, lookupNanos);
        }
    }

    private static String name(int i) {
        return PREFIXES[i & 7] + "-" + Integer.toString(i, 36);
    }

    private static long usedHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
