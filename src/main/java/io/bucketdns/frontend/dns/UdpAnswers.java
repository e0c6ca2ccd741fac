package io.bucketdns.frontend.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * What both UDP paths do between the responder and the wire: the server's {@link RateLimit} in
 * force, if any, has its say on every response, also on one that waited for an RGW look-up
 * (else a flood of unknown names would be answered unlimited).
 *
 * An IXFR over UDP goes to {@link ZoneTransfer} when its client may transfer; from any other
 * client it is refused like any query, under the rate limit.
 *
 * @param rateLimit holds null when rate limiting is off
 * @param nanoTime the rate limit's clock: {@link System#nanoTime} but in tests
 */
record UdpAnswers(Responder responder, ZoneTransfer transfers, AtomicReference<RateLimit> rateLimit, LongSupplier nanoTime) {
    /**
     * The response to {@code in[0..length)} from {@code client} (4 or 16 bytes), in {@code out}:
     * its length, -1 for none, or {@link Responder#LATER}.
     */
    int respond(Query query, byte[] in, int length, Wire out, byte[] client) {
        int n = responder.respond(query, in, length, out, true);
        if (n == Responder.TRANSFER) {
            try {
                n = transfers.serveUdp(in, length, InetAddress.getByAddress(client), responder.udpLimit(query), out.buf);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("a client address of " + client.length + " bytes", e);
            }
            if (n >= 0) {
                return n;
            }
            n = responder.refused(query, in, out);
        }
        return limited(query, out, n, client);
    }

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
