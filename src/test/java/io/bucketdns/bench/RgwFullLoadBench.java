package io.bucketdns.bench;

import io.bucketdns.Service;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * How fast a full load lists a real RGW: not a test, a program to run by hand against a running
 * {@code scripts/rgw-lab} (its addresses from the same {@code RGWLAB_EU_ADDR} and {@code RGWLAB_US_ADDR}
 * variables, same defaults). It creates {@code N} buckets in zonegroup eu (as the
 * lab's S3 user, whose default limit is 1000 buckets: raise it first with {@code CEPH_CONF=RUN/ceph.conf
 * radosgw-admin user modify --uid=s3user --max-buckets=N} on a lab started before; existing buckets are kept), then starts bucketdns' rgw source three times and
 * reports buckets per second of the whole start (zonegroup map, log position, listing and two
 * look-ups per bucket, 8 in flight).
 *
 * <pre>
 * scripts/rgw-lab start
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.bucketdns.bench.RgwFullLoadBench 5000
 * </pre>
 */
public final class RgwFullLoadBench {
    private static final String EU = "http://" + System.getenv().getOrDefault("RGWLAB_EU_ADDR", "127.0.0.11:8000");
    private static final String US = "http://" + System.getenv().getOrDefault("RGWLAB_US_ADDR", "127.0.0.12:8000");

    private RgwFullLoadBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        createBuckets(n);
        BucketDnsConfig config = ConfigLoader.parse(Path.of("bench.conf"), List.of(
                "[powerdns]", "listen_addr =", "dns_zone = o.example.com", "rgw_endpoint = " + EU + ", " + US,
                "rgw_access_key = BUCKETDNSADMIN000001", "rgw_secret_key = bucketdns-admin-secret-00000000000000001",
                "[catalog]", "source = rgw"));
        for (int run = 1; run <= 3; run++) {
            long start = System.nanoTime();
            try (Service s = Service.loadCatalog(config)) {
                while (!s.catalog().isLoaded()) {
                    Thread.sleep(50); // a large load goes on after start returns
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                int size = s.catalog().current().size();
                System.out.printf("run %d: %,d buckets loaded in %.2f s = %,.0f buckets/s%n", run, size, seconds, size / seconds);
            }
        }
    }

    /** PUT bench-000000 .. on the eu gateway, 8 at a time. */
    private static void createBuckets(int n) throws Exception {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("bench-" + String.format("%06d", i));
        }
        long start = System.nanoTime();
        var statuses = io.bucketdns.e2e.S3Bulk.send("PUT", EU, "eu", "RGWLABS3USER00000001", "rgwlab-s3user-secret-0000000000000000001",
                names, 8);
        System.out.printf("%,d bucket creations in %.1f s, HTTP status: count %s%n", n, (System.nanoTime() - start) / 1e9, statuses);
    }
}
