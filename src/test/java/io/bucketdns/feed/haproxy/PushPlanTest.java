package io.bucketdns.feed.haproxy;

import static io.bucketdns.feed.haproxy.MapEntriesTest.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.Catalog;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PushPlanTest {
    private static final MapEntries ALL = new MapEntries(null);

    @Test
    void changedBucketsAreSortedIntoAddsMovesAndRemovals() {
        Catalog pushed = catalog(Map.of("foo", "eu", "bar", "us", "same", "us"));
        Catalog target = catalog(Map.of("bar", "eu", "same", "us", "new", "us"));

        PushPlan plan = PushPlan.of(ALL, pushed, target, Set.of("foo", "bar", "new", "same"));

        assertThat(plan.added()).isEqualTo(Map.of("new", "us"));
        assertThat(plan.moved()).isEqualTo(Map.of("bar", "eu"));
        assertThat(plan.removed()).containsExactly("foo");
        assertThat(plan.leftOut()).isEmpty();
        assertThat(plan.changes()).isEqualTo(3);
        assertThat(plan.wholeIsCheaper()).isFalse();
    }

    @Test
    void bucketsThatCannotBeKeysAreLeftOutAndNamed() {
        Catalog pushed = catalog(Map.of("foo", "eu"));
        Catalog target = catalog(Map.of("foo", "eu", "a b", "us", "#x", "us"));

        PushPlan plan = PushPlan.of(ALL, pushed, target, Set.of("a b", "#x"));

        assertThat(plan.changes()).isZero();
        assertThat(plan.leftOut()).containsExactlyInAnyOrder("a b", "#x");
    }

    @Test
    void theOmittedZonegroupIsNoEntry() {
        MapEntries withoutEu = new MapEntries("eu");
        Catalog pushed = catalog(Map.of("foo", "us", "bar", "eu"));
        Catalog target = catalog(Map.of("foo", "eu", "bar", "us", "baz", "eu"));

        PushPlan plan = PushPlan.of(withoutEu, pushed, target, Set.of("foo", "bar", "baz"));

        assertThat(plan.removed()).containsExactly("foo"); // moved to the default backend's zonegroup
        assertThat(plan.added()).isEqualTo(Map.of("bar", "us"));
        assertThat(plan.moved()).isEmpty();
        assertThat(plan.leftOut()).isEmpty();
    }

    @Test
    void moreThanSixtyFourMovesOrTheirWorthInRemovalsAreCheaperWhole() {
        assertThat(moves(64, 0).wholeIsCheaper()).isFalse();
        assertThat(moves(65, 0).wholeIsCheaper()).isTrue();
        assertThat(moves(0, 259).wholeIsCheaper()).isFalse(); // a removal costs a quarter of a move
        assertThat(moves(0, 260).wholeIsCheaper()).isTrue();
        assertThat(moves(60, 20).wholeIsCheaper()).isTrue();
    }

    @Test
    void additionsAreNeverCheaperWhole() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            many.put("b" + i, "us");
        }

        PushPlan plan = PushPlan.of(ALL, catalog(Map.of()), catalog(many), many.keySet());

        assertThat(plan.added()).hasSize(10_000);
        assertThat(plan.wholeIsCheaper()).isFalse();
    }

    private static PushPlan moves(int moved, int removed) {
        Map<String, String> before = new HashMap<>();
        Map<String, String> after = new HashMap<>();
        for (int i = 0; i < moved; i++) {
            before.put("m" + i, "eu");
            after.put("m" + i, "us");
        }
        for (int i = 0; i < removed; i++) {
            before.put("r" + i, "eu");
        }
        return PushPlan.of(ALL, catalog(before), catalog(after), before.keySet());
    }
}
