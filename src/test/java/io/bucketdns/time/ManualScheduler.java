package io.bucketdns.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} for tests: time stands still until {@link #advance}, which runs each task
 * that falls due, in order of time, on the calling thread and with the clock at that task's time.
 * What a job does at 10 s, 10.25 s and 70 s is then checked in microseconds, exactly.
 *
 * <p>Tasks may be scheduled from any thread (an asker's, a look-up's); {@link #awaitPending} lets
 * a test wait, on a signal, until they have been.
 */
public final class ManualScheduler implements Scheduler {
    /** Far from zero, so that code treating 0 or {@code Long.MIN_VALUE} as "never" sees a real time. */
    private static final long START_NANOS = 1_000_000_000_000L;

    private record Task(long due, long order, Runnable run) {}

    private final Instant epoch;
    private final PriorityQueue<Task> tasks =
            new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
    private long nanos = START_NANOS;
    private long order;
    private boolean closed;

    /** A clock that reads {@code start} now. */
    public ManualScheduler(Instant start) {
        this.epoch = start;
    }

    public ManualScheduler() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Instant instant() {
        return epoch.plusNanos(nanos - START_NANOS);
    }

    @Override
    public synchronized void schedule(Runnable task, Duration delay) {
        if (!closed) {
            tasks.add(new Task(nanos + Math.max(0, delay.toNanos()), order++, task));
            notifyAll();
        }
    }

    /** Moves time on by {@code d}, running every task due by then (and those they schedule within it). */
    public void advance(Duration d) {
        long target;
        synchronized (this) {
            target = nanos + d.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                if (closed || tasks.isEmpty() || tasks.peek().due > target) {
                    nanos = Math.max(nanos, target);
                    return;
                }
                next = tasks.poll();
                nanos = Math.max(nanos, next.due);
            }
            next.run.run();
        }
    }

    /** Runs what is due now, without moving time. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** How many tasks wait. */
    public synchronized int pending() {
        return tasks.size();
    }

    /** The delays from now of the tasks that wait, soonest first. */
    public synchronized List<Duration> delays() {
        List<Duration> out = new ArrayList<>();
        tasks.stream().sorted(tasks.comparator()).forEach(t -> out.add(Duration.ofNanos(t.due - nanos)));
        return out;
    }

    /**
     * Waits until at least {@code count} tasks are pending, woken by each one scheduled.
     *
     * @return whether they were within {@code limit} of real time
     */
    public synchronized boolean awaitPending(int count, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (tasks.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        tasks.clear();
    }
}
