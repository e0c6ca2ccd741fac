package io.bucketdns.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketdns.Fixtures;
import io.bucketdns.LiveAuthority;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.dns.QueryObserver;
import io.bucketdns.pdns.RemoteBackend;
import io.bucketdns.server.DnsServer;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
 * UDP and TCP, the PowerDNS remote backend), against a fake RGW whose answers take as long as a
 * test says: found in time, it is answered right; slower, it is answered by policy at miss_wait.
 */
class MissWaitTest {
    private static final Duration WAIT = Duration.ofMillis(300);
    private static final long SLOW_MILLIS = 3000;

    /** Buckets the fake RGW holds, and how long it takes to answer for each. */
    private final Map<String, String> rgw = new ConcurrentHashMap<>();
    private final Map<String, Long> delays = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    private final LiveCatalog live = new LiveCatalog();
    private final CatalogWriter writer = new CatalogWriter(live);
    private final List<AutoCloseable> closing = new ArrayList<>();

    MissWaitTest() {
        writer.replace(Fixtures.CATALOG, Map.of()).join();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        writer.close();
    }

    private Optional<String> locate(String bucket) {
        asked.computeIfAbsent(bucket, k -> new AtomicInteger()).incrementAndGet();
        try {
            Thread.sleep(delays.getOrDefault(bucket, 20L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.ofNullable(rgw.get(bucket));
    }

    private LiveAuthority authority(int perSecond) {
        return authority(perSecond, WAIT);
    }

    private LiveAuthority authority(int perSecond, Duration wait) {
        MissLookups misses = new MissLookups(perSecond, wait, this::locate, writer, io.bucketdns.time.Scheduler.thread("rgw-miss-wait"));
        return LiveAuthority.of(List.of(Fixtures.ZONE), live, misses, QueryObserver.NONE);
    }

    private int asked(String bucket) {
        AtomicInteger n = asked.get(bucket);
        return n == null ? 0 : n.get();
    }

    @Test
    void theRemoteBackendAnswersAFoundBucketRightAndASlowOneByPolicyAtMissWait() throws Exception {
        RemoteBackend backend = new RemoteBackend(authority(20), "http");
        rgw.put("made-in-us", "us");
        rgw.put("slow-one", "us");
        delays.put("slow-one", SLOW_MILLIS);

        lookup(backend, "foo.o.example.com."); // warm: the timings below are the wait's, not class loading's

        String found = lookup(backend, "made-in-us.o.example.com.");
        long t1 = System.nanoTime();
        String slow = lookup(backend, "slow-one.o.example.com.");
        long slowMillis = millisSince(t1);

        // past miss_wait the answer would be the policy's (eu, TTL 5): us proves it waited for RGW
        assertThat(found).contains("made-in-us.o.example.us.").contains("\"ttl\":60");
        assertThat(slow).contains("slow-one.o.example.eu.").contains("\"ttl\":5");
        assertThat(slowMillis).as("answered at miss_wait, not when RGW replied").isBetween(WAIT.toMillis() - 10, SLOW_MILLIS - 1000);
    }

    @Test
    void theServerAnswersLaterWithoutHoldingItsOnlyWorker() throws Exception {
        Duration wait = Duration.ofMillis(1500);
        DnsServer server = DnsServer.start(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), authority(20, wait),
                new DnsServer.Limits(1, 1232, 16, Duration.ofSeconds(10), Duration.ofSeconds(2)), io.bucketdns.server.RateLimit.Settings.DEFAULT);
        closing.add(server);
        ask(server, "foo.o.example.com.", false); // warm

        for (boolean tcp : new boolean[] {false, true}) {
            String suffix = tcp ? "-tcp" : "";
            rgw.put("slow-us" + suffix, "us");
            delays.put("slow-us" + suffix, SLOW_MILLIS);
            rgw.put("quick-us" + suffix, "us");
            delays.put("quick-us" + suffix, 100L);
            long[] slowMillis = new long[1];
            List<String>[] slow = answerInBackground(server, "slow-us" + suffix + ".o.example.com.", tcp, slowMillis);
            assertThat(within(() -> asked("slow-us" + suffix) == 1)).isTrue(); // it waits now; the one worker must not

            long t = System.nanoTime();
            List<String> known = ask(server, "foo.o.example.com.", tcp);
            long knownMillis = millisSince(t);
            List<String> quick = ask(server, "quick-us" + suffix + ".o.example.com.", tcp);

            assertThat(known).as("tcp %s", tcp).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
            assertThat(knownMillis).as("a known name while another waits").isLessThan(wait.toMillis() / 2);
            assertThat(quick).containsExactly("quick-us" + suffix + ".o.example.com. 60 IN CNAME quick-us" + suffix + ".o.example.us.");
            awaitAnswer(slow);
            assertThat(slow[0]).containsExactly("slow-us" + suffix + ".o.example.com. 5 IN CNAME slow-us" + suffix + ".o.example.eu.");
            assertThat(slowMillis[0]).as("answered at miss_wait, not when RGW replied").isBetween(wait.toMillis() - 10, SLOW_MILLIS - 500);
        }
    }

    private static boolean within(java.util.function.BooleanSupplier condition) {
        return io.bucketdns.Eventually.within(Duration.ofSeconds(5), condition::getAsBoolean);
    }

    @Test
    void twoHundredConcurrentQuestionsForOneNameShareOneLookup() throws Exception {
        RemoteBackend backend = new RemoteBackend(authority(20), "http");
        rgw.put("popular", "us");
        delays.put("popular", 150L);
        CountDownLatch go = new CountDownLatch(1);
        Set<String> replies = ConcurrentHashMap.newKeySet();
        List<Thread> askers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            askers.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    replies.add(lookup(backend, "popular.o.example.com."));
                } catch (Exception e) {
                    replies.add(e.toString());
                }
            }));
        }
        go.countDown();
        for (Thread t : askers) {
            t.join(5000);
        }

        assertThat(asked("popular")).isEqualTo(1);
        assertThat(replies).singleElement().asString().contains("popular.o.example.us.");
    }

    @Test
    void aFloodCostsRgwAtMostTheRateAndRefusedNamesAreAnsweredAtOnce() throws Exception {
        RemoteBackend backend = new RemoteBackend(authority(10), "http");
        long start = System.nanoTime();
        int waitedFull = 0;
        int questions = 0;
        while (questions < 2000) {
            long t = System.nanoTime();
            String reply = lookup(backend, "flood-" + questions++ + ".o.example.com.");
            assertThat(reply).contains(".o.example.eu.");
            if (millisSince(t) >= WAIT.toMillis()) {
                waitedFull++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        int lookups = asked.values().stream().mapToInt(AtomicInteger::get).sum();
        assertThat(lookups).as("look-ups for %d names in %.1f s", questions, seconds).isBetween(10, (int) (10 + 10 * seconds) + 1);
        // names looked up wait for them (20 ms each); the refused never wait for miss_wait, so
        // only a pause of the machine (GC, a loaded CI host) can make one that slow
        assertThat(waitedFull).as("answers that took miss_wait or longer").isLessThan(questions / 20);
    }

    @Test
    void aBucketCreatedRightAfterALookupFoundNothingIsFoundASecondLater() throws Exception {
        RemoteBackend backend = new RemoteBackend(authority(20), "http");

        assertThat(lookup(backend, "brand-new.o.example.com.")).contains("brand-new.o.example.eu.");
        rgw.put("brand-new", "us"); // created in us right after the look-up said it does not exist
        Thread.sleep(1000);

        assertThat(lookup(backend, "brand-new.o.example.com.")).contains("brand-new.o.example.us.");
        assertThat(asked("brand-new")).isEqualTo(2);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String lookup(RemoteBackend backend, String qname) throws IOException {
        byte[] reply = backend.handle("lookup", JSON.readTree("{\"qname\":\"" + qname + "\",\"qtype\":\"A\"}"));
        return new String(reply, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static List<String>[] answerInBackground(DnsServer server, String name, boolean tcp, long[] millis) {
        List<String>[] out = new List[1];
        Thread.ofVirtual().start(() -> {
            long t = System.nanoTime();
            try {
                out[0] = ask(server, name, tcp);
            } catch (IOException e) {
                out[0] = List.of(e.toString());
            }
            millis[0] = millisSince(t);
            synchronized (out) {
                out.notifyAll();
            }
        });
        return out;
    }

    private static void awaitAnswer(List<String>[] out) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        synchronized (out) {
            while (out[0] == null && System.nanoTime() < deadline) {
                out.wait(100);
            }
        }
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

    private static long millisSince(long t) {
        return (System.nanoTime() - t) / 1_000_000;
    }
}
