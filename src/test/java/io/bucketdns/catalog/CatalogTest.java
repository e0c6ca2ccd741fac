package io.bucketdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private static final Zonegroup EU = new Zonegroup("eu", "o.example.eu");
    private static final Zonegroup US = new Zonegroup("us", "o.example.us");
    private static final Map<String, Zonegroup> BOTH = zonegroups(EU, US);

    @Test
    void findsEveryBucketItWasBuiltWithAndNothingElse() {
        Catalog c = Catalog.of(BOTH, EU, Map.of("foo", "eu", "bar", "us", "a.b.c", "us"), 0);

        assertThat(c.zonegroupOf("foo")).isEqualTo(EU);
        assertThat(c.zonegroupOf("bar")).isEqualTo(US);
        assertThat(c.zonegroupOf("a.b.c")).isEqualTo(US);
        assertThat(c.zonegroupOf("fo")).isNull();
        assertThat(c.zonegroupOf("fooo")).isNull();
        assertThat(c.zonegroupOf("bücket")).isNull();
        assertThat(c.size()).isEqualTo(3);
    }

    @Test
    void knowsWhichNamesHaveDottedBucketsBelowThem() {
        Catalog c = Catalog.builder(BOTH, EU, 3).put("x.ab", "eu").put("y.x.ab", "us").put("x.ab", "us").put("plain", "eu").build(0);

        assertThat(c.hasBucketsBelow("ab")).isTrue();
        assertThat(c.hasBucketsBelow("x.ab")).isTrue();
        assertThat(c.hasBucketsBelow("y.x.ab")).isFalse();
        assertThat(c.hasBucketsBelow("b")).isFalse();
        assertThat(c.hasBucketsBelow("plain")).isFalse();

        Catalog changed = c.withChanges(mapOf("y.x.ab", null, "p.q.r", "eu"));
        assertThat(changed.hasBucketsBelow("x.ab")).isFalse();
        assertThat(changed.hasBucketsBelow("ab")).isTrue();
        assertThat(changed.hasBucketsBelow("q.r")).isTrue();
        assertThat(changed.hasBucketsBelow("r")).isTrue();
        // a move between zonegroups changes nothing below; a removal of the last one does
        assertThat(changed.withChanges(mapOf("x.ab", "eu")).hasBucketsBelow("ab")).isTrue();
        assertThat(changed.withChanges(mapOf("x.ab", null)).hasBucketsBelow("ab")).isFalse();
        assertThat(c.hasBucketsBelow("q.r")).isFalse();
    }

    @Test
    void countsBelowSurviveTheFoldOfTheOverlay() {
        Catalog c = Catalog.of(BOTH, EU, Map.of("keep.ab", "eu"), 0);
        for (int i = 0; i <= Catalog.MAX_OVERLAY; i++) {
            c = c.withChanges(Map.of("b" + i + ".cd", "us"));
        }
        c = c.withChanges(mapOf("keep.ab", null));

        assertThat(c.hasBucketsBelow("cd")).isTrue();
        assertThat(c.hasBucketsBelow("ab")).isFalse();
        assertThat(c.withChanges(Map.of("b0.cd", "eu")).hasBucketsBelow("cd")).isTrue();
    }

    private static Map<String, String> mapOf(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void laterPutOfTheSameBucketWins() {
        Catalog c = Catalog.builder(BOTH, EU, 1).put("foo", "eu").put("foo", "us").build(0);

        assertThat(c.zonegroupOf("foo")).isEqualTo(US);
        assertThat(c.size()).isEqualTo(1);
    }

    @Test
    void refusesNamesItCannotStoreAndUnknownZonegroups() {
        Catalog.Builder b = Catalog.builder(BOTH, EU, 1);

        assertThatThrownBy(() -> b.put("bücket", "eu")).hasMessageContaining("not ASCII");
        assertThatThrownBy(() -> b.put("", "eu")).hasMessageContaining("1 to 255");
        assertThatThrownBy(() -> b.put("foo", "asia")).hasMessageContaining("zonegroup asia, which is not known");
    }

    @Test
    void agreesWithAHashMapThroughBuildsChangesAndFolds() {
        Random random = new Random(42);
        Map<String, String> model = new HashMap<>();
        Catalog.Builder b = Catalog.builder(BOTH, EU, 10);
        for (int i = 0; i < 20_000; i++) {
            String name = "b" + random.nextInt(30_000);
            String zg = random.nextBoolean() ? "eu" : "us";
            b.put(name, zg);
            model.put(name, zg);
        }
        Catalog c = b.build(0);
        assertSameAs(c, model);

        // enough changes to fold the overlay into a new table several times
        for (int round = 0; round < 10; round++) {
            Map<String, String> changes = new HashMap<>();
            for (int i = 0; i < 1_000; i++) {
                String name = "b" + random.nextInt(40_000);
                String zg = switch (random.nextInt(3)) {
                    case 0 -> null;
                    case 1 -> "eu";
                    default -> "us";
                };
                changes.put(name, zg);
            }
            c = c.withChanges(changes);
            changes.forEach((k, v) -> {
                if (v == null) {
                    model.remove(k);
                } else {
                    model.put(k, v);
                }
            });
            assertSameAs(c, model);
        }
    }

    @Test
    void changesAddMoveAndRemoveBucketsWithoutTouchingTheOldSnapshot() {
        Catalog base = Catalog.of(BOTH, EU, Map.of("foo", "eu", "bar", "us"), 0);
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
    void everyChangeGetsAHigherSerial() {
        Catalog c = Catalog.of(BOTH, EU, Map.of("foo", "eu"), 0);
        Catalog next = c.withChanges(Map.of("bar", "us"));

        assertThat(next.serial()).isGreaterThan(c.serial());
        assertThat(c.zonegroupOf("bar")).as("the old snapshot is unchanged").isNull();
    }

    @Test
    void newZonegroupHostnamesApplyToKnownAndChangedBuckets() {
        Catalog c = Catalog.of(BOTH, EU, Map.of("foo", "eu", "bar", "us"), 0).withChanges(Map.of("baz", "us"));
        Zonegroup movedUs = new Zonegroup("us", "s3.us.example.net");
        Zonegroup asia = new Zonegroup("asia", "o.example.asia");

        Catalog next = c.withZonegroups(zonegroups(EU, movedUs, asia), asia).withChanges(Map.of("qux", "asia"));

        assertThat(next.zonegroupOf("bar")).isEqualTo(movedUs);
        assertThat(next.zonegroupOf("baz")).isEqualTo(movedUs);
        assertThat(next.zonegroupOf("qux")).isEqualTo(asia);
        assertThat(next.defaultZonegroup()).isEqualTo(asia);
        assertThat(next.size()).isEqualTo(4);
        assertThatThrownBy(() -> c.withZonegroups(zonegroups(EU), EU)).hasMessageContaining("zonegroup us is missing");
    }

    private static void assertSameAs(Catalog c, Map<String, String> model) {
        assertThat(c.size()).isEqualTo(model.size());
        Map<String, String> listed = new HashMap<>();
        c.forEachBucket((k, z) -> listed.put(k, z.name()));
        assertThat(listed).isEqualTo(model);
        for (int i = 0; i < 40_000; i++) {
            String name = "b" + i;
            Zonegroup z = c.zonegroupOf(name);
            assertThat(z == null ? null : z.name()).as(name).isEqualTo(model.get(name));
        }
    }

    private static Map<String, Zonegroup> zonegroups(Zonegroup... zgs) {
        Map<String, Zonegroup> m = new LinkedHashMap<>();
        for (Zonegroup z : zgs) {
            m.put(z.name(), z);
        }
        return m;
    }
}
