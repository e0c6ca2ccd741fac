package io.bucketdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.CatalogHistory.Change;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The history an IXFR is answered from, fed by a real {@link CatalogWriter}. */
class CatalogHistoryTest {
    private static final Zonegroup EU = new Zonegroup("eu", "o.example.eu");
    private static final Zonegroup US = new Zonegroup("us", "o.example.us");
    private static final Map<String, Zonegroup> BOTH = Map.of("eu", EU, "us", US);

    private final LiveCatalog live = new LiveCatalog();
    private final CatalogWriter writer = new CatalogWriter(live);

    @AfterEach
    void close() {
        writer.close();
    }

    private CatalogHistory history(CatalogHistory h) {
        writer.addListener(h);
        writer.replace(Catalog.of(BOTH, EU, Map.of("old", "eu", "kept", "us"), 0), Map.of()).join();
        return h;
    }

    /** Applies one change; returns the serial before it. */
    private long change(String bucket, String zonegroup) {
        long before = live.current().serial();
        Map<String, String> m = new HashMap<>();
        m.put(bucket, zonegroup);
        writer.change(m, Map.of()).join();
        return before;
    }

    @Test
    void changesSinceASerialAreCondensedToEachBucketBeforeAndNow() {
        CatalogHistory h = history(new CatalogHistory());
        long start = change("foo", "eu");
        long afterFoo = change("foo", "us");
        change("bar", "eu");
        change("old", null);
        change("brief", "us");
        change("brief", null);

        assertThat(h.since(start, live.current())).hasValueSatisfying(c -> assertThat(c).containsExactlyInAnyOrder(
                new Change("foo", null, US), new Change("bar", null, EU), new Change("old", EU, null)));
        assertThat(h.since(afterFoo, live.current())).hasValueSatisfying(c -> assertThat(c).containsExactlyInAnyOrder(
                new Change("foo", EU, US), new Change("bar", null, EU), new Change("old", EU, null)));
        assertThat(h.since(live.current().serial(), live.current())).hasValueSatisfying(c -> assertThat(c).isEmpty());
    }

    @Test
    void aSerialTheHistoryNeverHadOrOneBeforeAWholeReplacementHasNoChanges() {
        CatalogHistory h = history(new CatalogHistory());
        long start = change("foo", "eu");
        assertThat(h.since(start - 1000, live.current())).isEmpty();

        writer.replace(Catalog.of(BOTH, EU, Map.of("foo", "eu"), live.current().serial()), Map.of()).join();

        assertThat(h.since(start, live.current())).as("a replaced catalog is no list of bucket changes").isEmpty();
    }

    @Test
    void zonegroupsThatChangeHostResetTheHistory() {
        CatalogHistory h = history(new CatalogHistory());
        long start = change("foo", "eu");

        writer.zonegroups(Map.of("eu", EU.withHostname("eu.example.net"), "us", US), EU.withHostname("eu.example.net")).join();

        assertThat(h.since(start, live.current())).isEmpty();
    }

    @Test
    void aBucketToldButLeftAsItWasIsNoChange() {
        CatalogHistory h = history(new CatalogHistory());
        long start = change("kept", "us");

        assertThat(live.current().serial()).isEqualTo(start);
        assertThat(h.kept()).isZero();
    }

    @Test
    void beyondItsBoundTheOldestStepsGo() {
        CatalogHistory h = history(new CatalogHistory(3));
        long first = change("a", "eu");
        long second = change("b", "eu");
        change("c", "eu");
        change("d", "eu");

        assertThat(h.kept()).isEqualTo(3);
        assertThat(h.since(first, live.current())).isEmpty();
        assertThat(h.since(second, live.current())).hasValueSatisfying(c -> assertThat(c).hasSize(3));
    }

    @Test
    void aCatalogTheHistoryWasNotToldOfYetHasNoChanges() {
        CatalogHistory h = history(new CatalogHistory());
        long start = change("foo", "eu");
        Catalog ahead = live.current().withChanges(Map.of("bar", "eu"));

        assertThat(h.since(start, ahead)).isEmpty();
    }
}
