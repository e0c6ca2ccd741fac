package io.bucketdns.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Many signed S3 requests at once against one gateway, path style: filling a lab with thousands
 * of buckets in seconds, where a process per request (the lab script, awscli) takes minutes.
 */
public final class S3Bulk {
    private S3Bulk() {}

    /**
     * PUTs (creates) or DELETEs each bucket, {@code concurrency} at a time.
     *
     * @param endpoint the gateway, e.g. {@code http://127.0.0.21:8000}
     * @param region the zonegroup's api name, which SigV4 signs
     * @return how many requests ended with each HTTP status
     */
    public static Map<Integer, Integer> send(String method, String endpoint, String region, String accessKey, String secretKey,
            List<String> buckets, int concurrency) throws InterruptedException {
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        AwsCredentialsIdentity user = AwsCredentialsIdentity.create(accessKey, secretKey);
        Map<Integer, Integer> statuses = new TreeMap<>();
        try (HttpClient client = HttpClient.newHttpClient(); ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (String bucket : buckets) {
                URI uri = URI.create(endpoint + "/" + bucket);
                results.add(pool.submit(() -> {
                    SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri).build();
                    var signed = signer.sign(r -> r.identity(user).request(request)
                            .putProperty(AwsV4HttpSigner.REGION_NAME, region).putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                            .putProperty(HttpSigner.SIGNING_CLOCK, Clock.systemUTC()));
                    HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
                    signed.request().headers().forEach((k, v) -> {
                        if (!k.equalsIgnoreCase("Host")) {
                            b.header(k, v.get(0));
                        }
                    });
                    return client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            for (Future<Integer> f : results) {
                try {
                    statuses.merge(f.get(), 1, Integer::sum);
                } catch (ExecutionException e) {
                    statuses.merge(0, 1, Integer::sum); // no answer at all
                }
            }
        }
        return statuses;
    }
}
