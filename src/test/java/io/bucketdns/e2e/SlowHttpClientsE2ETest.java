package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 600 clients that trickle one byte every 10 s into bucketdns's HTTP connector, more than its 512
 * connections, while the real PowerDNS asks it through the same port: PowerDNS keeps answering.
 */
class SlowHttpClientsE2ETest {
    private static final int SLOW_CLIENTS = 600;
    private static final byte[] REQUEST = "GET /dns/lookup/foo.o.example.com./ANY HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void slowClientsDoNotLockPowerDnsOut() throws Exception {
        int http = Ports.free();
        Path conf = BucketDnsFiles.write(dir.resolve("bucketdns"), List.of("listen_addr = 127.0.0.1", "listen_port = " + http),
                List.of("[ops]", "listen ="));  // no ops listener: its default port may be taken on a shared machine
        try (Service service = Service.start(ConfigLoader.load(conf));
                PowerDns pdns = PowerDns.start(dir.resolve("pdns"), "http:url=http://127.0.0.1:" + http + "/dns", BucketDnsFiles.ZONE,
                        "cache-ttl=0", "query-cache-ttl=0", "negquery-cache-ttl=0")) {
            AtomicBoolean on = new AtomicBoolean(true);
            AtomicInteger connected = new AtomicInteger();
            Outcomes cut = new Outcomes();
            List<Thread> crowd = new ArrayList<>();
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                crowd.add(Thread.ofVirtual().start(() -> trickle(http, on, connected, cut)));
            }
            try {
                assertThat(E2EWait.within(java.time.Duration.ofSeconds(30), () -> connected.get() >= SLOW_CLIENTS))
                        .as("all slow clients connected").isTrue();
                // PowerDNS asks through the crowd for 25 s (its caches are off), each question asked
                // again once when the first answer is not right, as a resolver does. When the crowd is
                // cut at its deadline all at once, its reconnections can delay PowerDNS's own beyond its
                // 2 s timeout: a SERVFAIL then, never a lock-out.
                List<String> firstTry = new ArrayList<>();
                List<String> unanswered = new ArrayList<>();
                int asked = 0;
                long end = System.nanoTime() + 25_000_000_000L;
                while (System.nanoTime() < end || asked < 20) {  // over two of the crowd's 10 s deadlines, 20 questions at least
                    String bucket = asked % 2 == 0 ? "foo" : "bar";
                    String expected = bucket + ".o.example.com. 60 IN CNAME " + bucket + ".o.example." + (bucket.equals("foo") ? "eu." : "us.");
                    Dig.Result r = pdns.dig(bucket + ".o.example.com", "A", "+time=5", "+tries=1");
                    if (!"NOERROR".equals(r.status()) || !r.answer().contains(expected)) {
                        firstTry.add(r.status());
                        r = pdns.dig(bucket + ".o.example.com", "A", "+time=5", "+tries=1");
                        if (!"NOERROR".equals(r.status()) || !r.answer().contains(expected)) {
                            unanswered.add(r.toString());
                        }
                    }
                    asked++;
                    Thread.sleep(250);
                }
                assertThat(unanswered).as("questions PowerDNS did not answer right twice in a row, of %d asked while %d slow clients"
                        + " pressed (first answers not right: %s)", asked, SLOW_CLIENTS, firstTry).isEmpty();
                assertThat(firstTry.size()).as("first answers not right: %s", firstTry).isLessThanOrEqualTo(asked / 5);
                // the crowd was held off by the request deadline (408) and by eviction, not served
                assertThat(cut.timedOut.get() + cut.evicted.get()).isGreaterThan(SLOW_CLIENTS - 512);
                assertThat(cut.answered.get()).isZero();
            } finally {
                on.set(false);
                for (Thread t : crowd) {
                    t.join(15_000);
                }
            }
        }
    }

    /** How the slow clients' connections ended. */
    private static final class Outcomes {
        final AtomicInteger timedOut = new AtomicInteger();
        final AtomicInteger evicted = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
    }

    /** One slow client: connects, sends a byte every 10 s; when the server closes, connects again. */
    private static void trickle(int port, AtomicBoolean on, AtomicInteger connected, Outcomes cut) {
        boolean first = true;
        while (on.get()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                if (first) {
                    connected.incrementAndGet();
                    first = false;
                }
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                for (int sent = 0; on.get() && sent < REQUEST.length; sent++) {
                    s.getOutputStream().write(REQUEST[sent]);
                    int b;
                    try {
                        b = in.read();
                    } catch (java.net.SocketTimeoutException e) {
                        continue; // ten seconds of silence: time for the next byte
                    }
                    if (b < 0) {
                        cut.evicted.incrementAndGet();
                    } else {
                        String status = (char) b + new String(in.readNBytes(11), StandardCharsets.US_ASCII);
                        (status.equals("HTTP/1.1 408") ? cut.timedOut : cut.answered).incrementAndGet();
                    }
                    break;
                }
            } catch (IOException e) {
                cut.evicted.incrementAndGet();
            }
        }
    }
}
