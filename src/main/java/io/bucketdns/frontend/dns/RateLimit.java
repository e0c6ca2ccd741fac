package io.bucketdns.frontend.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Response rate limiting (RRL) for UDP, as NSD, Knot and BIND do it: a spoofed-source flood must
 * not turn this server into an amplifier. Responses are counted per client network (IPv4 /24,
 * IPv6 /56), per answer {@link Kind} and per name; past the rate, a response is dropped, or with
 * probability 1/{@code slip} sent empty with TC set, so that a real client behind a spoofed
 * network still gets its answer over TCP.
 *
 * <p>The name counted is the question for answers that exist (so a busy bucket does not starve the
 * others), and the zone for answers made up per name (NXDOMAIN, an unknown bucket sent to the
 * default zonegroup, NODATA), so a flood of random names adds up in one count; errors are counted
 * per network alone. Case does not matter (a flood cannot spread by mixing case).
 *
 * <p>Each count is one slot of a fixed table, updated with one compare-and-set: the generic cell
 * rate algorithm, where a slot holds the time at which its next response is due. Names and
 * networks that share a slot share its rate, which errs on the side of limiting; the hash is
 * seeded per process, so clients cannot pick collisions. Exempt networks are only looked at for
 * a response over the rate.
 */
public final class RateLimit {
    /** What a response is counted as; the label in metrics. */
    public enum Kind {
        /** A known bucket's CNAME, or apex records. */
        POSITIVE,
        /** An unknown bucket answered with the default zonegroup. */
        SYNTHESIZED,
        NXDOMAIN,
        NODATA,
        /** The RFC 8482 answer to ANY at the apex. */
        ANY,
        /** REFUSED, FORMERR, NOTIMP, SERVFAIL, BADVERS. */
        ERROR;

        final String label = name().toLowerCase(Locale.ROOT);

        /** The metrics label. */
        public String label() {
            return label;
        }
    }

    /** What to do with a response. */
    enum Verdict {
        SEND,
        DROP,
        /** Send it empty with TC set. */
        SLIP
    }

    /**
     * The {@code [dns]} rate-limit settings.
     *
     * @param responsesPerSecond per client network, kind and name; 0 switches rate limiting off
     * @param slip 0: drop every response over the rate; N: send one in N of them truncated
     * @param exempt networks never limited
     */
    public record Settings(int responsesPerSecond, int slip, List<Network> exempt) {
        /** NSD's default rate and slip (BIND and Knot have no default rate). */
        public static final Settings DEFAULT = new Settings(200, 2, List.of());

        public Settings {
            if (responsesPerSecond < 0 || slip < 0) {
                throw new IllegalArgumentException("rate and slip must not be negative");
            }
            exempt = List.copyOf(exempt);
        }
    }

    /** An address prefix such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}. */
    public record Network(byte[] address, int bits) {
        /**
         * Parses {@code ADDRESS/BITS} or a bare address (one host).
         *
         * @throws IllegalArgumentException when it is not a literal address with a prefix length in range
         */
        public static Network parse(String text) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            if (!host.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new IllegalArgumentException("'" + text + "' is not an address/prefix");
            }
            byte[] address;
            try {
                address = InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not an address/prefix");
            }
            int max = address.length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no numeric prefix length");
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("prefix length " + bits + " outside 0.." + max);
            }
            return new Network(address, bits);
        }

        boolean contains(byte[] a) {
            if (a.length != address.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != address[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return rest == 0 || (a[full] & mask) == (address[full] & mask);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Network n && n.bits == bits && java.util.Arrays.equals(n.address, address);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(address) * 31 + bits;
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(address).getHostAddress() + "/" + bits;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Slots in the table (8 bytes each): NSD keeps a million, most deployments see far fewer networks. */
    private static final int SLOTS = 1 << 18;
    private static final long SECOND = 1_000_000_000L;

    private final Settings settings;
    private final AtomicLongArray due = new AtomicLongArray(SLOTS);
    private final long interval;
    /** How far ahead of now a slot's due time may run: one second's worth of responses. */
    private final long tolerance;
    private final long seed = ThreadLocalRandom.current().nextLong();
    /** Due times count from here, so that a slot's zero means "long ago". */
    private final long epoch = System.nanoTime() - SECOND;

    private RateLimit(Settings settings) {
        this.settings = settings;
        this.interval = SECOND / settings.responsesPerSecond();
        this.tolerance = SECOND - interval;
    }

    /** The limiter for {@code settings}, or null when they switch rate limiting off. */
    static RateLimit of(Settings settings) {
        return settings.responsesPerSecond() == 0 ? null : new RateLimit(settings);
    }

    Settings settings() {
        return settings;
    }

    /**
     * Counts one response to {@code client}.
     *
     * @param name the name counted (see the class comment); null for none
     * @param now {@link System#nanoTime()}
     */
    Verdict admit(byte[] client, Kind kind, String name, long now) {
        int slot = slot(client, kind, name);
        long t = now - epoch;
        while (true) {
            long d = due.get(slot);
            long next = Math.max(d, t);
            if (next - t > tolerance) {
                return limited(client);
            }
            if (due.compareAndSet(slot, d, next + interval)) {
                return Verdict.SEND;
            }
        }
    }

    private Verdict limited(byte[] client) {
        for (Network n : settings.exempt()) {
            if (n.contains(client)) {
                return Verdict.SEND;
            }
        }
        int slip = settings.slip();
        return slip > 0 && ThreadLocalRandom.current().nextInt(slip) == 0 ? Verdict.SLIP : Verdict.DROP;
    }

    private int slot(byte[] client, Kind kind, String name) {
        long h = seed ^ kind.ordinal();
        if (client.length == 4) {
            h = mix(h ^ ((client[0] & 0xFFL) << 16 | (client[1] & 0xFFL) << 8 | (client[2] & 0xFFL)));
        } else {
            long prefix = 1; // the /56: seven octets, tagged apart from any IPv4 /24
            for (int i = 0; i < 7; i++) {
                prefix = prefix << 8 | (client[i] & 0xFF);
            }
            h = mix(h ^ prefix);
        }
        if (name != null) {
            int n = 0;
            for (int i = 0, len = name.length(); i < len; i++) {
                char c = name.charAt(i);
                n = 31 * n + (c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            h = mix(h ^ n);
        }
        return (int) h & (SLOTS - 1);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit moves every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
