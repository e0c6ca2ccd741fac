package io.bucketdns;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.MissListener;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.answer.Answer;
import io.bucketdns.answer.Authority;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.answer.Resolver;
import io.bucketdns.answer.Zone;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@link Authority} of the running service: one immutable {@link State} read per question and
 * replaced whole on reload, so a question is never answered half by the old rules and half by the
 * new ones.
 */
public final class LiveAuthority implements Authority {
    /** Everything one question is answered from. */
    public record State(List<Zone> zones, Resolver resolver, LiveCatalog catalog, MissListener misses, QueryObserver observer) {
        public State {
            zones = List.copyOf(zones);
        }
    }

    /** Runs answers that waited for a look-up: a virtual thread each, so a slow client holds no one up. */
    private static final Executor LATER = Executors.newVirtualThreadPerTaskExecutor();

    private volatile State state;

    LiveAuthority(State state) {
        this.state = state;
    }

    /**
     * An authority over fixed zones and a live catalog, for tools and tests that need no reload.
     *
     * @param misses told about unknown buckets
     * @param observer told about every answer
     */
    public static LiveAuthority of(List<Zone> zones, LiveCatalog catalog, MissListener misses, QueryObserver observer) {
        return new LiveAuthority(new State(zones, new Resolver(zones), catalog, misses, observer));
    }

    /** {@link #of(List, LiveCatalog, MissListener, QueryObserver)} with no one listening. */
    public static LiveAuthority of(List<Zone> zones, LiveCatalog catalog) {
        return of(zones, catalog, MissListener.NONE, QueryObserver.NONE);
    }

    State state() {
        return state;
    }

    void replace(State next) {
        state = next;
    }

    @Override
    public Answer resolve(String qname, int qtype) {
        State s = state;
        Answer a = s.resolver().resolve(s.catalog().current(), qname, qtype);
        if (a.outcome().isMiss()) {
            s.misses().onMiss(a.bucket());
        } else {
            reportKnown(s, a);
        }
        return a;
    }

    @Override
    public Answer resolve(String qname, int qtype, Supplier<Consumer<Answer>> later) {
        State s = state;
        Answer a = s.resolver().resolve(s.catalog().current(), qname, qtype);
        if (!a.outcome().isMiss()) {
            reportKnown(s, a);
            return a;
        }
        CompletionStage<?> stage = s.misses().onMiss(a.bucket());
        if (stage == MissListener.NOT_LOOKED_UP) {
            return a; // compared before toCompletableFuture(), which copies it: a refused flood must not resolve twice
        }
        CompletableFuture<?> lookUp = stage.toCompletableFuture();
        if (lookUp.isDone()) {
            return again(qname, qtype);
        }
        Consumer<Answer> to = later.get();
        // off the thread that completed the look-up (the catalog writer): sending may block
        lookUp.whenCompleteAsync((x, e) -> to.accept(again(qname, qtype)), LATER);
        return null;
    }

    @Override
    public CompletionStage<Zonegroup> locate(String bucket) {
        State s = state;
        Zonegroup z = s.catalog().current().zonegroupOf(bucket);
        if (z != null) {
            s.misses().onKnown(bucket);
            return CompletableFuture.completedStage(z);
        }
        return s.misses().onMiss(bucket).handle((x, e) -> state.catalog().current().zonegroupOf(bucket));
    }

    /**
     * Tells the source a known bucket was asked for, so a deletion clients still ask about is
     * looked for soon (the rgw source reads that bucket's metadata-log shard early).
     */
    private static void reportKnown(State s, Answer a) {
        if (a.outcome() == Answer.Outcome.BUCKET) {
            s.misses().onKnown(a.bucket());
        }
    }

    /** The answer from the catalog in force now, without reporting a miss again. */
    private Answer again(String qname, int qtype) {
        State s = state;
        return s.resolver().resolve(s.catalog().current(), qname, qtype);
    }

    @Override
    public List<Zone> zones() {
        return state.zones();
    }

    @Override
    public Catalog catalog() {
        return state.catalog().current();
    }

    @Override
    public QueryObserver observer() {
        return state.observer();
    }
}
