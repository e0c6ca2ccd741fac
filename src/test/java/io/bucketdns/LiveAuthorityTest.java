package io.bucketdns;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.MissListener;
import io.bucketdns.answer.Answer;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.answer.RecordType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Both ways of asking (the PowerDNS connectors' and the standalone server's, which may answer
 * later) tell the source the same things: which names it missed, and which known buckets were
 * asked for, so that their deletion is looked for early.
 */
class LiveAuthorityTest {
    private final List<String> told = new ArrayList<>();
    private final MissListener recording = new MissListener() {
        @Override
        public CompletionStage<?> onMiss(String bucket) {
            told.add("miss " + bucket);
            return NOT_LOOKED_UP;
        }

        @Override
        public void onKnown(String bucket) {
            told.add("known " + bucket);
        }
    };
    private final LiveAuthority authority = LiveAuthority.of(List.of(Fixtures.ZONE), Fixtures.liveCatalog(), recording, QueryObserver.NONE);

    @Test
    void theConnectorsWayReportsKnownBucketsAndMisses() {
        authority.resolve("foo.o.example.com", RecordType.A);
        authority.resolve("new-one.o.example.com", RecordType.A);
        authority.resolve("o.example.com", RecordType.SOA);

        assertThat(told).containsExactly("known foo", "miss new-one");
    }

    @Test
    void theServersWayReportsKnownBucketsAndMissesToo() {
        Answer known = authority.resolve("foo.o.example.com", RecordType.A, () -> a -> told.add("late"));
        Answer missed = authority.resolve("new-one.o.example.com", RecordType.A, () -> a -> told.add("late"));
        authority.resolve("o.example.com", RecordType.SOA, () -> a -> told.add("late"));

        assertThat(known.outcome()).isEqualTo(Answer.Outcome.BUCKET);
        assertThat(missed.outcome()).isEqualTo(Answer.Outcome.DEFAULT_ZONEGROUP);
        assertThat(told).containsExactly("known foo", "miss new-one");
    }

    /**
     * A name that is not looked up (refused by the rate limit: a flood's every name) keeps the
     * answer it got: resolving it again would double the cost of a flood. Told apart here by a
     * listener that adds the bucket while refusing to look it up.
     */
    @Test
    void aMissThatIsNotLookedUpIsAnsweredAsItWasNotResolvedAgain() {
        LiveCatalog live = new LiveCatalog();
        try (CatalogWriter writer = new CatalogWriter(live)) {
            writer.replace(Fixtures.CATALOG, Map.of()).join();
            MissListener refusing = bucket -> {
                writer.change(Map.of(bucket, "us"), Map.of()).join();
                return MissListener.NOT_LOOKED_UP;
            };
            LiveAuthority refused = LiveAuthority.of(List.of(Fixtures.ZONE), live, refusing, QueryObserver.NONE);

            Answer a = refused.resolve("flood-1.o.example.com", RecordType.A, () -> x -> told.add("late"));

            assertThat(a.outcome()).isEqualTo(Answer.Outcome.DEFAULT_ZONEGROUP);
            assertThat(told).isEmpty();
        }
    }
}
