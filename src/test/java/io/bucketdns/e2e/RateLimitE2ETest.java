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
                "rrl_responses_per_second = " + RATE, "rrl_slip = 2", "[ops]", "listen = 127.0.0.1:" + ops)),
                // the rate is counted when a worker takes the query in: a server starved of CPU by the rest of
                // a shared machine takes a backlog in at once, and the backlog gets one second's burst only
                List.of("nice", "-n", "-10"));
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
        try {
            assertThat(dnsperf.waitFor(SECONDS + 30, TimeUnit.SECONDS)).as("dnsperf ends").isTrue();
        } finally {
            dnsperf.destroyForcibly();
            done.set(true);
            bystander.join(5000);
        }
        // Counted over the whole run, from the server's counters once it has taken in every query
        // dnsperf sent, against dnsperf's own run time: on a shared machine a scrape can take
        // seconds, so rates between two scrapes would be measured against the wrong window.
        String report = Files.readString(dir.resolve("dnsperf.txt"));
        double sent = number(report, "Queries sent:");
        double runTime = number(report, "Run time (s):");
        assertThat(Ports.await(30, () -> Counts.scrapeQuietly(ops).asked >= sent)).as("every query taken in: %s", report).isTrue();
        Counts c = Counts.scrape(ops);
        String figures = String.format("rate limit %d/s, slip 2, %.1f s: asked %.0f, full answers %.0f, slipped %.0f, dropped %.0f",
                RATE, runTime, c.asked, c.full(), c.slipped, c.dropped);
        System.out.println(figures);
        assertThat(c.asked / runTime).as("dnsperf floods at several times the rate: %s", figures).isGreaterThan(3 * RATE);
        // the first second's burst, then the rate
        assertThat((c.full() - RATE) / runTime).as("full answers a second: %s", figures).isBetween(0.9 * RATE, 1.1 * RATE);
        assertThat(c.slipped / (c.slipped + c.dropped)).as("slip 2: about one held-back answer in two goes out truncated: %s", figures)
                .isBetween(0.4, 0.6);
        // what dnsperf saw: the full and the slipped answers (less any that came after its 1 s timeout)
        assertThat(number(report, "Queries completed:")).as("%s; dnsperf: %s", figures, report.lines().filter(l -> !l.contains("Timeout")).toList())
                .isBetween(0.9 * (c.full() + c.slipped), c.full() + c.slipped);
        assertThat(otherAnswered.get()).as("the bystander asked throughout").isGreaterThan(SECONDS * 20);
        assertThat(otherFailed.get()).as("bystander failures; first: %s", otherFailure.get()).isZero();
        String metrics = Scrape.text(ops, "/metrics");
        assertThat(metrics).contains("bucketdns_dns_rate_limited_total{action=\"dropped\",kind=\"positive\"}")
                .contains("bucketdns_dns_rate_limited_total{action=\"slipped\",kind=\"positive\"}");
    }

    /** The number after {@code label} in dnsperf's report. */
    private static double number(String report, String label) {
        for (String line : report.split("\n")) {
            String l = line.strip();
            if (l.startsWith(label)) {
                return Double.parseDouble(l.substring(label.length()).strip().split("\\s+")[0]);
            }
        }
        throw new AssertionError("no '" + label + "' in dnsperf's report:\n" + report);
    }

    /** The counters of the flooded name: questions answered by the rules, and answers held back. */
    private record Counts(double asked, double dropped, double slipped) {
        double full() {
            return asked - dropped - slipped;
        }

        static Counts scrapeQuietly(int ops) {
            try {
                return scrape(ops);
            } catch (Exception e) {
                return new Counts(0, 0, 0);
            }
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
