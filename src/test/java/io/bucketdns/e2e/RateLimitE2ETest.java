package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Response rate limiting of the real process under dnsperf from one loopback client at ten times
 * the configured rate: that client gets the configured rate of full answers plus slipped (TC)
 * ones, and the counters say so, while a client in another /24 is not touched.
 */
class RateLimitE2ETest {
    private static final int RATE = 100;
    private static final int FLOOD = 10 * RATE;
    private static final int SECONDS = 9;

    @TempDir
    Path dir;
    BucketDnsProcess bucketdns;

    @AfterEach
    void stop() throws Exception {
        if (bucketdns != null) {
            bucketdns.close();
        }
    }

    @Test
    void oneFloodingNetworkGetsTheRatePlusSlipsAndOthersAreUntouched() throws Exception {
        int port = Ports.free();
        int ops = Ports.free();
        bucketdns = BucketDnsProcess.serve(BucketDnsFiles.write(dir, List.of(), List.of("listen = 127.0.0.1:" + port,
                "rrl_responses_per_second = " + RATE, "rrl_slip = 2", "[ops]", "listen = 127.0.0.1:" + ops)));
        assertThat(Ports.await(30, () -> Ports.accepts(port))).as("started; log:\n%s", bucketdns.log()).isTrue();
        Path queries = Files.writeString(dir.resolve("queries.txt"), "foo.o.example.com A\n");

        // the flood: dnsperf from 127.0.0.1, one name, ten times the rate; lost queries time out after 1 s
        Process dnsperf = new ProcessBuilder("dnsperf", "-s", "127.0.0.1", "-p", String.valueOf(port), "-d", queries.toString(),
                "-l", String.valueOf(SECONDS), "-Q", String.valueOf(FLOOD), "-q", String.valueOf(2 * FLOOD), "-t", "1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsperf.txt").toFile()).start();
        // the bystander: another /24, another name, every 20 ms
        SimpleResolver other = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        other.setLocalAddress(new InetSocketAddress("127.0." + (100 + RgwLab.labSlot()) + ".9", 0));
        other.setTimeout(Duration.ofSeconds(1));
        AtomicInteger otherAnswered = new AtomicInteger();
        AtomicInteger otherFailed = new AtomicInteger();
        AtomicReference<String> otherFailure = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread bystander = Thread.ofPlatform().start(() -> {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS + 5);
            while (!done.get() && System.nanoTime() < until) {
                try {
                    Message r = other.send(Message.newQuery(org.xbill.DNS.Record.newRecord(
                            org.xbill.DNS.Name.fromString("bar.o.example.com."), Type.AAAA, org.xbill.DNS.DClass.IN)));
                    if (r.getRcode() != Rcode.NOERROR || r.getHeader().getFlag(Flags.TC) || r.getSection(Section.ANSWER).isEmpty()) {
                        throw new IllegalStateException("answered " + r);
                    }
                    otherAnswered.incrementAndGet();
                    Thread.sleep(20);
                } catch (Exception e) {
                    otherFailed.incrementAndGet();
                    otherFailure.compareAndSet(null, e.toString());
                }
            }
        });
        Counts first;
        Counts second;
        double seconds;
        try {
            // measure in the steady state, past the first second's burst; each scrape is timed at its
            // middle, and a first one warms up the HTTP client, so the window is what the counters saw
            Counts.scrape(ops);
            Thread.sleep(2000);
            long t1 = System.nanoTime();
            first = Counts.scrape(ops);
            t1 = (t1 + System.nanoTime()) / 2;
            Thread.sleep(5000);
            long t2 = System.nanoTime();
            second = Counts.scrape(ops);
            t2 = (t2 + System.nanoTime()) / 2;
            seconds = (t2 - t1) / 1e9;
        } finally {
            if (!dnsperf.waitFor(SECONDS + 20, TimeUnit.SECONDS)) {
                dnsperf.destroyForcibly();
            }
            done.set(true);
            bystander.join(5000);
        }
        String report = Files.readString(dir.resolve("dnsperf.txt")).lines().filter(l -> !l.contains("Timeout")).toList().toString();
        double asked = (second.asked - first.asked) / seconds;
        double full = (second.full() - first.full()) / seconds;
        double slipped = (second.slipped - first.slipped) / seconds;
        double dropped = (second.dropped - first.dropped) / seconds;
        System.out.printf("rate limit %d/s, slip 2: asked %.0f/s, full answers %.0f/s, slipped %.0f/s, dropped %.0f/s%n",
                RATE, asked, full, slipped, dropped);
        assertThat(asked).as("dnsperf floods at about %d/s: %s", FLOOD, report).isGreaterThan(5 * RATE);
        assertThat(full).as("full answers a second (asked %.0f/s, slipped %.0f/s, dropped %.0f/s)", asked, slipped, dropped)
                .isBetween(0.9 * RATE, 1.1 * RATE);
        assertThat(slipped / (slipped + dropped)).as("slip 2: about one held-back answer in two goes out truncated")
                .isBetween(0.4, 0.6);
        assertThat(report).as(report).contains("Queries lost:");
        assertThat(otherAnswered.get()).as("the bystander asked throughout").isGreaterThan(SECONDS * 20);
        assertThat(otherFailed.get()).as("bystander failures; first: %s", otherFailure.get()).isZero();
        String metrics = Scrape.text(ops, "/metrics");
        assertThat(metrics).contains("bucketdns_dns_rate_limited_total{action=\"dropped\",kind=\"positive\"}")
                .contains("bucketdns_dns_rate_limited_total{action=\"slipped\",kind=\"positive\"}");
    }

    /** The counters of the flooded name: questions answered by the rules, and answers held back. */
    private record Counts(double asked, double dropped, double slipped) {
        double full() {
            return asked - dropped - slipped;
        }

        static Counts scrape(int ops) throws Exception {
            String m = Scrape.text(ops, "/metrics");
            return new Counts(sum(m, "bucketdns_dns_requests_total{", "frontend=\"udp\"", "qtype=\"A\""),
                    sum(m, "bucketdns_dns_rate_limited_total{", "action=\"dropped\""),
                    sum(m, "bucketdns_dns_rate_limited_total{", "action=\"slipped\""));
        }

        private static double sum(String metrics, String series, String... labels) {
            double total = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith(series) && List.of(labels).stream().allMatch(line::contains)) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return total;
        }
    }
}
