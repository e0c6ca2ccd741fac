package io.bucketdns.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Production's scheduler: one named daemon thread per job, that closing ends. */
class ThreadSchedulerTest {
    @Test
    void tasksRunOnTheJobsOwnDaemonThreadInOrder() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        try (Scheduler s = Scheduler.thread("job-x")) {
            for (String name : List.of("first", "second", "third")) {
                s.execute(() -> {
                    ran.add(name + " on " + Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " (daemon)" : ""));
                    done.countDown();
                });
            }
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ran).containsExactly("first on job-x (daemon)", "second on job-x (daemon)", "third on job-x (daemon)");
    }

    @Test
    void repeatRunsUntilClosedAndClosingDropsWhatIsPending() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        Scheduler s = Scheduler.thread("job-y");
        s.repeat(() -> {
            runs.incrementAndGet();
            three.countDown();
        }, Duration.ZERO, Duration.ofMillis(1));
        CountDownLatch never = new CountDownLatch(1);
        s.schedule(never::countDown, Duration.ofHours(1));
        assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();

        s.close();
        int after = runs.get();
        s.execute(never::countDown);

        assertThat(s.isClosed()).isTrue();
        assertThat(never.getCount()).as("nothing runs once closed").isEqualTo(1);
        assertThat(runs.get()).isEqualTo(after);
    }

    @Test
    void theClocksAreTheSystems() {
        try (Scheduler s = Scheduler.thread("job-z")) {
            long before = System.nanoTime();
            long t = s.nanoTime();
            assertThat(t).isBetween(before, System.nanoTime());
            assertThat(Duration.between(s.instant(), java.time.Instant.now()).abs()).isLessThan(Duration.ofSeconds(5));
        }
    }
}
