package io.bucketdns.answer;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.Zonegroup;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every frontend answers from: the zones, the rules and the catalog in force right now, and
 * who is told about each answer. The running service swaps all of it at once on a config reload,
 * so a frontend keeps its socket and answers the next question by the new rules.
 */
public interface Authority {
    /**
     * Answers one question from the catalog in force, at once. A miss (an unknown bucket) is
     * reported to the catalog source, which may look it up so the next question finds it.
     */
    Answer resolve(String qname, int qtype);

    /**
     * Answers one question; an unknown bucket first waits for its on-demand RGW look-up (at most
     * {@code miss_wait}), without blocking the caller. Everything else, and a miss that is not
     * looked up (refused by the rate limit, known missing), is answered at once.
     *
     * @param later asked at once, on the calling thread, only when the answer waits: it keeps what
     *     the caller needs to send the answer later (the query's bytes), and returns where the
     *     answer goes, once, on another thread. Nothing is allocated for answers that do not wait.
     * @return the answer now, or null when it comes through {@code later}
     */
    Answer resolve(String qname, int qtype, Supplier<Consumer<Answer>> later);

    /**
     * Where a bucket lives, for a frontend that routes rather than answers DNS (the proxy's
     * look-up): from the catalog in force, or after the same on-demand RGW look-up an unknown name
     * in DNS gets (shared with DNS questions, rate-limited alike, waiting at most {@code miss_wait}).
     *
     * @param bucket a lowercase, well-formed bucket name ({@link BucketName#isValid})
     * @return completes with the zonegroup, or with null while the bucket stays unknown; never fails
     */
    CompletionStage<Zonegroup> locate(String bucket);

    /** The served zones in configured order (PowerDNS zone ids are positions plus one). */
    List<Zone> zones();

    /** The catalog snapshot in force. */
    Catalog catalog();

    /** Told about every answer a frontend sends. */
    QueryObserver observer();
}
