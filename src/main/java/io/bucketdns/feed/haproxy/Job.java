package io.bucketdns.feed.haproxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's work loop on its own {@link Scheduler}: the sink's step runs once for any number of
 * {@link #nudge}s that arrive while it waits (that is how changes coalesce), and again at the
 * deadline the step returned. The step, and so all of the sink's state, only ever runs on the
 * scheduler, one run at a time: the sink needs no lock for it.
 *
 * <p>A step that throws is a bug, not HAProxy's or the disk's fault: it is logged, the sink
 * {@code recover}s (counts it, starts over whole) and runs again {@value #AFTER_BUG_SECONDS} s
 * later rather than spinning on the same bug.
 */
final class Job {
    static final long AFTER_BUG_SECONDS = 10;
    /** What a step returns when nothing is due until the next nudge. */
    static final long IDLE = Long.MAX_VALUE;
    /** The feed's: every part logs under the one name operators know and filter on. */
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyFeed.class);

    /** A sink's step: does what is due and says when it is due again. */
    @FunctionalInterface
    interface Step {
        /** @return the next deadline on the scheduler's clock, or {@link #IDLE} */
        long run();
    }

    private final Scheduler scheduler;
    private final Step step;
    private final Runnable recover;
    private final AtomicBoolean nudged = new AtomicBoolean();

    // Owned by the scheduler's thread.
    private Scheduler.Cancellable timer;
    private long timerAt;

    Job(Scheduler scheduler, Step step, Runnable recover) {
        this.scheduler = scheduler;
        this.step = step;
        this.recover = recover;
    }

    /** Asks for a run soon; from any thread, cheap, never blocks. */
    void nudge() {
        if (nudged.compareAndSet(false, true)) {
            scheduler.execute(this::run);
        }
    }

    /** The scheduler's clock, which the step's deadlines are on. */
    long now() {
        return scheduler.nanoTime();
    }

    private void run() {
        nudged.set(false); // before the step looks: a change told from now on brings another run
        long next;
        try {
            next = step.run();
        } catch (RuntimeException e) {
            LOG.error("haproxy: the map feed failed; it starts over with a whole replacement", e);
            recover.run();
            next = now() + TimeUnit.SECONDS.toNanos(AFTER_BUG_SECONDS);
        }
        wakeAt(next);
    }

    private void wakeAt(long deadline) {
        if (timer != null && timerAt == deadline) {
            return;
        }
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (deadline != IDLE) {
            timerAt = deadline;
            timer = scheduler.schedule(this::onTimer, Math.max(0, deadline - now()));
        }
    }

    private void onTimer() {
        timer = null;
        run();
    }

    /** Runs {@code last} on the scheduler after what is queued, then stops it. */
    void finish(Runnable last) {
        scheduler.execute(last);
        scheduler.close();
    }
}
