package io.bucketdns.feed.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.answer.Soa;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import io.bucketdns.time.ManualScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When NOTIFYs go: coalesced to one a second, retried with backoff, a newer one ending the retries of an older one. */
class NotifierTest {
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5301);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 5302);
    private static final Zone ZONE = new Zone("o.example.com", Soa.parse("ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60")
            .withSerial(Soa.FOLLOW_CATALOG), 3600, 60, List.of("ns1.example.com."), List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final long t0 = scheduler.nanoTime();
    /** What was sent, as "secondary serial @ seconds", and whether each is acknowledged. */
    private final List<String> sent = new ArrayList<>();
    private boolean acknowledge = true;
    private long serial = 100;
    private final Notifier notifier = new Notifier(List.of(A, B), () -> List.of(ZONE), () -> serial, this::send, scheduler);

    private CompletionStage<Boolean> send(InetSocketAddress to, Zone zone, long s) {
        sent.add(to.getPort() + " " + s + " @" + Duration.ofNanos(scheduler.nanoTime() - t0).toSeconds());
        return CompletableFuture.completedFuture(acknowledge);
    }

    @AfterEach
    void close() {
        notifier.close();
    }

    @Test
    void theFirstChangeIsToldAtOnceAndTheChangesOfTheNextSecondInOneNotify() {
        notifier.changed();
        scheduler.runDue();
        assertThat(sent).containsExactly("5301 100 @0", "5302 100 @0");

        scheduler.advance(Duration.ofMillis(300));
        for (int i = 0; i < 50; i++) {
            serial++;
            notifier.changed();
        }
        scheduler.runDue();
        assertThat(sent).as("nothing before the second is up").hasSize(2);
        scheduler.advance(Duration.ofMillis(700));

        assertThat(sent).containsExactly("5301 100 @0", "5302 100 @0", "5301 150 @1", "5302 150 @1");
    }

    @Test
    void aChangeAfterAQuietSecondIsToldAtOnce() {
        notifier.changed();
        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(5));
        serial = 101;

        notifier.changed();
        scheduler.runDue();

        assertThat(sent).endsWith("5301 101 @5", "5302 101 @5");
    }

    @Test
    void anUnacknowledgedNotifyIsTriedFiveTimesAfter1_2_4_And8Seconds() {
        acknowledge = false;
        notifier.changed();
        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(60));

        assertThat(sent.stream().filter(s -> s.startsWith("5301")).toList())
                .containsExactly("5301 100 @0", "5301 100 @1", "5301 100 @3", "5301 100 @7", "5301 100 @15");
    }

    @Test
    void aNewerNotifyEndsTheRetriesOfAnOlderOne() {
        acknowledge = false;
        notifier.changed();
        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(1)); // the first retry of 100
        serial = 101;
        acknowledge = true;
        notifier.changed();
        scheduler.runDue();

        scheduler.advance(Duration.ofSeconds(60));

        assertThat(sent.stream().filter(s -> s.startsWith("5301")).toList())
                .containsExactly("5301 100 @0", "5301 100 @1", "5301 101 @1");
    }
}
