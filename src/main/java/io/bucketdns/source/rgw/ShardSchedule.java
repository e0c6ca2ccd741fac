package io.bucketdns.source.rgw;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which metadata-log shards to read at each tick. RGW has no request that covers every shard (its
 * own metadata sync reads them one by one too), so following costs one request per shard read;
 * reading all 64 every half second cost an idle realm 128 requests a second. Instead:
 *
 * <ul>
 *   <li><b>Sweep</b>: one shard per tick, in turn, so every shard is read once per {@code sweep}
 *       ({@code [catalog] log_sweep}): on an idle realm, {@code shards / sweep} requests a second.
 *   <li><b>Hot</b>: a shard that just had entries is read every {@link #HOT_EVERY} for {@code
 *       hotFor}, since changes come in bursts (a tool creating many buckets, a deletion after a
 *       creation).
 *   <li><b>Asked</b>: a question for a known bucket pulls its shard ({@link
 *       MetadataLogFollower#shardOf}) to the next wake-up ({@link #WAKE}) when that shard was last
 *       read more than {@code fresh} ago, so a deleted bucket that clients still ask for is seen
 *       gone within {@code fresh} and a moment. (A bucket nobody knows yet needs no shard: its
 *       first question looks it up on demand.)
 *   <li><b>All</b>: after a start from a snapshot, or when RGW answers again, every shard at once.
 * </ul>
 *
 * The follower wakes every {@link #wake()}; a wake-up with nothing due sends no request. At most
 * {@link #MAX_EXTRA_PER_TICK} hot or asked shards are read per wake-up beside the sweep's.
 * Thread-safe: questions call {@link #asked} from any thread; the follower calls the rest.
 */
final class ShardSchedule {
    static final int MAX_EXTRA_PER_TICK = 8;
    static final Duration WAKE = Duration.ofMillis(250);
    static final Duration HOT_EVERY = Duration.ofSeconds(2);
    /** Sweep shards read at one wake-up at most, to keep pace when ticks come faster than wake-ups. */
    static final int MAX_SWEEP_PER_WAKE = 4;

    private final int shards;
    private final long tickNanos;
    private final long hotNanos;
    private final long freshNanos;
    /** When each shard was last read (System.nanoTime), or Long.MIN_VALUE. */
    private final AtomicLongArray lastRead;
    private final AtomicLongArray hotUntil;
    private final Set<Integer> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean all;
    private int cursor;
    private long nextSweep = Long.MIN_VALUE;
    /** How many shards from the cursor on the last {@link #due} gave are the sweep's. */
    private int sweepDue;

    ShardSchedule(int shards, Duration sweep, Duration hotFor, Duration fresh) {
        if (shards <= 0) {
            throw new IllegalArgumentException("shards: " + shards);
        }
        this.shards = shards;
        this.tickNanos = Math.max(1_000_000L, sweep.toNanos() / shards);
        this.hotNanos = hotFor.toNanos();
        this.freshNanos = fresh.toNanos();
        this.lastRead = new AtomicLongArray(shards);
        this.hotUntil = new AtomicLongArray(shards);
        for (int i = 0; i < shards; i++) {
            lastRead.set(i, Long.MIN_VALUE);
            hotUntil.set(i, Long.MIN_VALUE);
        }
    }

    int shards() {
        return shards;
    }

    /** Time between two sweep reads: the sweep divided among the shards. */
    Duration tick() {
        return Duration.ofNanos(tickNanos);
    }

    /** How often the follower looks at what is due. */
    Duration wake() {
        return tickNanos < WAKE.toNanos() ? tick() : WAKE;
    }

    /** A question named a known bucket in {@code shard}: read it soon unless it was read lately. */
    void asked(int shard, long now) {
        long last = lastRead.get(shard);
        if (last == Long.MIN_VALUE || now - last > freshNanos) {
            asked.add(shard);
        }
    }

    /** Reads every shard at the next tick. */
    void all() {
        all = true;
    }

    /** The shards to read now, in order. */
    List<Integer> due(long now) {
        sweepDue = 0;
        if (all) {
            return MetadataLogFollower.shards(shards);
        }
        Set<Integer> out = new LinkedHashSet<>();
        if (nextSweep == Long.MIN_VALUE || now - nextSweep >= 0) {
            // a tick shorter than the time between wake-ups (a short log_sweep) takes the ticks
            // missed since along, so the sweep keeps its pace; far behind, it starts afresh instead
            long missed = nextSweep == Long.MIN_VALUE ? 0 : (now - nextSweep) / tickNanos;
            sweepDue = missed < MAX_SWEEP_PER_WAKE ? 1 + (int) missed : 1;
            for (int i = 0; i < sweepDue; i++) {
                out.add((cursor + i) % shards);
            }
        }
        // nearly always empty: an iterator over the empty map four times a second kept C2
        // deoptimizing it (profile_predicate) on an idle instance
        if (!asked.isEmpty()) {
            for (Integer s : asked) {
                if (out.size() > MAX_EXTRA_PER_TICK) {
                    break;
                }
                out.add(s);
            }
        }
        for (int s = 0; s < shards && out.size() <= MAX_EXTRA_PER_TICK; s++) { // hot ones
            long hot = hotUntil.get(s);
            long last = lastRead.get(s);
            if (hot != Long.MIN_VALUE && hot - now > 0 && (last == Long.MIN_VALUE || now - last >= HOT_EVERY.toNanos())) {
                out.add(s);
            }
        }
        return new ArrayList<>(out);
    }

    /** {@code read} were read at {@code now}; {@code active} of them had entries. */
    void read(Collection<Integer> read, Set<Integer> active, long now) {
        for (int s : read) {
            lastRead.set(s, now);
            asked.remove(s);
            if (active.contains(s)) {
                hotUntil.set(s, now + hotNanos);
            }
        }
        if (read.size() == shards) {
            all = false;
        }
        for (int i = 0; i < sweepDue && read.contains(cursor); i++) {
            cursor = (cursor + 1) % shards;
            // from the tick it was due at, not from the wake-up that came after it: else every
            // shard's read slips by up to a wake-up and a sweep takes longer than log_sweep says;
            // a sweep far behind (RGW was down) starts afresh rather than rushing to catch up
            boolean behind = nextSweep == Long.MIN_VALUE || now - nextSweep >= MAX_SWEEP_PER_WAKE * tickNanos;
            nextSweep = behind ? now + tickNanos : nextSweep + tickNanos;
        }
        sweepDue = 0;
    }

    /** The longest any shard has gone unread; {@code null} while some shard was never read. */
    Duration oldestRead(long now) {
        long oldest = now;
        for (int i = 0; i < shards; i++) {
            long t = lastRead.get(i);
            if (t == Long.MIN_VALUE) {
                return null;
            }
            oldest = Math.min(oldest, t);
        }
        return Duration.ofNanos(now - oldest);
    }
}
