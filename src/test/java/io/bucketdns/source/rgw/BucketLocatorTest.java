package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.bucketdns.source.rgw.admin.ZonegroupMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Zonegroup ids named by the map in force, the map read again for an id it lacks. */
class BucketLocatorTest {
    private final MemoryRgw rgw = new MemoryRgw();
    private final ZonegroupMap map = rgw.zonegroupMap();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final BucketLocator locator = new BucketLocator(() -> map, refreshes::incrementAndGet, 4);

    @Test
    void bucketsAreNamedByTheirZonegroupAndAMissingOneIsNull() {
        rgw.preload(Map.of("foo", Fixtures.EU_ID, "bar", Fixtures.US_ID));

        Map<String, String> found = locator.locate(rgw, List.of("foo", "bar", "gone"), LoggerFactory.getLogger(getClass()), "ignored");

        assertThat(found).containsOnly(entry("foo", "eu"), entry("bar", "us"), entry("gone", null));
        assertThat(refreshes).hasValue(0);
        assertThat(locator.locate(rgw, "bar")).contains("us");
        assertThat(locator.locate(rgw, "gone")).isEmpty();
    }

    @Test
    void anIdTheMapLacksReadsTheMapOnceAndIsLeftOutWhenStillUnknown() {
        rgw.preload(Map.of("foo", Fixtures.EU_ID, "newer", "a-zonegroup-created-since"));

        Map<String, String> found = locator.locate(rgw, List.of("foo", "newer"), LoggerFactory.getLogger(getClass()), "skipped");

        assertThat(found).containsOnly(Map.entry("foo", "eu"));
        assertThat(refreshes).as("one read for the batch").hasValue(1);
        assertThat(locator.locate(rgw, "newer")).isEmpty();
    }

    @Test
    void idsComeInTheBucketsOrderWithUpToInFlightAtOnce() {
        rgw.preload(Map.of("a-1", Fixtures.EU_ID, "a-2", Fixtures.US_ID, "a-3", Fixtures.EU_ID));

        assertThat(locator.ids(rgw, List.of("a-3", "a-1", "none", "a-2")))
                .containsExactly(Optional.of(Fixtures.EU_ID), Optional.of(Fixtures.EU_ID), Optional.empty(), Optional.of(Fixtures.US_ID));
        assertThat(locator.locate(rgw, List.of(), LoggerFactory.getLogger(getClass()), "ignored")).isEmpty();
    }
}
