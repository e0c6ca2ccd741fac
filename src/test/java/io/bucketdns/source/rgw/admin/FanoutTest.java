package io.bucketdns.source.rgw.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Many blocking calls, a fixed number in flight: results in order, the first failure stops the rest. */
class FanoutTest {
    @Test
    void resultsComeInTheItemsOrder() {
        List<Integer> items = IntStream.range(0, 100).boxed().toList();

        assertThat(Fanout.map(items, 8, i -> "r" + i)).containsExactlyElementsOf(items.stream().map(i -> "r" + i).toList());
    }

    @Test
    void noMoreThanInFlightCallsRunAtOnce() throws Exception {
        int inFlight = 3;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch full = new CountDownLatch(inFlight);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<List<Integer>> all = CompletableFuture.supplyAsync(() -> Fanout.map(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), inFlight, i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            full.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return i * 10;
        }));
        assertThat(full.await(10, TimeUnit.SECONDS)).as("%d calls under way", inFlight).isTrue();
        int atOnce = running.get();

        release.countDown();

        assertThat(all.get(10, TimeUnit.SECONDS)).containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90);
        assertThat(atOnce).isEqualTo(inFlight);
        assertThat(most).hasValue(inFlight);
    }

    @Test
    void aFailureIsThrownAndOneInFlightStopsAtIt() {
        AtomicInteger calls = new AtomicInteger();
        RgwException down = new RgwException("GET /admin/metadata/bucket: no RGW endpoint answered", 0, "", null);
        Function<Integer, Integer> failsAtFive = i -> {
            calls.incrementAndGet();
            if (i == 5) {
                throw down;
            }
            return i;
        };
        List<Integer> items = IntStream.range(0, 100).boxed().toList();

        assertThatThrownBy(() -> Fanout.map(items, 4, failsAtFive)).isSameAs(down);
        calls.set(0);
        assertThatThrownBy(() -> Fanout.map(items, 1, failsAtFive)).isSameAs(down);
        assertThat(calls).as("calls made one at a time").hasValue(6);
    }

    @Test
    void oneItemOrOneInFlightRunsOnTheCallersThread() {
        Thread caller = Thread.currentThread();

        assertThat(Fanout.map(List.of("only"), 8, s -> Thread.currentThread() == caller)).containsExactly(true);
        assertThat(Fanout.map(List.of("a", "b"), 1, s -> Thread.currentThread() == caller)).containsExactly(true, true);
    }

    @Test
    void anInterruptedCallerGetsAnRgwExceptionKeepsItsInterruptAndItsCallsAreInterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch interrupted = new CountDownLatch(2);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                Fanout.map(List.of(1, 2), 2, i -> {
                    started.countDown();
                    try {
                        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    return i;
                });
                outcome.complete("returned");
            } catch (RgwException e) {
                outcome.complete(e.getMessage() + (Thread.currentThread().isInterrupted() ? ", still interrupted" : ""));
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted, still interrupted");
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("both calls interrupted").isTrue();
        caller.join();
    }
}
