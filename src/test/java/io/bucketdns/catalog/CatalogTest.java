package io.bucketdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {
    static final Zonegroup EU = new Zonegroup("eu", "o.example.eu");
    static final Zonegroup US = new Zonegroup("us", "o.example.us");
    static final Map<String, Zonegroup> ZGS = Map.of("eu", EU, "us", US);

    @Test
    void changesAddMoveAndRemoveBucketsWithoutTouchingTheOldSnapshot() {
        Catalog base = Catalog.of(ZGS, EU, Map.of("foo", "eu", "bar", "us"), 0);
        Map<String, String> changes = new HashMap<>();
        changes.put("new", "us");
        changes.put("foo", "us");
        changes.put("bar", null);
        Catalog next = base.withChanges(changes);

        assertThat(next.zonegroupOf("new")).isEqualTo(US);
        assertThat(next.zonegroupOf("foo")).isEqualTo(US);
        assertThat(next.zonegroupOf("bar")).isNull();
        assertThat(next.size()).isEqualTo(2);
        assertThat(next.serial()).isGreaterThan(base.serial());
        // readers holding the old snapshot still see it whole
        assertThat(base.zonegroupOf("foo")).isEqualTo(EU);
        assertThat(base.zonegroupOf("bar")).isEqualTo(US);
        assertThat(base.zonegroupOf("new")).isNull();
        assertThat(base.size()).isEqualTo(2);

        Map<String, Zonegroup> listed = new HashMap<>();
        next.forEachBucket(listed::put);
        assertThat(listed).containsOnly(Map.entry("new", US), Map.entry("foo", US));
    }

    @Test
    void removingAnUnknownBucketChangesNothingButTheSerial() {
        Catalog base = Catalog.of(ZGS, EU, Map.of("foo", "eu"), 0);
        Map<String, String> gone = new HashMap<>();
        gone.put("never-was", null);
        assertThat(base.withChanges(gone).size()).isEqualTo(1);
    }

    @Test
    void aLargeOverlayIsFoldedIntoTheBase() {
        Catalog c = Catalog.of(ZGS, EU, Map.of("foo", "eu"), 0);
        for (int i = 0; i < Catalog.MAX_OVERLAY + 10; i++) {
            c = c.withChanges(Map.of("bucket-" + i, i % 2 == 0 ? "eu" : "us"));
        }
        Map<String, String> removals = new HashMap<>();
        removals.put("foo", null);
        c = c.withChanges(removals);
        assertThat(c.size()).isEqualTo(Catalog.MAX_OVERLAY + 10);
        assertThat(c.zonegroupOf("bucket-0")).isEqualTo(EU);
        assertThat(c.zonegroupOf("bucket-" + (Catalog.MAX_OVERLAY + 9))).isEqualTo(US);
        assertThat(c.zonegroupOf("foo")).isNull();
        int[] count = {0};
        c.forEachBucket((b, z) -> count[0]++);
        assertThat(count[0]).isEqualTo(c.size());
    }

    @Test
    void aBucketInAnUnknownZonegroupIsRefused() {
        assertThatThrownBy(() -> Catalog.of(ZGS, EU, Map.of("foo", "ap"), 0))
                .hasMessage("bucket foo is in zonegroup ap, which is not known");
        Catalog c = Catalog.of(ZGS, EU, Map.of(), 0);
        assertThatThrownBy(() -> c.withChanges(Map.of("foo", "ap"))).hasMessageContaining("zonegroup ap");
    }

    @Test
    void serialsGrowEvenWithinOneSecond() {
        Catalog a = Catalog.of(ZGS, EU, Map.of(), 0);
        Catalog b = Catalog.of(ZGS, EU, Map.of(), a.serial());
        Catalog c = b.withChanges(Map.of("x-y-z", "eu"));
        assertThat(b.serial()).isGreaterThan(a.serial());
        assertThat(c.serial()).isGreaterThan(b.serial());
    }
}
