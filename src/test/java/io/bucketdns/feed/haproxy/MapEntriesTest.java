package io.bucketdns.feed.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.Zonegroup;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MapEntriesTest {
    static final Map<String, Zonegroup> ZONEGROUPS = Map.of("eu", new Zonegroup("eu", "o.example.eu"), "us", new Zonegroup("us", "o.example.us"));

    static Catalog catalog(Map<String, String> buckets) {
        return Catalog.of(ZONEGROUPS, ZONEGROUPS.get("eu"), buckets, 0);
    }

    @Test
    void namesThatHaproxyWouldSplitOrReadAsCommentsCannotBeKeys() {
        assertThat(MapEntries.holds("photos")).isTrue();
        assertThat(MapEntries.holds("eu.dotted.bucket")).isTrue();
        assertThat(MapEntries.holds("under_score-and:colon")).isTrue();
        for (String bad : new String[] {"", "a b", "a\tb", "#hash", "a;b", "a\\b", "a\"b", "a'b", "caf\u00e9"}) {
            assertThat(MapEntries.holds(bad)).as(bad).isFalse();
        }
    }

    @Test
    void theMapHoldsEveryMappableBucketOutsideTheOmittedZonegroup() {
        Catalog c = catalog(Map.of("foo", "eu", "bar", "us", "a;b", "us", "baz", "us"));
        Map<String, String> all = new HashMap<>();
        Map<String, String> withoutEu = new HashMap<>();

        int left = new MapEntries(null).forEach(c, all::put);
        int leftToo = new MapEntries("eu").forEach(c, withoutEu::put);

        assertThat(all).isEqualTo(Map.of("foo", "eu", "bar", "us", "baz", "us"));
        assertThat(withoutEu).isEqualTo(Map.of("bar", "us", "baz", "us"));
        assertThat(left).isEqualTo(1);
        assertThat(leftToo).isEqualTo(1);
        assertThat(new MapEntries("eu").valueOf(c, "foo")).isNull();
        assertThat(new MapEntries("eu").valueOf(c, "bar")).isEqualTo("us");
        assertThat(new MapEntries(null).valueOf(c, "a;b")).isNull();
        assertThat(new MapEntries(null).valueOf(c, "unknown")).isNull();
    }
}
