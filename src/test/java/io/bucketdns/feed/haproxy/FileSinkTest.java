package io.bucketdns.feed.haproxy;

import static io.bucketdns.feed.haproxy.MapEntriesTest.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.LogLines;
import io.bucketdns.catalog.Catalog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FileSinkTest {
    private final FakeTime time = new FakeTime();
    private final LogLines log = new LogLines(HaproxyFeed.class);
    /** Each write: its catalog's buckets and when it started, in ms. */
    private final List<String> writes = new ArrayList<>();
    private Duration cost = Duration.ZERO;
    private int failuresToCome;

    private final FileSink sink = new FileSink("/etc/haproxy/buckets.map", c -> {
        if (failuresToCome > 0) {
            failuresToCome--;
            throw new IOException("/etc/haproxy/.buckets.map.tmp: Permission denied");
        }
        writes.add(describe(c) + " at " + Duration.between(FakeTime.ORIGIN, time.instant()).toMillis());
        time.spend(cost);
        return c.size();
    }, time, time.scheduler("file"));

    @AfterEach
    void stopLogging() {
        log.close();
    }

    private static String describe(Catalog c) {
        List<String> names = new ArrayList<>();
        c.forEachBucket((bucket, zonegroup) -> names.add(bucket));
        return String.join(",", names.stream().sorted().toList());
    }

    @Test
    void theFirstCatalogIsWrittenAtOnceAndAChangeWithinASecond() {
        sink.offer(catalog(Map.of("a", "eu")));
        time.runDue();
        time.advance(Duration.ofMillis(300));
        sink.offer(catalog(Map.of("a", "eu", "b", "us")));
        time.advance(Duration.ofMillis(699));
        assertThat(writes).containsExactly("a at 0");

        time.advance(Duration.ofMillis(1));

        assertThat(writes).containsExactly("a at 0", "a,b at 1000");
    }

    @Test
    void changesWithinTheSecondAreOneWriteOfTheNewest() {
        sink.offer(catalog(Map.of("a", "eu")));
        time.runDue();
        for (String b : List.of("b", "c", "d")) {
            time.advance(Duration.ofMillis(200));
            sink.offer(catalog(Map.of("a", "eu", b, "us")));
        }

        time.advance(Duration.ofSeconds(10));

        assertThat(writes).containsExactly("a at 0", "a,d at 1000");
    }

    @Test
    void aChangeAfterAQuietSecondIsWrittenAtOnce() {
        sink.offer(catalog(Map.of("a", "eu")));
        time.advance(Duration.ofSeconds(5));
        sink.offer(catalog(Map.of("b", "eu")));
        time.runDue();

        assertThat(writes).containsExactly("a at 0", "b at 5000");
    }

    @Test
    void aSlowWriteKeepsTheNextFourTimesItsCostAway() {
        cost = Duration.ofMillis(500);
        sink.offer(catalog(Map.of("a", "eu")));
        time.runDue();
        sink.offer(catalog(Map.of("b", "eu")));

        time.advance(Duration.ofSeconds(10));

        assertThat(writes).containsExactly("a at 0", "b at 2500"); // done at 500, then 4 x 500 ms
    }

    @Test
    void aFailedWriteIsLoggedOnceCountedAndTriedAgainEveryFiveSeconds() {
        failuresToCome = 3;
        sink.offer(catalog(Map.of("a", "eu")));
        time.runDue();
        assertThat(sink.status().failures()).isEqualTo(1);
        assertThat(sink.status().agrees()).isFalse();

        time.advance(Duration.ofSeconds(15));

        assertThat(writes).containsExactly("a at 15000");
        assertThat(sink.status().failures()).isEqualTo(3);
        assertThat(sink.status().agrees()).isTrue();
        assertThat(sink.status().agreedAt()).isEqualTo(FakeTime.ORIGIN.plusSeconds(15));
        assertThat(log.lines()).containsExactly(
                "ERROR haproxy: cannot write the map file /etc/haproxy/buckets.map: java.io.IOException: "
                        + "/etc/haproxy/.buckets.map.tmp: Permission denied; fix: make its directory writable for bucketdns "
                        + "(HAProxy keeps the map it has; a restart of HAProxy would load the old file)",
                "INFO haproxy: map file /etc/haproxy/buckets.map written again (1 entries)");
    }

    @Test
    void itAgreesOnceTheFileHoldsTheNewestCatalog() {
        sink.offer(catalog(Map.of("a", "eu")));
        time.runDue();
        assertThat(sink.status().agrees()).isTrue();
        assertThat(sink.status().agreedAt()).isEqualTo(FakeTime.ORIGIN);

        time.advance(Duration.ofMillis(100));
        sink.offer(catalog(Map.of("b", "eu")));
        time.runDue();
        assertThat(sink.status().agrees()).isFalse();

        time.advance(Duration.ofMillis(900));
        assertThat(sink.status().agrees()).isTrue();
        assertThat(sink.status().agreedAt()).isEqualTo(FakeTime.ORIGIN.plusSeconds(1));
    }

    @Test
    void closingWritesTheNewestCatalogAtOnceForTheNextHaproxyStart() {
        sink.offer(catalog(Map.of("a", "eu")));
        time.runDue();
        time.advance(Duration.ofMillis(100));
        sink.offer(catalog(Map.of("b", "eu")));

        sink.close();

        assertThat(writes).containsExactly("a at 0", "b at 100");
        assertThat(time.pending()).isZero();
    }

    @Test
    void closingWritesNothingWhenTheFileIsCurrentOrNothingWasOffered() {
        FileSink idle = new FileSink("/etc/haproxy/buckets.map", c -> {
            throw new AssertionError("nothing to write");
        }, time, time.scheduler("idle"));
        idle.close();
        sink.offer(catalog(Map.of("a", "eu")));
        time.runDue();

        sink.close();

        assertThat(writes).containsExactly("a at 0");
    }
}
