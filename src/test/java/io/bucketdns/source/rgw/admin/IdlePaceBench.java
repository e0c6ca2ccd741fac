package io.bucketdns.source.rgw.admin;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one admin request costs bucketdns at the idle follower's pace, where the code never gets
 * hot: CPU per operation, one operation every {@code GAP_MS}, after 50 unmeasured ones. One
 * variant per JVM ({@code bench/idle-pace} runs them in turn), so that one's compilations do not
 * warm another:
 *
 * <ul>
 *   <li>{@code none}: nothing, the JVM's own cost at rest, to subtract from the others;
 *   <li>{@code admin-http}: a signed metadata-log read through {@link AdminHttp}, as the follower
 *       sends it;
 *   <li>{@code java.net.http}: the same signed request through java.net.http (a connection each,
 *       as AdminHttp before), the client AdminHttp replaced;
 *   <li>{@code signer}, {@code sdk-signer}: signing alone, with {@link SigV4Signer} and with the
 *       AWS SDK's signer it replaced (thread CPU).
 * </ul>
 *
 * <pre>
 * java -cp ... io.bucketdns.source.rgw.IdlePaceBench VARIANT ENDPOINT ACCESS_KEY SECRET_KEY [N] [GAP_MS]
 * </pre>
 *
 * Prints one line: variant, operations, process CPU and thread CPU per operation in ms.
 */
public final class IdlePaceBench {
    private IdlePaceBench() {}

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        String endpoint = args[1];
        String accessKey = args[2];
        String secretKey = args[3];
        int n = args.length > 4 ? Integer.parseInt(args[4]) : 120;
        long gapMillis = args.length > 5 ? Long.parseLong(args[5]) : 250;
        SigV4Signer signer = new SigV4Signer(accessKey, secretKey, SigV4Signer.REGION, "s3");
        Runnable op = switch (variant) {
            case "none" -> () -> {};
            case "admin-http" -> adminHttp(endpoint, signer);
            case "java.net.http" -> javaNetHttp(endpoint, signer);
            case "signer" -> () -> signer.sign(mdlogUri(endpoint, 7), Instant.now());
            case "sdk-signer" -> {
                SdkSigV4 sdk = new SdkSigV4(accessKey, secretKey);
                yield () -> sdk.sign(mdlogUri(endpoint, 7), Instant.now());
            }
            default -> throw new IllegalArgumentException("variant: none, admin-http, java.net.http, signer or sdk-signer");
        };
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 50; i++) {
            op.run();
            Thread.sleep(gapMillis);
        }
        long process = os.getProcessCpuTime();
        long thread = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            op.run();
            Thread.sleep(gapMillis);
        }
        System.out.printf("%s %d %.3f %.3f%n", variant, n, (os.getProcessCpuTime() - process) / 1e6 / n,
                (threads.getCurrentThreadCpuTime() - thread) / 1e6 / n);
    }

    /** The follower's read of a metadata-log shard, in {@link AdminApi#mdlogEntries}'s order (no marker: an idle log). */
    private static Map<String, String> mdlogQuery(int shard) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("type", "metadata");
        q.put("id", Integer.toString(shard));
        q.put("max-entries", "1000");
        return q;
    }

    private static URI mdlogUri(String endpoint, int shard) {
        return URI.create(endpoint + "/admin/log" + AdminHttp.queryString(mdlogQuery(shard)));
    }

    private static Runnable adminHttp(String endpoint, SigV4Signer signer) {
        AdminHttp http = new AdminHttp(List.of(endpoint), "admin", signer, AdminHttp.Timing.DEFAULT);
        int[] shard = {0};
        return () -> check(http.get("log", mdlogQuery(shard[0]++ % 64)).status());
    }

    private static Runnable javaNetHttp(String endpoint, SigV4Signer signer) {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();
        int[] shard = {0};
        return () -> {
            URI uri = mdlogUri(endpoint, shard[0]++ % 64);
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(15)).header("Connection", "close");
            signer.sign(uri, Instant.now()).forEach(b::header);
            try {
                check(client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
    }

    /** A refused signature would measure an error path, not the follower's. */
    private static void check(int status) {
        if (status != 200) {
            throw new IllegalStateException("HTTP " + status + ": check the endpoint and keys");
        }
    }
}
