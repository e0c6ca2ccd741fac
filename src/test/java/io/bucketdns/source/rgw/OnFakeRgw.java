package io.bucketdns.source.rgw;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Tests of the rgw source's jobs: a fresh {@link FakeRgw} for each, and the {@link Jobs} over it. */
abstract class OnFakeRgw {
    FakeRgw rgw;
    Jobs jobs;

    @BeforeEach
    void startRgw() throws Exception {
        rgw = new FakeRgw();
        rgw.preload(buckets());
        jobs = new Jobs(rgw);
    }

    @AfterEach
    void stopRgw() {
        jobs.close();
        rgw.close();
    }

    /** The buckets the realm holds at first, none of them in its log. */
    Map<String, String> buckets() {
        return Map.of("foo", Fixtures.EU_ID, "bar", Fixtures.US_ID);
    }

    /** New jobs over the same realm, as a restart or another configuration makes them. */
    void rewire(FollowLoop.Pace pace, String defaultZonegroup) {
        jobs.close();
        jobs = new Jobs(rgw, pace, defaultZonegroup);
    }
}
