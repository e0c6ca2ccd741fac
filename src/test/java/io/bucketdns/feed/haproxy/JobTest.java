package io.bucketdns.feed.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JobTest {
    private final FakeTime time = new FakeTime();
    private final Scheduler scheduler = time.scheduler("job");
    private final List<Long> runs = new ArrayList<>();
    /** What the step's runs return, in turn; then {@link Job#IDLE}. */
    private final Deque<Long> deadlines = new ArrayDeque<>();
    private int recovered;
    private boolean throwNext;

    private final Job job = new Job(scheduler, () -> {
        runs.add(TimeUnit.NANOSECONDS.toMillis(scheduler.nanoTime()));
        if (throwNext) {
            throwNext = false;
            throw new IllegalStateException("a bug");
        }
        return deadlines.isEmpty() ? Job.IDLE : deadlines.poll();
    }, () -> recovered++);

    /** Runs the step at 0; that run and the next ones ask to run again at {@code next}, in turn. */
    private void firstRunAsking(Duration... next) {
        for (Duration d : next) {
            deadlines.add(d.toNanos());
        }
        job.nudge();
        time.runDue();
    }

    @Test
    void nudgesWhileItWaitsMakeOneRun() {
        job.nudge();
        job.nudge();
        job.nudge();
        time.runDue();
        job.nudge();
        time.runDue();

        assertThat(runs).containsExactly(0L, 0L);
    }

    @Test
    void itRunsAgainAtTheDeadlineTheStepAsksFor() {
        firstRunAsking(Duration.ofMillis(1500));

        time.advance(Duration.ofMillis(1499));
        assertThat(runs).containsExactly(0L);
        time.advance(Duration.ofMillis(1));
        assertThat(runs).containsExactly(0L, 1500L);
        assertThat(time.pending()).isZero();
    }

    @Test
    void aNudgeBeforeTheDeadlineRunsAtOnceAndTheNewDeadlineReplacesTheOld() {
        firstRunAsking(Duration.ofSeconds(5), Duration.ofSeconds(3));
        time.advance(Duration.ofSeconds(1));
        job.nudge();
        time.runDue();

        time.advance(Duration.ofSeconds(10));

        assertThat(runs).containsExactly(0L, 1000L, 3000L);
    }

    @Test
    void aStepThatThrowsRecoversAndRunsAgainTenSecondsLater() {
        throwNext = true;
        job.nudge();
        time.advance(Duration.ofSeconds(20));

        assertThat(recovered).isEqualTo(1);
        assertThat(runs).containsExactly(0L, 10_000L);
    }

    @Test
    void finishRunsTheLastTaskAndThenNothingMore() {
        firstRunAsking(Duration.ofSeconds(1));
        List<String> last = new ArrayList<>();

        job.finish(() -> last.add("last"));
        job.nudge();
        time.advance(Duration.ofSeconds(5));

        assertThat(last).containsExactly("last");
        assertThat(runs).containsExactly(0L);
    }
}
