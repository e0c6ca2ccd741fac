package io.bucketdns.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Fixtures;
import io.bucketdns.LiveAuthority;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.MissListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LookupServerTest {
    private final LiveCatalog live = new LiveCatalog();
    private final CatalogWriter writer = new CatalogWriter(live);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T08:00:00Z"));
    private final List<String> known = new CopyOnWriteArrayList<>();
    /** Each miss the server reports, with the stage it waits on; the test completes it, as a look-up would. */
    private final LinkedBlockingQueue<Map.Entry<String, CompletableFuture<Void>>> misses = new LinkedBlockingQueue<>();
    private volatile boolean refuse;
    private final HttpClient client = HttpClient.newHttpClient();
    private LookupServer server;

    @BeforeEach
    void start() throws IOException {
        writer.replace(Fixtures.CATALOG, Map.of()).join();
        MissListener listener = new MissListener() {
            @Override
            public CompletionStage<?> onMiss(String bucket) {
                if (refuse) {
                    return NOT_LOOKED_UP;
                }
                CompletableFuture<Void> f = new CompletableFuture<>();
                misses.add(Map.entry(bucket, f));
                return f;
            }

            @Override
            public void onKnown(String bucket) {
                known.add(bucket);
            }
        };
        LiveAuthority authority = LiveAuthority.of(List.of(Fixtures.ZONE), live, listener, QueryObserver.NONE);
        server = new LookupServer(new InetSocketAddress("127.0.0.1", 0), authority, now::get);
    }

    @AfterEach
    void stop() {
        server.close();
        writer.close();
        client.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }

    @Test
    void aKnownBucketIsAnsweredWithItsZonegroupAndReportedAsAsked() throws Exception {
        HttpResponse<String> r = get("/zonegroup/bar");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("us\n");
        assertThat(known).containsExactly("bar");
        assertThat(misses).isEmpty();
    }

    @Test
    void anUnknownBucketWaitsForItsLookUpAndGetsWhatItFound() throws Exception {
        Future<HttpResponse<String>> reply = client.sendAsync(HttpRequest.newBuilder(uri("/zonegroup/fresh")).build(),
                HttpResponse.BodyHandlers.ofString());

        Map.Entry<String, CompletableFuture<Void>> miss = misses.poll(10, TimeUnit.SECONDS);
        assertThat(miss).isNotNull();
        assertThat(miss.getKey()).isEqualTo("fresh");
        assertThat(reply).isNotDone();
        writer.change(Map.of("fresh", "us"), Map.of()).join();
        miss.getValue().complete(null);

        HttpResponse<String> r = reply.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("us\n");
    }

    @Test
    void aBucketTheLookUpDidNotFindIsUnknown() throws Exception {
        Future<HttpResponse<String>> reply = client.sendAsync(HttpRequest.newBuilder(uri("/zonegroup/nobody")).build(),
                HttpResponse.BodyHandlers.ofString());
        misses.poll(10, TimeUnit.SECONDS).getValue().complete(null);

        HttpResponse<String> r = reply.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("unknown\n");
    }

    @Test
    void aMissTheRateLimitRefusesIsUnknownAtOnce() throws Exception {
        refuse = true;

        assertThat(get("/zonegroup/flood-1").statusCode()).isEqualTo(404);
        assertThat(misses).isEmpty();
    }

    @Test
    void whatCannotBeABucketIsRefusedWithoutALookUp() throws Exception {
        for (String bad : List.of("/zonegroup/", "/zonegroup/ab", "/zonegroup/UPPER", "/zonegroup/a%20b", "/zonegroup/-x-")) {
            assertThat(get(bad).statusCode()).as(bad).isEqualTo(400);
        }
        HttpResponse<String> other = get("/other");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.headers().firstValue("Content-Type")).as("errors are text, as the answers are").hasValue("text/plain; charset=utf-8");
        assertThat(client.send(HttpRequest.newBuilder(uri("/zonegroup/foo")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(misses).isEmpty();
    }

    @Test
    void theStatusSaysHowLongAgoTheLuaSaidHello() throws Exception {
        assertThat(get("/status").body()).isEqualTo("lua never\n");

        assertThat(get("/hello").statusCode()).isEqualTo(200);
        now.set(now.get().plusSeconds(7));

        assertThat(get("/status").body()).isEqualTo("lua 7\n");
    }

    @Test
    void checkPassesOnlyWhileTheLuaSaysHello() throws Exception {
        InetSocketAddress at = server.address();
        assertThat(LookupCheck.run(at)).startsWith("FAIL haproxy lookup http://127.0.0.1:" + at.getPort() + ": HAProxy's bucketdns.lua never")
                .contains("fix: lua-load bucketdns.lua");

        get("/hello");
        now.set(now.get().plusSeconds(30));
        assertThat(LookupCheck.run(at)).isEqualTo("ok   haproxy lookup http://127.0.0.1:" + at.getPort()
                + ": HAProxy's bucketdns.lua said hello 30 s ago");

        now.set(now.get().plusSeconds(1));
        assertThat(LookupCheck.run(at)).startsWith("FAIL").contains("last said hello 31 s ago");

        server.close();
        assertThat(LookupCheck.run(at)).startsWith("FAIL haproxy lookup http://127.0.0.1:" + at.getPort() + ": unreachable")
                .endsWith("fix: run bucketdns serve with this config");
    }
}
