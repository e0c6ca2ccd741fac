package io.bucketdns.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tests' scheduler: its tasks run when time reaches them, in order, with the clock at their time. */
class ManualSchedulerTest {
    @Test
    void advanceRunsWhatFallsDueInOrderAtItsTime() {
        ManualScheduler s = new ManualScheduler(Instant.parse("2026-05-01T12:00:00Z"));
        long start = s.nanoTime();
        List<String> ran = new ArrayList<>();
        s.schedule(() -> ran.add("b at " + (s.nanoTime() - start) / 1_000_000), Duration.ofMillis(200));
        s.schedule(() -> ran.add("a at " + (s.nanoTime() - start) / 1_000_000), Duration.ofMillis(100));
        s.repeat(() -> ran.add("r at " + s.instant()), Duration.ofMillis(150), Duration.ofSeconds(1));

        s.advance(Duration.ofMillis(199));
        assertThat(ran).containsExactly("a at 100", "r at 2026-05-01T12:00:00.150Z");
        s.advance(Duration.ofMillis(1));
        assertThat(ran).endsWith("b at 200");
        s.advance(Duration.ofSeconds(1));
        assertThat(ran).endsWith("r at 2026-05-01T12:00:01.150Z");
        assertThat(s.delays()).containsExactly(Duration.ofMillis(950));
    }

    @Test
    void closingDropsWhatIsPending() {
        ManualScheduler s = new ManualScheduler();
        List<String> ran = new ArrayList<>();
        s.schedule(() -> ran.add("x"), Duration.ZERO);
        s.close();
        s.runDue();
        s.execute(() -> ran.add("y"));

        assertThat(ran).isEmpty();
        assertThat(s.pending()).isZero();
    }
}
