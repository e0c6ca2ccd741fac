package io.bucketdns.frontend.dns;

import io.bucketdns.answer.Answer;
import io.bucketdns.answer.Authority;
import io.bucketdns.answer.RecordType;
import io.bucketdns.answer.ResourceRecord;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Turns a query's bytes into a response's bytes: the wire-format side of the resolver. Only what
 * the wire adds is decided here (header flags, EDNS, truncation, RFC 8482 for ANY, the error
 * codes of malformed messages); every answer comes from the {@link Authority}'s resolver.
 *
 * <p>Thread-safe; the per-query state lives in the caller's {@link Query} and {@link Wire}. A
 * CNAME, the hot answer, is encoded straight from its text; the few other record values (SOA,
 * NS, apex addresses) are encoded once by dnsjava and cached.
 */
final class Responder {
    static final int NOERROR = 0;
    static final int FORMERR = 1;
    static final int SERVFAIL = 2;
    static final int NOTIMP = 4;
    static final int REFUSED = 5;
    /** BADVERS (16): its high bits travel in the OPT record, its low bits (0) in the header. */
    private static final int BADVERS_HIGH = 16 >> 4;
    /** What {@link #respond} returns when the answer waits for an on-demand look-up: see {@link #answerLater}. */
    static final int LATER = -2;
    /** {@link #respond} over UDP for an IXFR: {@link ZoneTransfer} answers it, if the client may transfer. */
    static final int TRANSFER = -3;
    /** The UDP payload size assumed without EDNS (RFC 1035). */
    static final int CLASSIC_UDP = 512;

    private static final Logger LOG = LoggerFactory.getLogger(Responder.class);
    private static final int QR = 0x8000;
    private static final int AA = 0x0400;
    private static final int TC = 0x0200;
    /** The bits copied from the query: opcode, RD and CD. */
    private static final int COPIED = 0x7800 | 0x0100 | 0x0010;
    private static final int CLASS_IN = DClass.IN;
    private static final int OPT_SIZE = 11;
    private static final int MAX_CACHED_RDATA = 1024;
    private static final String RFC8482_HINFO = "\"RFC8482\" \"\"";

    private final Authority authority;
    private final int maxUdpPayload;
    private final ConcurrentHashMap<RdataKey, byte[]> rdata = new ConcurrentHashMap<>();
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - 2_000_000_000L);

    /**
     * @param maxUdpPayload the largest UDP response sent, whatever larger size a client offers;
     *     also the size this server advertises in its OPT record
     */
    Responder(Authority authority, int maxUdpPayload) {
        this.authority = authority;
        this.maxUdpPayload = maxUdpPayload;
    }

    /**
     * Writes the response to the query {@code m[0..length)} into {@code out}.
     *
     * @param udp true over UDP: the response is truncated to the client's payload size
     * @return the response's length, -1 when nothing must be sent, or {@link #LATER} when the
     *     answer waits: then {@link #answerLater} sends it
     */
    int respond(Query q, byte[] m, int length, Wire out, boolean udp) {
        long start = System.nanoTime();
        try {
            return switch (q.parse(m, length)) {
                case DROP -> malformed(udp, -1);
                case NOTIMP -> bare(q, out, NOTIMP);
                case FORMERR -> malformed(udp, bare(q, out, FORMERR));
                case BADVERS -> badVersion(q, m, out);
                case ANSWER -> answer(q, m, out, udp, start);
            };
        } catch (RuntimeException e) {
            if (length < Query.HEADER) {
                return -1;
            }
            logFailure(q, e);
            authority.observer().failed(udp ? "udp" : "tcp");
            q.kind = RateLimit.Kind.ERROR;
            q.limitName = null;
            out.begin(Wire.MAX_MESSAGE);
            out.bytes(m, Query.HEADER, q.questionEnd - Query.HEADER);
            return withOpt(q, out, SERVFAIL, 0, q.questionEnd > Query.HEADER ? 1 : 0, 0, 0, 0, 0);
        }
    }

    int udpLimit(Query q) {
        return q.edns ? Math.max(CLASSIC_UDP, Math.min(q.udpSize, maxUdpPayload)) : CLASSIC_UDP;
    }

    /** Counts a malformed query; returns {@code length}, the response to it (-1: none). */
    int malformed(boolean udp, int length) {
        authority.observer().malformed(udp ? "udp" : "tcp");
        return length;
    }

    private int answer(Query q, byte[] m, Wire out, boolean udp, long start) {
        int limit = udp ? udpLimit(q) : Wire.MAX_MESSAGE;
        out.begin(limit);
        out.bytes(m, Query.HEADER, q.questionEnd - Query.HEADER);
        int afterQuestion = out.pos;
        if (udp && q.qtype == Type.IXFR && q.qclass == CLASS_IN) {
            return TRANSFER;
        }
        if ((q.qclass != CLASS_IN && q.qclass != DClass.ANY) || q.qtype == Type.AXFR || q.qtype == Type.IXFR) {
            // no other class is served; TCP's transfers go to ZoneTransfer before they reach here, AXFR never over UDP
            return withOpt(q, out, REFUSED, 0, 1, 0, 0, 0, 0);
        }
        Answer a = authority.resolve(q.name, q.qtype, q);
        if (a == null) {
            return LATER;
        }
        return write(q, out, udp, limit, afterQuestion, a, start);
    }

    /** Writes REFUSED for the query {@code m}, already parsed into {@code q}: a transfer its client may not have. */
    int refused(Query q, byte[] m, Wire out) {
        out.begin(udpLimit(q));
        out.bytes(m, Query.HEADER, q.questionEnd - Query.HEADER);
        return withOpt(q, out, REFUSED, 0, 1, 0, 0, 0, 0);
    }

    /** Where a late response goes: the UDP client, or the TCP connection. */
    interface Sink {
        /**
         * Sends the response in {@code out}, {@code length} bytes after its start; {@code late} is
         * the query it answers, classified for rate limiting as {@link #respond} leaves a query.
         */
        void send(Query late, Wire out, int length) throws IOException;
    }

    /**
     * Sends the response to a query whose answer waits ({@link #LATER}) once the answer comes, on
     * the thread that has it; the caller goes on at once.
     */
    void answerLater(Query q, boolean udp, Sink sink) {
        byte[] m = q.deferredMessage;
        long since = q.deferredSince;
        q.deferred.thenAccept(a -> {
            Wire out = new Wire(udp ? 0 : 2);
            try {
                Query late = new Query();
                late.parse(m, m.length);
                int limit = udp ? udpLimit(late) : Wire.MAX_MESSAGE;
                out.begin(limit);
                out.bytes(m, Query.HEADER, late.questionEnd - Query.HEADER);
                sink.send(late, out, write(late, out, udp, limit, out.pos, a, since));
            } catch (IOException | RuntimeException e) {
                LOG.debug("dns: a late answer over {} failed: {}", udp ? "udp" : "tcp", e.toString());
            }
        });
    }

    private int write(Query q, Wire out, boolean udp, int limit, int afterQuestion, Answer a, long start) {
        classify(q, a);
        List<ResourceRecord> answer = a.answer();
        if (q.qtype == RecordType.ANY && a.outcome() == Answer.Outcome.APEX) {
            // RFC 8482: one synthesized HINFO instead of every record at the apex
            answer = List.of(new ResourceRecord(q.name, Type.HINFO, a.zone().soaTtl(), RFC8482_HINFO));
            q.kind = RateLimit.Kind.ANY;
        }
        int flags = a.zone() != null ? AA : 0;
        int an = answer.size();
        int ns = a.authority().size();
        out.limit(q.edns ? limit - OPT_SIZE : limit);
        try {
            for (ResourceRecord r : answer) {
                record(q, out, r);
            }
            for (ResourceRecord r : a.authority()) {
                record(q, out, r);
            }
        } catch (Wire.Overflow e) {
            // RFC 2181 9: a partial RRset would be misleading; the client retries over TCP
            out.pos = afterQuestion;
            flags |= TC;
            an = 0;
            ns = 0;
        }
        int ar = 0;
        if ((flags & TC) == 0 && !a.additional().isEmpty()) {
            int beforeAdditional = out.pos;
            try {
                for (ResourceRecord r : a.additional()) {
                    record(q, out, r);
                    ar++;
                }
            } catch (Wire.Overflow e) {
                // additional data is optional (RFC 2181 9): leave it out rather than truncate
                out.pos = beforeAdditional;
                ar = 0;
            }
        }
        out.limit(limit);
        int length = withOpt(q, out, a.rcode().code(), flags, 1, an, ns, ar, 0);
        authority.observer().answered(udp ? "udp" : "tcp", q.name, q.qtype, a, System.nanoTime() - start);
        return length;
    }

    private int badVersion(Query q, byte[] m, Wire out) {
        out.begin(Wire.MAX_MESSAGE);
        out.bytes(m, Query.HEADER, q.questionEnd - Query.HEADER);
        return withOpt(q, out, NOERROR, 0, 1, 0, 0, 0, BADVERS_HIGH);
    }

    /** A response with no question (FORMERR, NOTIMP): the query's sections may be unreadable. */
    private int bare(Query q, Wire out, int rcode) {
        out.begin(Wire.MAX_MESSAGE);
        return withOpt(q, out, rcode, 0, 0, 0, 0, 0, 0);
    }

    /**
     * What rate limiting counts an answer as, and under which name: the question where the answer
     * exists, the zone where it is made up per name (see {@link RateLimit}).
     */
    private static void classify(Query q, Answer a) {
        String zone = a.zone() == null ? null : a.zone().name();
        switch (a.outcome()) {
            case BUCKET, APEX -> {
                q.kind = RateLimit.Kind.POSITIVE;
                q.limitName = q.name;
            }
            case DEFAULT_ZONEGROUP -> {
                q.kind = RateLimit.Kind.SYNTHESIZED;
                q.limitName = zone;
            }
            case NO_SUCH_BUCKET, NOT_A_BUCKET -> {
                q.kind = RateLimit.Kind.NXDOMAIN;
                q.limitName = zone;
            }
            case NODATA -> {
                q.kind = RateLimit.Kind.NODATA;
                q.limitName = zone;
            }
            case OUT_OF_ZONE -> {
                q.kind = RateLimit.Kind.ERROR;
                q.limitName = null;
            }
        }
    }

    /** Tells the observer that rate limiting dropped the response to {@code q}, or slipped it. */
    void limited(Query q, boolean slipped) {
        authority.observer().limited(q.kind.label(), slipped);
    }

    /**
     * Rewrites the response in {@code out} (of {@code length} bytes, to {@code q}) as the same
     * header and question with TC set and no records but our OPT: what rate limiting sends instead
     * of dropping, so a real client retries over TCP.
     */
    int truncated(Query q, Wire out, int length) {
        int word = ((out.buf[out.start + 2] & 0xFF) << 8) | (out.buf[out.start + 3] & 0xFF);
        int qd = ((out.buf[out.start + 4] & 0xFF) << 8) | (out.buf[out.start + 5] & 0xFF);
        // our OPT ends every response to an EDNS query; its TTL's first octet holds the rcode's high bits
        int extendedRcode = q.edns ? out.buf[out.start + length - OPT_SIZE + 5] & 0xFF : 0;
        out.begin(length);
        out.pos = out.start + (qd == 0 ? Query.HEADER : q.questionEnd);
        return withOpt(q, out, word & 0xF, (word & AA) | TC, qd, 0, 0, 0, extendedRcode);
    }

    /** Appends our OPT when the query had one (RFC 6891 7), then writes the header. */
    private int withOpt(Query q, Wire out, int rcode, int flags, int qd, int an, int ns, int additional, int extendedRcode) {
        int ar = additional;
        if (q.edns) {
            out.u8(0);
            out.u16(Query.TYPE_OPT);
            out.u16(maxUdpPayload);
            out.u8(extendedRcode);
            out.u8(0);
            out.u16(q.dnssecOk ? 0x8000 : 0);
            out.u16(0);
            ar++;
        }
        return header(q, out, rcode, flags, qd, an, ns, ar);
    }

    private static int header(Query q, Wire out, int rcode, int flags, int qd, int an, int ns, int ar) {
        out.set16(0, q.id);
        out.set16(2, QR | (q.flags & COPIED) | flags | rcode);
        out.set16(4, qd);
        out.set16(6, an);
        out.set16(8, ns);
        out.set16(10, ar);
        return out.length();
    }

    private void record(Query q, Wire out, ResourceRecord r) {
        if (r.name().equals(q.name)) {
            // the question's own bytes, so the owner keeps the client's case
            out.u16(0xC000 | Query.HEADER);
        } else {
            out.name(r.name());
        }
        out.u16(r.type());
        out.u16(CLASS_IN);
        out.u32(r.ttl());
        int lengthAt = out.length();
        out.u16(0);
        if (r.type() == RecordType.CNAME) {
            out.name(r.data());
        } else {
            byte[] data = rdata(r.type(), r.data());
            out.bytes(data, 0, data.length);
        }
        out.set16(lengthAt, out.length() - lengthAt - 2);
    }

    private byte[] rdata(int type, String text) {
        RdataKey key = new RdataKey(type, text);
        byte[] cached = rdata.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] wire;
        try {
            wire = Record.fromString(Name.root, type, CLASS_IN, 0, text, Name.root).rdataToWireCanonical();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + RecordType.name(type) + " data '" + text + "': " + e.getMessage(), e);
        }
        if (rdata.size() >= MAX_CACHED_RDATA) {
            // only the SOA serial makes new values; old serials are never asked for again
            rdata.clear();
        }
        rdata.put(key, wire);
        return wire;
    }

    /** Logs a failure to answer at most once a second: a bug hit by every query must not flood the log. */
    private void logFailure(Query q, RuntimeException e) {
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last > 1_000_000_000L && lastFailureLog.compareAndSet(last, now)) {
            LOG.error("dns: SERVFAIL for {} type {}", q.name, q.qtype, e);
        }
    }

    private record RdataKey(int type, String text) {}
}
