package io.bucketdns.frontend.dns;

import io.bucketdns.answer.Answer;
import io.bucketdns.answer.QueryObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link Fixture}'s zone, where a question for a name starting with {@code new-} waits as an
 * unknown bucket waits for its RGW look-up, until the test ends the look-up with {@link #finishNext}.
 * Counts what rate limiting held back.
 */
final class DeferringAuthority extends FixtureAuthority {
    private final BlockingQueue<Runnable> waiting = new LinkedBlockingQueue<>();
    final AtomicInteger dropped = new AtomicInteger();
    final AtomicInteger slipped = new AtomicInteger();
    private final QueryObserver observer = new QueryObserver() {
        @Override
        public void answered(String frontend, String qname, int qtype, Answer answer, long nanos) {
        }

        @Override
        public void limited(String kind, boolean slip) {
            (slip ? slipped : dropped).incrementAndGet();
        }
    };

    /**
     * Ends the oldest waiting look-up (the name stays unknown: NXDOMAIN), on the calling thread,
     * which sends the answer; waits up to 5 s for a question to be waiting.
     */
    void finishNext() throws InterruptedException {
        Runnable next = waiting.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no question waits for a look-up");
        }
        next.run();
    }

    @Override
    public Answer resolve(String qname, int qtype, Supplier<Consumer<Answer>> later) {
        if (!qname.toLowerCase().startsWith("new-")) {
            return real.resolve(qname, qtype);
        }
        Consumer<Answer> answer = later.get();
        waiting.add(() -> answer.accept(real.resolve(qname, qtype)));
        return null;
    }

    @Override
    public QueryObserver observer() {
        return observer;
    }
}
