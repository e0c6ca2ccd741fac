package io.bucketdns.component;

import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * How one kind of component (a frontend, or a feed of catalog changes) starts from the config,
 * takes a reload, and stops: the {@code setup} of a CoreDNS plugin. {@code Service} keeps a list
 * of them and treats each alike, so a new frontend is its own package plus one line in that list;
 * {@link NamedSetup} is the base that gives one its name and settings.
 *
 * <p>A reload first prepares every component's move ({@link #start}, {@link #change}: sockets are
 * bound, nothing visible changes), and commits them all only when every one could be prepared;
 * otherwise it aborts them all and the running config keeps serving.
 *
 * @param <C> the running component
 * @param <S> the settings it starts from
 */
public interface Setup<C extends AutoCloseable, S> {
    /** Its name in logs and reload summaries, e.g. {@code dns}. */
    String name();

    /**
     * What it is started from; null when the config leaves it off. Equal settings across a reload
     * keep the running component (and its sockets); a key whose {@link io.bucketdns.config.Reload}
     * scope is {@code REBIND} belongs here, a {@code KEEP} key goes to {@link #update}.
     */
    S settings(BucketDnsConfig config);

    /** Where it runs, for a reload's summary, e.g. {@code 127.0.0.1:9780}: an address as host:port, else the settings' own text. */
    default String describe(S settings) {
        return settings instanceof InetSocketAddress a ? a.getHostString() + ":" + a.getPort() : settings.toString();
    }

    /** Starts it: binds its listeners. */
    C start(BucketDnsConfig config, Context context) throws IOException;

    /** The line {@code Service} logs once it started, saying where it listens (operators grep for these). */
    String started(C running, S settings);

    /** Applies a reload's keys that need no restart to a running component. */
    default void update(C running, BucketDnsConfig config) {}

    /**
     * Prepares the move of a running component to changed settings. By default a new one starts
     * beside it, and the commit stops the old one.
     */
    default Change<C> change(C running, BucketDnsConfig next, Context context) throws IOException {
        C fresh = start(next, context);
        return new Change<>(fresh, () -> stop(running, context), () -> stop(fresh, context));
    }

    /** Stops it; never throws. */
    default void stop(C running, Context context) {
        Context.closeQuietly(running);
    }

    /**
     * A prepared move: {@code result} runs once {@code commit} ran; {@code abort} undoes what the
     * preparation did.
     */
    record Change<C>(C result, Runnable commit, Runnable abort) {}
}
