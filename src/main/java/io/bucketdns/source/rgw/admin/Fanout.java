package io.bucketdns.source.rgw.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Calls a function on many items with a fixed number of calls in flight, on virtual threads: the
 * RGW requests of a full load or of a metadata-log round are many, small and blocking, and RGW
 * should see a steady, bounded load rather than a burst.
 */
public final class Fanout {
    private Fanout() {}

    /**
     * The results in the items' order. The first failure stops the remaining calls and is thrown.
     *
     * @throws RgwException when interrupted
     */
    public static <T, R> List<R> map(List<T> items, int inFlight, Function<? super T, ? extends R> f) {
        if (items.size() == 1 || inFlight == 1) {
            // the idle follower's case (one shard a tick): a thread to start and join per request
            // costs more than the request's own work here
            List<R> out = new ArrayList<>(items.size());
            items.forEach(item -> out.add(f.apply(item)));
            return out;
        }
        Object[] results = new Object[items.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < items.size() && failure.get() == null; i = next.getAndIncrement()) {
                try {
                    results[i] = f.apply(items.get(i));
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < Math.min(inFlight, items.size()); w++) {
            threads.add(Thread.ofVirtual().name("rgw-fanout").start(worker));
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new RgwException("interrupted", 0, "", e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        @SuppressWarnings("unchecked")
        List<R> out = (List<R>) Arrays.asList(results);
        return out;
    }
}
