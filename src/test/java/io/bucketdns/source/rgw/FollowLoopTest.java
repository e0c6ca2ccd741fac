package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Following the log at its pace, on a manual clock: what is read when, and what it brings. */
class FollowLoopTest extends OnFakeRgw {
    private static final Duration WAKE = ShardSchedule.WAKE;

    @Override
    Map<String, String> buckets() {
        return Map.of("old", Fixtures.EU_ID);
    }

    @BeforeEach
    void loadFirst() {
        jobs.loadFirst();
    }

    @Test
    void anIdleRealmCostsOneShardReadPerTickAndOnePeriodCheckPerSweep() {
        jobs.follow.start();
        jobs.clock.runDue();
        int reads = jobs.shardReads();
        int periodChecks = rgw.requests("realm");

        jobs.clock.advance(Duration.ofSeconds(64).plus(WAKE));

        assertThat(jobs.shardReads() - reads).as("one shard a second").isEqualTo(64);
        assertThat(rgw.requests("realm") - periodChecks).as("the period, once a sweep").isEqualTo(1);
        assertThat(jobs.clock.delays()).as("the next wake-up").containsExactly(WAKE);
    }

    @Test
    void aNewBucketIsSeenWithinASweepAndADeletionToo() {
        jobs.follow.start();
        jobs.clock.runDue();
        String position = jobs.writer.state().mark(RgwCatalogSource.POSITION);

        rgw.create("fresh.bucket", Fixtures.US_ID);
        rgw.delete("old");
        jobs.clock.advance(Duration.ofSeconds(64));

        assertThat(jobs.zonegroupOf("fresh.bucket")).isEqualTo("us");
        assertThat(jobs.zonegroupOf("old")).isNull();
        assertThat(jobs.writer.state().mark(RgwCatalogSource.POSITION)).as("the position kept with them").isNotEqualTo(position);
    }

    @Test
    void aQuestionForAKnownBucketReadsItsShardAtTheNextWakeUp() {
        jobs.follow.start();
        jobs.clock.runDue(); // the sweep's first shard
        rgw.delete("old");
        int reads = jobs.shardReads();

        jobs.follow.asked("old");
        jobs.clock.advance(WAKE);

        assertThat(jobs.zonegroupOf("old")).isNull();
        assertThat(jobs.shardReads() - reads).as("its shard alone").isEqualTo(1);
    }

    @Test
    void aQuestionForAShardReadLatelyCostsNothing() {
        jobs.follow.start();
        jobs.clock.runDue();
        jobs.follow.asked("old");
        jobs.clock.advance(WAKE); // read now
        int reads = jobs.shardReads();

        jobs.follow.asked("old"); // within fresh (5 s) of that read
        jobs.clock.advance(WAKE);

        assertThat(jobs.shardReads() - reads).isZero();
    }

    @Test
    void afterRgwWasDownLongerThanASweepEveryShardIsReadAtOnce() {
        jobs.follow.start();
        jobs.clock.runDue();
        rgw.realm().fail("log");
        jobs.clock.advance(Duration.ofSeconds(70));
        rgw.realm().heal();
        rgw.create("made.meanwhile", Fixtures.EU_ID);

        jobs.clock.advance(WAKE); // answers again: the shard due
        int reads = jobs.shardReads();
        jobs.clock.advance(WAKE); // then every shard

        assertThat(jobs.shardReads() - reads).isEqualTo(64);
        assertThat(jobs.zonegroupOf("made.meanwhile")).isEqualTo("eu");
        assertThat(jobs.listings()).as("no listing: the log still has it all").isEqualTo(1);
    }

    @Test
    void aPauseLongerThanTheLogIsKeptEndsInAReconciliation() {
        // a log kept 30 s rather than RGW's 15 min: the same rule, at a fraction of the failing reads
        rewire(new FollowLoop.Pace(Jobs.PACE.sweep(), Jobs.PACE.hotFor(), Jobs.PACE.fresh(), Duration.ofSeconds(30)), null);
        jobs.loadFirst();
        jobs.follow.start();
        jobs.clock.runDue();
        int listings = jobs.listings();
        rgw.realm().fail("log");
        jobs.clock.advance(Duration.ofSeconds(31));
        rgw.realm().heal();
        rgw.realm().forget("old"); // gone, and the trimmed log no longer says so

        jobs.clock.advance(WAKE);

        assertThat(jobs.listings() - listings).isEqualTo(1);
        assertThat(jobs.zonegroupOf("old")).isNull();
    }

    @Test
    void aNewPeriodStartsAfreshWithAReconciliation() {
        jobs.follow.start();
        jobs.clock.runDue();
        rgw.preload(Map.of("unlogged", Fixtures.US_ID)); // only a listing can find it
        rgw.newPeriod("period-2");

        // the period is checked once a sweep; the next wake-up starts afresh
        jobs.clock.advance(Duration.ofSeconds(64).plus(WAKE.multipliedBy(2)));

        assertThat(jobs.zonegroupOf("unlogged")).isEqualTo("us");
        assertThat(jobs.listings()).isEqualTo(2);
    }

    @Test
    void closingStopsFollowing() {
        jobs.follow.start();
        jobs.clock.runDue();
        jobs.follow.close();
        int reads = jobs.shardReads();

        jobs.clock.advance(Duration.ofSeconds(64));

        assertThat(jobs.shardReads()).isEqualTo(reads);
    }
}
