package io.bucketdns.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The clock a background job reads and the one thread its delayed work runs on. Jobs take it
 * instead of calling {@link System#nanoTime()}, {@link Instant#now()} or an executor of their own,
 * so that a test can hand them a scheduler whose time moves only when the test says and whose
 * tasks run when time reaches them: the timing logic is then checked exactly, without sleeping.
 *
 * <p>Each job owns its scheduler: closing it ends the job. Production's is {@link #thread}.
 */
public interface Scheduler extends InstantSource, AutoCloseable {
    /** Monotonic time for intervals, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Runs {@code task} once after {@code delay}, on this scheduler's thread; nothing once closed. */
    void schedule(Runnable task, Duration delay);

    /** Runs {@code task} soon, on this scheduler's thread. */
    default void execute(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    /** Runs {@code task} after {@code first}, then {@code every} after each run ends, until closed. */
    default void repeat(Runnable task, Duration first, Duration every) {
        schedule(new Runnable() {
            @Override
            public void run() {
                try {
                    task.run();
                } finally {
                    if (!isClosed()) {
                        schedule(this, every);
                    }
                }
            }
        }, first);
    }

    @Override
    default long millis() {
        return instant().toEpochMilli();
    }

    /** Whether {@link #close} was called: a task that loops checks it to stop. */
    boolean isClosed();

    /** Drops what is pending and interrupts a task that runs, waiting a little for it to end. */
    @Override
    void close();

    /** A scheduler on a daemon thread of this name, with the system's clocks. */
    static Scheduler thread(String name) {
        return new ThreadScheduler(name);
    }
}
