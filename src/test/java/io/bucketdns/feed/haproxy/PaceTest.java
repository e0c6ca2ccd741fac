package io.bucketdns.feed.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PaceTest {
    private static final long NOW = TimeUnit.SECONDS.toNanos(1000);

    private static long millisAfterNow(long at) {
        return TimeUnit.NANOSECONDS.toMillis(at - NOW);
    }

    @Test
    void theFirstTalkIsDueAtOnceWithOrWithoutWork() {
        assertThat(Pace.START.dueAt(true)).isLessThanOrEqualTo(NOW);
        assertThat(Pace.START.dueAt(false)).isLessThanOrEqualTo(NOW);
    }

    @Test
    void afterASuccessWorkGoesAtOnceAndTheNextCheckIsTwoSecondsAway() {
        Pace pace = Pace.START.failed(NOW).succeeded(NOW);

        assertThat(pace.dueAt(true)).isLessThanOrEqualTo(NOW);
        assertThat(millisAfterNow(pace.dueAt(false))).isEqualTo(2000);
    }

    @Test
    void failuresBackOffDoublingUpToTenSecondsWithOrWithoutWork() {
        List<Long> waits = new ArrayList<>();
        Pace pace = Pace.START;
        for (int i = 0; i < 9; i++) {
            pace = pace.failed(NOW);
            assertThat(pace.dueAt(false)).isEqualTo(pace.dueAt(true));
            waits.add(millisAfterNow(pace.dueAt(true)));
        }

        assertThat(waits).containsExactly(200L, 400L, 800L, 1600L, 3200L, 6400L, 10_000L, 10_000L, 10_000L);
    }

    @Test
    void aSuccessStartsTheBackoffOver() {
        Pace pace = Pace.START.failed(NOW).failed(NOW).failed(NOW).succeeded(NOW).failed(NOW);

        assertThat(millisAfterNow(pace.dueAt(true))).isEqualTo(200);
    }

    @Test
    void driftIsRepairedAtOnceAndTheBackoffIsKept() {
        Pace pace = Pace.START.failed(NOW).failed(NOW).drifted(NOW);

        assertThat(pace.dueAt(true)).isEqualTo(NOW);
        assertThat(millisAfterNow(pace.failed(NOW).dueAt(true))).isEqualTo(800);
    }
}
