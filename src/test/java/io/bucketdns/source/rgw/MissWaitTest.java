package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketdns.Fixtures;
import io.bucketdns.LiveAuthority;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.frontend.dns.DnsServer;
import io.bucketdns.frontend.pdns.RemoteBackend;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.time.ManualScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A miss waits for its RGW look-up up to miss_wait, in both frontends (the standalone server over
 * UDP and TCP, the PowerDNS remote backend), against a fake RGW that answers when a test lets it:
 * found in time, it is answered right; slower, it is answered by policy at miss_wait. The wait's
 * clock is a manual one, so "at miss_wait" is checked to the nanosecond.
 */
class MissWaitTest {
    private static final Duration WAIT = Duration.ofMillis(300);
    /** Bounds every real wait of this test, so that a failure ends it instead of hanging. */
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** Buckets the fake RGW holds, and the gates that hold its answer for some until opened. */
    private final Map<String, String> rgw = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    private final LiveCatalog live = new LiveCatalog();
    private final CatalogWriter writer = new CatalogWriter(live);
    private final ManualScheduler clock = new ManualScheduler();
    private final List<AutoCloseable> closing = new ArrayList<>();

    MissWaitTest() {
        writer.replace(Fixtures.CATALOG, Map.of()).join();
    }

    @AfterEach
    void close() throws Exception {
        gates.values().forEach(CountDownLatch::countDown);
        for (AutoCloseable c : closing) {
            c.close();
        }
        writer.close();
    }

    private Optional<String> locate(String bucket) {
        asked.computeIfAbsent(bucket, k -> new AtomicInteger()).incrementAndGet();
        CountDownLatch gate = gates.get(bucket);
        try {
            if (gate != null && !gate.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RgwException("the test never let RGW answer", 0, "", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.ofNullable(rgw.get(bucket));
    }

    /** RGW answers for {@code bucket} only once {@link CountDownLatch#countDown} is called. */
    private CountDownLatch gate(String bucket) {
        CountDownLatch g = new CountDownLatch(1);
        gates.put(bucket, g);
        return g;
    }

    private LiveAuthority authority(int perSecond) {
        return authority(perSecond, WAIT);
    }

    private LiveAuthority authority(int perSecond, Duration wait) {
        MissLookups misses = new MissLookups(perSecond, wait, this::locate, writer, clock);
        closing.add(misses);
        return LiveAuthority.of(List.of(Fixtures.ZONE), live, misses, QueryObserver.NONE);
    }

    private int asked(String bucket) {
        AtomicInteger n = asked.get(bucket);
        return n == null ? 0 : n.get();
    }

    /** Waits, woken by each one scheduled, until {@code more} questions have begun their wait. */
    private void awaitWaiting(int before, int more) throws InterruptedException {
        assertThat(clock.awaitPending(before + more, LIMIT)).as("%d questions waiting", more).isTrue();
    }

    @Test
    void theRemoteBackendAnswersAFoundBucketRightAndASlowOneByPolicyAtMissWait() throws Exception {
        RemoteBackend backend = new RemoteBackend(authority(20), "http");
        rgw.put("made-in-us", "us");
        rgw.put("slow-one", "us");
        CountDownLatch slowAnswers = gate("slow-one");

        String found = lookup(backend, "made-in-us.o.example.com.");
        int waiting = clock.pending();
        CompletableFuture<String> slow = inBackground(() -> lookup(backend, "slow-one.o.example.com."));
        awaitWaiting(waiting, 1);
        clock.advance(WAIT.minusNanos(1));
        boolean answeredBefore = slow.isDone();
        clock.advance(Duration.ofNanos(1));

        // past miss_wait the answer would be the policy's (eu, TTL 5): us proves it waited for RGW
        assertThat(found).contains("made-in-us.o.example.us.").contains("\"ttl\":60");
        assertThat(answeredBefore).as("answered before miss_wait").isFalse();
        assertThat(slow.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).contains("slow-one.o.example.eu.").contains("\"ttl\":5");
        slowAnswers.countDown();
    }

    @Test
    void theServerAnswersLaterWithoutHoldingItsOnlyWorker() throws Exception {
        Duration wait = Duration.ofMillis(1500);
        DnsServer server = DnsServer.start(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), authority(20, wait),
                new DnsServer.Limits(1, 1232, 16, Duration.ofSeconds(10), Duration.ofSeconds(2), false), io.bucketdns.frontend.dns.RateLimit.Settings.DEFAULT,
                io.bucketdns.frontend.dns.UdpIo.select("batched"));
        closing.add(server);

        for (boolean tcp : new boolean[] {false, true}) {
            String suffix = tcp ? "-tcp" : "";
            rgw.put("slow-us" + suffix, "us");
            CountDownLatch slowAnswers = gate("slow-us" + suffix);
            rgw.put("quick-us" + suffix, "us");
            int waiting = clock.pending();
            CompletableFuture<List<String>> slow = inBackground(() -> ask(server, "slow-us" + suffix + ".o.example.com.", tcp));
            awaitWaiting(waiting, 1); // it waits now; the one worker must not

            List<String> known = ask(server, "foo.o.example.com.", tcp);
            List<String> quick = ask(server, "quick-us" + suffix + ".o.example.com.", tcp);
            boolean slowAnsweredYet = slow.isDone();
            clock.advance(wait);

            assertThat(known).as("tcp %s", tcp).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
            assertThat(quick).containsExactly("quick-us" + suffix + ".o.example.com. 60 IN CNAME quick-us" + suffix + ".o.example.us.");
            assertThat(slowAnsweredYet).as("the slow one answered before miss_wait").isFalse();
            assertThat(slow.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS))
                    .containsExactly("slow-us" + suffix + ".o.example.com. 5 IN CNAME slow-us" + suffix + ".o.example.eu.");
            slowAnswers.countDown();
        }
    }

    @Test
    void twoHundredConcurrentQuestionsForOneNameShareOneLookup() throws Exception {
        RemoteBackend backend = new RemoteBackend(authority(20), "http");
        rgw.put("popular", "us");
        CountDownLatch answers = gate("popular");
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            replies.add(inBackground(() -> lookup(backend, "popular.o.example.com.")));
        }
        awaitWaiting(0, 200);

        answers.countDown();

        assertThat(asked("popular")).isEqualTo(1);
        Set<String> distinct = new java.util.HashSet<>();
        for (CompletableFuture<String> r : replies) {
            distinct.add(r.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        assertThat(distinct).singleElement().asString().contains("popular.o.example.us.");
    }

    @Test
    void aFloodCostsRgwAtMostTheRateAndRefusedNamesAreAnsweredAtOnce() throws Exception {
        RemoteBackend backend = new RemoteBackend(authority(10), "http");

        for (int second = 1; second <= 3; second++) {
            for (int i = 0; i < 2000; i++) {
                // a refused name that waited would wait forever here: this clock moves only below
                assertThat(lookup(backend, "flood-" + second + "-" + i + ".o.example.com.")).contains(".o.example.eu.");
            }
            int lookups = asked.values().stream().mapToInt(AtomicInteger::get).sum();
            assertThat(lookups).as("look-ups after %d s of flood", second).isEqualTo(10 * second);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void aBucketCreatedRightAfterALookupFoundNothingIsFoundASecondLater() throws Exception {
        RemoteBackend backend = new RemoteBackend(authority(20), "http");

        assertThat(lookup(backend, "brand-new.o.example.com.")).contains("brand-new.o.example.eu.");
        rgw.put("brand-new", "us"); // created in us right after the look-up said it does not exist
        clock.advance(MissLookups.NEGATIVE_TTL.minusNanos(1));
        assertThat(lookup(backend, "brand-new.o.example.com.")).as("still negatively cached").contains("brand-new.o.example.eu.");
        assertThat(asked("brand-new")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1).minus(MissLookups.NEGATIVE_TTL).plusNanos(1));

        assertThat(lookup(backend, "brand-new.o.example.com.")).contains("brand-new.o.example.us.");
        assertThat(asked("brand-new")).isEqualTo(2);
    }

    /** A call that blocks until an answer, on a virtual thread of its own. */
    private interface Call<T> {
        T call() throws IOException;
    }

    private static <T> CompletableFuture<T> inBackground(Call<T> call) {
        CompletableFuture<T> out = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                out.complete(call.call());
            } catch (IOException | RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String lookup(RemoteBackend backend, String qname) throws IOException {
        byte[] reply = backend.handle("lookup", JSON.readTree("{\"qname\":\"" + qname + "\",\"qtype\":\"A\"}"));
        return new String(reply, StandardCharsets.UTF_8);
    }

    private static List<String> ask(DnsServer server, String name, boolean tcp) throws IOException {
        SimpleResolver r = new SimpleResolver(server.addresses().get(0));
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(5));
        Message response = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
        return response.getSection(Section.ANSWER).stream()
                .map(rr -> rr.getName() + " " + rr.getTTL() + " IN " + Type.string(rr.getType()) + " " + rr.rdataToString())
                .toList();
    }
}
