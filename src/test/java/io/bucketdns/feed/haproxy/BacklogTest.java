package io.bucketdns.feed.haproxy;

import static io.bucketdns.feed.haproxy.MapEntriesTest.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogChange;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BacklogTest {
    private static CatalogChange change(Catalog after, Map<String, String> buckets) {
        return new CatalogChange(Catalog.empty(), after, buckets, false);
    }

    @Test
    void nothingToldYetAsksForAWholeMap() {
        Backlog b = new Backlog();

        assertThat(b.take()).isEqualTo(new Backlog.News(null, true, java.util.Set.of()));
        b.add(change(catalog(Map.of("foo", "eu")), Map.of("foo", "eu")));
        assertThat(b.take().whole()).as("the first news is whole, whatever it says").isTrue();
    }

    @Test
    void changesToldBetweenTwoLooksAreMergedIntoTheNewestCatalogAndTheirBuckets() {
        Backlog b = new Backlog();
        b.add(change(catalog(Map.of()), Map.of()));
        b.take();
        Catalog last = catalog(Map.of("bar", "us"));

        b.add(change(catalog(Map.of("foo", "eu")), Map.of("foo", "eu")));
        b.add(change(catalog(Map.of("foo", "us")), Map.of("foo", "us")));
        b.add(change(last, Map.of("bar", "us")));

        Backlog.News news = b.take();
        assertThat(news.latest()).isSameAs(last);
        assertThat(news.whole()).isFalse();
        assertThat(news.buckets()).containsExactlyInAnyOrder("foo", "bar");
        assertThat(b.take().buckets()).isEmpty();
    }

    @Test
    void aWholeChangeSwallowsTheBucketsAroundIt() {
        Backlog b = new Backlog();
        b.add(change(catalog(Map.of()), Map.of()));
        b.take();

        b.add(change(catalog(Map.of("foo", "eu")), Map.of("foo", "eu")));
        b.add(new CatalogChange(Catalog.empty(), catalog(Map.of("bar", "eu")), Map.of(), true));
        b.add(change(catalog(Map.of("baz", "eu")), Map.of("baz", "eu")));

        Backlog.News news = b.take();
        assertThat(news.whole()).isTrue();
        assertThat(news.buckets()).isEmpty();
    }

    @Test
    void tooManyChangedBucketsBecomeOneWholeReplacement() {
        Backlog b = new Backlog();
        b.add(change(catalog(Map.of()), Map.of()));
        b.take();
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= Backlog.MAX_PENDING; i++) {
            many.put("b" + i, null);
        }

        b.add(change(catalog(Map.of()), Map.of("first", "eu")));
        b.add(change(catalog(Map.of()), many));

        assertThat(b.take().whole()).isTrue();
    }
}
