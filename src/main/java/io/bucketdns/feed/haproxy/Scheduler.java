package io.bucketdns.feed.haproxy;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where one job's tasks run, one at a time: now, or once a delay has passed on {@link #nanoTime}.
 * In production each job gets its own thread ({@link #onThread}); unit tests give a fake whose
 * time they advance by hand, so every deadline of the feed can be tested exactly.
 *
 * <p>After {@link #close} it takes no more tasks and drops them silently, so a catalog change that
 * races with a config reload cannot fail the catalog writer's listener call.
 */
interface Scheduler extends AutoCloseable {
    /** The clock delays are counted on, in nanoseconds from an arbitrary origin. */
    long nanoTime();

    /** Runs {@code task} as soon as the tasks before it are done. */
    void execute(Runnable task);

    /** Runs {@code task} once {@code delayNanos} have passed, unless it is cancelled first. */
    Cancellable schedule(Runnable task, long delayNanos);

    /**
     * Runs what was given to {@link #execute} before, drops what waits on a delay, and returns once
     * the thread is idle (within a bounded time: a task that hangs does not hold up a reload).
     */
    @Override
    void close();

    interface Cancellable {
        void cancel();
    }

    /** A scheduler with a daemon thread of its own, named {@code name}, on {@link System#nanoTime}. */
    static Scheduler onThread(String name) {
        return new ThreadScheduler(name);
    }

    final class ThreadScheduler implements Scheduler {
        /** Every wait of a push is bounded by RuntimeApi's timeouts: a close outlasting this one is a hung peer. */
        private static final long CLOSE_LIMIT_SECONDS = 10;
        private final ScheduledThreadPoolExecutor executor;

        private ThreadScheduler(String name) {
            executor = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name(name).daemon().unstarted(r),
                    new ScheduledThreadPoolExecutor.DiscardPolicy());
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            executor.setRemoveOnCancelPolicy(true);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void execute(Runnable task) {
            executor.execute(task);
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }

        @Override
        public void close() {
            executor.shutdown();
            try {
                executor.awaitTermination(CLOSE_LIMIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
