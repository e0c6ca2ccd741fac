package io.bucketdns.bench;

import io.bucketdns.Service;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * How fast a full load lists a real RGW: not a test, a program to run by hand against a running
 * {@code scripts/rgw-lab} (its addresses from the same {@code RGWLAB_EU_ADDR} and {@code RGWLAB_US_ADDR}
 * variables, same defaults). It creates {@code N} buckets in zonegroup eu (as the
 * lab's S3 user, whose default limit is 1000 buckets: raise it first with {@code CEPH_CONF=RUN/ceph.conf
 * radosgw-admin user modify --uid=s3user --max-buckets=0}; existing buckets are kept), then starts bucketdns' rgw source three times and
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
        // as AdminHttp does, before this class's own HttpClient makes java.net.http read it
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        createBuckets(n);
        BucketDnsConfig config = ConfigLoader.parse(Path.of("bench.conf"), List.of(
                "[powerdns]", "listen_addr =", "dns_zone = o.example.com", "rgw_endpoint = " + EU + ", " + US,
                "rgw_access_key = BUCKETDNSADMIN000001", "rgw_secret_key = bucketdns-admin-secret-00000000000000001",
                "[catalog]", "source = rgw"));
        for (int run = 1; run <= 3; run++) {
            long start = System.nanoTime();
            try (Service s = Service.loadCatalog(config)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                int size = s.catalog().current().size();
                System.out.printf("run %d: %,d buckets loaded in %.2f s = %,.0f buckets/s%n", run, size, seconds, size / seconds);
            }
        }
    }

    /** PUT bucket-00000 .. on the eu gateway, 8 at a time. */
    private static void createBuckets(int n) throws Exception {
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        AwsCredentialsIdentity s3user = AwsCredentialsIdentity.create("RGWLABS3USER00000001", "rgwlab-s3user-secret-0000000000000000001");
        long start = System.nanoTime();
        try (HttpClient client = HttpClient.newHttpClient(); ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> results = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                URI uri = URI.create(EU + "/bench-" + String.format("%06d", i));
                results.add(pool.submit(() -> {
                    SdkHttpRequest put = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(uri).build();
                    var signed = signer.sign(r -> r.identity(s3user).request(put)
                            .putProperty(AwsV4HttpSigner.REGION_NAME, "eu").putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                            .putProperty(HttpSigner.SIGNING_CLOCK, Clock.systemUTC()));
                    HttpRequest.Builder b = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.noBody());
                    signed.request().headers().forEach((k, v) -> {
                        if (!k.equalsIgnoreCase("Host")) {
                            b.header(k, v.get(0));
                        }
                    });
                    return client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
            for (Future<Integer> f : results) {
                statuses.merge(f.get(), 1, Integer::sum);
            }
            System.out.printf("%,d bucket creations in %.1f s, HTTP status: count %s%n", n, (System.nanoTime() - start) / 1e9, statuses);
        }
    }
}
