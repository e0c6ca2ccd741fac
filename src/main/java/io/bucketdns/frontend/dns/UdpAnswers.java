package io.bucketdns.frontend.dns;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * What both UDP paths do between the responder and the wire: the server's {@link RateLimit} in
 * force, if any, has its say on every response, also on one that waited for an RGW look-up
 * (else a flood of unknown names would be answered unlimited).
 *
 * @param rateLimit holds null when rate limiting is off
 * @param nanoTime the rate limit's clock: {@link System#nanoTime} but in tests
 */
record UdpAnswers(Responder responder, AtomicReference<RateLimit> rateLimit, LongSupplier nanoTime) {
    /**
     * The response's length once rate limiting had its say: unchanged, truncated, or -1 for none;
     * {@code n} itself when there is no response yet or no limit.
     *
     * @param client the client's IP address, 4 or 16 bytes
     */
    int limited(Query query, Wire out, int n, byte[] client) {
        RateLimit limit = rateLimit.get();
        if (n <= 0 || limit == null) {
            return n;
        }
        return switch (limit.admit(client, query.kind, query.limitName, nanoTime.getAsLong())) {
            case SEND -> n;
            case DROP -> {
                responder.limited(query, false);
                yield -1;
            }
            case SLIP -> {
                responder.limited(query, true);
                yield responder.truncated(query, out, n);
            }
        };
    }
}
