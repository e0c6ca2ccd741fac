package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardScheduleTest {
    private static final long S = 1_000_000_000L;

    /** 64 shards in 64 s: one a second. */
    private final ShardSchedule schedule = new ShardSchedule(64, Duration.ofSeconds(64), Duration.ofSeconds(30), Duration.ofSeconds(5));

    @Test
    void anIdleSweepReadsOneShardPerTickInTurn() {
        long t = 0;
        for (int i = 0; i < 130; i++) {
            List<Integer> due = schedule.due(t);
            assertThat(due).containsExactly(i % 64);
            schedule.read(due, Set.of(), t);
            assertThat(schedule.due(t + S / 2)).as("nothing between ticks").isEmpty();
            t += S;
        }
        assertThat(schedule.wake()).isEqualTo(ShardSchedule.WAKE);
    }

    @Test
    void aSweepTakesLogSweepAlthoughWakeUpsDoNotFallOnTicks() {
        ShardSchedule forty = new ShardSchedule(64, Duration.ofSeconds(40), Duration.ofSeconds(10), Duration.ofSeconds(5));
        long wake = forty.wake().toNanos();
        int reads = 0;
        for (long t = 0; t < 400 * S; t += wake) { // ten sweeps of 40 s, a tick (625 ms) not a multiple of the wake-up
            List<Integer> due = forty.due(t);
            forty.read(due, Set.of(), t);
            reads += due.size();
        }
        assertThat(reads).isEqualTo(640);
    }

    @Test
    void aShortSweepKeepsItsPaceWhenWakeUpsComeLaterThanItsTicks() {
        ShardSchedule two = new ShardSchedule(64, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(5));
        long between = 40_000_000L; // a 31 ms tick; each wake-up comes after the last round's reads, 40 ms apart
        int reads = 0;
        for (long t = 0; t < 20 * S; t += between) { // ten sweeps of 2 s
            List<Integer> due = two.due(t);
            two.read(due, Set.of(), t);
            reads += due.size();
        }
        assertThat(reads).isBetween(639, 641);
    }

    @Test
    void aSweepFarBehindStartsAfreshInsteadOfRushing() {
        schedule.read(schedule.due(0), Set.of(), 0);
        schedule.read(schedule.due(10 * S), Set.of(), 10 * S); // RGW was down for ten ticks
        assertThat(schedule.due(10 * S + S / 2)).isEmpty();
        assertThat(schedule.due(11 * S)).containsExactly(2);
    }

    @Test
    void aShardWithEntriesIsReadEveryTwoSecondsForAWhile() {
        schedule.read(schedule.due(0), Set.of(0), 0);
        assertThat(schedule.due(S)).containsExactly(1);
        schedule.read(List.of(1), Set.of(), S);
        assertThat(schedule.due(2 * S)).containsExactly(2, 0);
        schedule.read(List.of(2, 0), Set.of(), 2 * S);
        assertThat(schedule.due(3 * S)).containsExactly(3);
        assertThat(schedule.due(31 * S)).doesNotContain(0);
    }

    @Test
    void aQuestionPullsAStaleShardToTheNextWakeUp() {
        schedule.read(schedule.due(0), Set.of(), 0); // shard 0 read at 0
        schedule.asked(40, S / 4);
        assertThat(schedule.due(S / 2)).containsExactly(40);

        schedule.read(List.of(40), Set.of(), S / 2);
        schedule.asked(40, S); // read half a second ago: fresh enough
        assertThat(schedule.due(S + S / 4)).containsExactly(1);
    }

    @Test
    void allReadsEveryShardOnceThenTheSweepGoesOn() {
        schedule.all();
        List<Integer> due = schedule.due(0);
        assertThat(due).hasSize(64);
        schedule.read(due, Set.of(), 0);
        assertThat(schedule.due(S)).hasSize(1);
        assertThat(schedule.oldestRead(S)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theOldestReadIsUnknownUntilEveryShardWasRead() {
        schedule.read(schedule.due(0), Set.of(), 0);
        assertThat(schedule.oldestRead(S)).isNull();
    }
}
