package io.bucketdns.feed.haproxy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Time that passes only when a test says so, and {@link Scheduler}s on it whose tasks run on the
 * test's thread, in deadline order, while the test {@link #advance}s the time: a deadline is met
 * exactly, and what is not due has not run.
 */
final class FakeTime implements InstantSource {
    static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

    private record Task(long due, long order, Runnable run, Sched owner) {}

    private final PriorityQueue<Task> queue = new PriorityQueue<>(Comparator.comparingLong(Task::due).thenComparingLong(Task::order));
    private final List<String> names = new ArrayList<>();
    private long now;
    private long order;

    @Override
    public Instant instant() {
        return ORIGIN.plusNanos(now);
    }

    /** A fresh scheduler per name, as {@link HaproxyFeed#create} asks for them. */
    Function<String, Scheduler> schedulers() {
        return this::scheduler;
    }

    Scheduler scheduler(String name) {
        names.add(name);
        return new Sched();
    }

    /** The names of the schedulers asked for so far. */
    List<String> names() {
        return List.copyOf(names);
    }

    /** Runs what is due now, and what that makes due now. */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the time on by {@code d}, running every task that falls due on the way at its time. */
    void advance(Duration d) {
        long end = now + d.toNanos();
        for (Task t; (t = queue.peek()) != null && t.due() <= end; ) {
            queue.poll();
            now = Math.max(now, t.due());
            t.run().run();
        }
        now = end;
    }

    /** The task running now takes {@code d}: time passes, and nothing else runs meanwhile. */
    void spend(Duration d) {
        now += d.toNanos();
    }

    /** Tasks waiting, due or not. */
    int pending() {
        return queue.size();
    }

    private final class Sched implements Scheduler {
        private boolean closed;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void execute(Runnable task) {
            add(task, 0);
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            Task t = add(task, delayNanos);
            return () -> queue.remove(t);
        }

        private Task add(Runnable task, long delayNanos) {
            Task t = new Task(now + delayNanos, order++, task, this);
            if (!closed) {
                queue.add(t);
            }
            return t;
        }

        /** Like the real one: what is due runs now, what waits is dropped, nothing more is taken. */
        @Override
        public void close() {
            closed = true;
            List<Task> mine = queue.stream().filter(t -> t.owner() == this).sorted(queue.comparator()).toList();
            queue.removeAll(mine);
            mine.stream().filter(t -> t.due() <= now).forEach(t -> t.run().run());
        }
    }
}
