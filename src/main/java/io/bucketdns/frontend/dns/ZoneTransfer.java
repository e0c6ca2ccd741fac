package io.bucketdns.frontend.dns;

import io.bucketdns.answer.Authority;
import io.bucketdns.answer.RecordType;
import io.bucketdns.answer.ResourceRecord;
import io.bucketdns.answer.Zone;
import io.bucketdns.answer.ZoneContents;
import io.bucketdns.answer.Soa;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Zone transfers: AXFR over TCP (RFC 5936), a served zone as {@link ZoneContents} gives it, from
 * one catalog snapshot, between two copies of its SOA, in as many messages as it takes. Messages
 * are written as they fill, so memory stays flat whatever the zone's size. IXFR (RFC 1995): the SOA
 * alone when the secondary has the current serial; else one condensed difference from its serial,
 * when the {@link CatalogHistory} reaches back that far; else the whole zone, as an AXFR. Over UDP an
 * IXFR gets its difference when it fits in one datagram, else the SOA, which sends the secondary
 * to TCP; AXFR is never sent over UDP.
 *
 * <p>Only clients in {@code [xfr] allow} get a transfer; any other is refused (REFUSED), a zone
 * bucketdns does not serve is NOTAUTH. With TSIG keys set ({@code [xfr] tsig}, RFC 8945) a
 * transfer must also be signed with one of them, and every message of the answer is signed in
 * turn: an unsigned request is REFUSED, an unknown key NOTAUTH with BADKEY, a wrong signature
 * BADSIG, a time outside the fudge (300 s) BADTIME. Every request is counted by outcome and
 * each refusal logged.
 *
 * <p>dnsjava writes the messages (with name compression): a transfer is rare beside queries, so
 * it is no part of the hot path that {@link Responder} writes by hand.
 */
final class ZoneTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneTransfer.class);
    /** Records per message, and a bound on their uncompressed size, well under TCP's 65535. */
    private static final int RECORDS_PER_MESSAGE = 500;
    private static final int BYTES_PER_MESSAGE = 16_000;

    private final Authority authority;
    private final CatalogHistory history;
    private final Clock clock;
    private final AtomicReference<Policy> policy = new AtomicReference<>(new Policy(List.of(), Map.of()));

    /** Who may transfer, and the keys that must sign when there are any. */
    private record Policy(List<RateLimit.Network> allow, Map<Name, TSIG> keys) {}

    /**
     * @param history the catalog's recent changes, which IXFR answers come from
     * @param clock what TSIG's time check reads
     */
    ZoneTransfer(Authority authority, CatalogHistory history, Clock clock) {
        this.authority = authority;
        this.history = history;
        this.clock = clock;
    }

    /** Who may transfer from now on (empty: nobody), and with which keys (empty: unsigned). */
    void allow(List<RateLimit.Network> networks, List<TsigKey> keys) {
        Map<Name, TSIG> byName = new HashMap<>();
        for (TsigKey k : keys) {
            try {
                Name name = Name.fromString(k.name() + ".");
                String mac = "Hmac" + k.algorithm().substring("hmac-".length()).toUpperCase(java.util.Locale.ROOT);
                byName.put(name, new TSIG(TSIG.algorithmToName(k.algorithm()), name, new SecretKeySpec(k.secretBytes(), mac), clock));
            } catch (TextParseException e) {
                throw new IllegalArgumentException("TSIG key name '" + k.name() + "': " + e.getMessage(), e);
            }
        }
        policy.set(new Policy(List.copyOf(networks), Map.copyOf(byName)));
    }

    /** Where the messages of an answer go, each whole, in order. */
    interface Sink {
        void send(byte[] message) throws IOException;
    }

    /**
     * Whether {@code m[0..length)} asks for a transfer: a standard query with one question of type
     * AXFR or IXFR. Read from the raw bytes, so other TCP queries pay next to nothing for it.
     */
    static boolean isTransfer(byte[] m, int length) {
        if (length < Query.HEADER + 5 || (m[2] & 0xf8) != 0 || m[4] != 0 || m[5] != 1) {
            return false; // a response, another opcode, or not one question
        }
        int at = Query.HEADER;
        while (at < length && m[at] != 0) {
            if ((m[at] & 0xc0) != 0) {
                return false;
            }
            at += (m[at] & 0xff) + 1;
        }
        if (at + 3 > length) {
            return false;
        }
        int type = ((m[at + 1] & 0xff) << 8) | (m[at + 2] & 0xff);
        return type == Type.AXFR || type == Type.IXFR;
    }

    /** Answers the transfer question {@code m[0..length)} from {@code client}: the zone, or one error. */
    void serve(byte[] m, int length, InetAddress client, Sink sink) throws IOException {
        Request r = admit(m, length, client, sink);
        if (r == null) {
            return;
        }
        long start = System.nanoTime();
        Stream stream = new Stream(r, sink, true);
        if (r.incremental()) {
            if (r.current()) {
                stream.add(r.soa());
                stream.flush();
                authority.observer().transfer(r.zone().name(), "current");
                return;
            }
            Optional<List<CatalogHistory.Change>> changes = changes(r);
            if (changes.isPresent()) {
                try {
                    increments(r, changes.get(), stream);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                stream.flush();
                authority.observer().transfer(r.zone().name(), "incremental");
                LOG.info("dns: IXFR of {} from serial {} to {} to {}: {} buckets changed, {} messages, {} ms", r.zone().name(), r.have(),
                        r.soa().getSerial(), client.getHostAddress(), changes.get().size(), stream.messages,
                        (System.nanoTime() - start) / 1_000_000);
                return;
            }
        }
        long[] records = {0};
        try {
            ZoneContents.forEach(r.zone(), r.catalog(), rr -> {
                stream.add(record(rr));
                records[0]++;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        stream.add(r.soa());
        stream.flush();
        authority.observer().transfer(r.zone().name(), "sent");
        LOG.info("dns: {} of {} (serial {}) to {}: {} records in {} messages, {} ms", Type.string(r.query().getQuestion().getType()),
                r.zone().name(), r.soa().getSerial(), client.getHostAddress(), records[0] + 1, stream.messages,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Answers an IXFR over UDP (RFC 1995 section 2) into {@code out}: the changes since the
     * client's serial in one datagram when they fit in {@code limit} bytes, else the SOA alone, which
     * sends the client to TCP. Returns the answer's length, or -1 when the client is not in
     * {@code [xfr] allow}: that refusal is the responder's, under the rate limit, as for any query.
     */
    int serveUdp(byte[] m, int length, InetAddress client, int limit, byte[] out) {
        if (!allowed(policy.get(), client)) {
            return -1;
        }
        byte[][] sent = new byte[1][];
        try {
            Request r = admit(m, length, client, message -> sent[0] = message);
            if (r != null) {
                Optional<List<CatalogHistory.Change>> changes = r.current() ? Optional.empty() : changes(r);
                if (changes.isPresent()) {
                    Stream one = new Stream(r, message -> sent[0] = message, false);
                    increments(r, changes.get(), one);
                    one.flush();
                }
                boolean fits = sent[0] != null && sent[0].length <= limit;
                if (!fits) {
                    Stream soa = new Stream(r, message -> sent[0] = message, false);
                    soa.add(r.soa());
                    soa.flush();
                }
                authority.observer().transfer(r.zone().name(), fits ? "incremental" : r.current() ? "current" : "udp-soa");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the sink above cannot fail
        }
        int n = Math.min(sent[0].length, out.length);
        System.arraycopy(sent[0], 0, out, 0, n);
        return n;
    }

    /** A transfer request that passed the checks: what the answer is made from. */
    private record Request(Message query, Zone zone, TSIG key, TSIGRecord signature, Catalog catalog, SOARecord soa, long have) {
        boolean incremental() {
            return query.getQuestion().getType() == Type.IXFR;
        }

        /** True when an IXFR's client has the serial in force. */
        boolean current() {
            return have == soa.getSerial();
        }
    }

    /**
     * Reads and checks a transfer request: the zone, {@code [xfr] allow}, TSIG. Returns null when
     * it is refused, the refusal sent to {@code sink}, logged and counted.
     */
    private Request admit(byte[] m, int length, InetAddress client, Sink sink) throws IOException {
        Message query;
        try {
            query = new Message(Arrays.copyOf(m, length));
        } catch (IOException e) {
            sink.send(error(m, Rcode.FORMERR));
            return null;
        }
        Record question = query.getQuestion();
        String type = Type.string(question.getType());
        String asked = question.getName().toString().toLowerCase(java.util.Locale.ROOT);
        Zone zone = authority.zones().stream().filter(z -> z.absoluteName().equals(asked)).findFirst().orElse(null);
        if (zone == null) {
            authority.observer().transfer(asked, "notauth");
            sink.send(reply(query, Rcode.NOTAUTH).toWire());
            return null;
        }
        Policy p = policy.get();
        if (!allowed(p, client)) {
            LOG.info("dns: {} of {} refused to {}: not in [xfr] allow", type, zone.name(), client.getHostAddress());
            authority.observer().transfer(zone.name(), "refused");
            sink.send(reply(query, Rcode.REFUSED).toWire());
            return null;
        }
        TSIGRecord signature = query.getTSIG();
        TSIG key = null;
        if (signature != null || !p.keys().isEmpty()) {
            if (signature == null) {
                LOG.info("dns: {} of {} refused to {}: unsigned, and [xfr] tsig asks for a key", type, zone.name(), client.getHostAddress());
                authority.observer().transfer(zone.name(), "unsigned");
                sink.send(reply(query, Rcode.REFUSED).toWire());
                return null;
            }
            key = p.keys().get(signature.getName());
            int verdict = key == null ? Rcode.BADKEY : key.verify(query, Arrays.copyOf(m, length), null);
            if (verdict != Rcode.NOERROR) {
                String why = Rcode.TSIGstring(verdict);
                LOG.warn("dns: {} of {} refused to {}: TSIG {} (key {})", type, zone.name(), client.getHostAddress(), why,
                        signature.getName());
                authority.observer().transfer(zone.name(), why.toLowerCase(java.util.Locale.ROOT));
                Message refused = reply(query, Rcode.NOTAUTH);
                TSIG answering = key != null ? key : new TSIG(signature.getAlgorithm(), signature.getName(), new byte[32]);
                answering.apply(refused, verdict, signature);
                sink.send(refused.toWire());
                return null;
            }
        }
        Catalog catalog = authority.catalog();
        SOARecord soa = (SOARecord) record(ZoneContents.soa(zone, catalog));
        return new Request(query, zone, key, signature, catalog, soa, clientSerial(query));
    }

    /**
     * The bucket changes since an IXFR client's serial, from the history; empty when it does not
     * reach back that far, or when the zone's SOA has a fixed serial that says nothing of the catalog.
     */
    private Optional<List<CatalogHistory.Change>> changes(Request r) {
        if (r.have() < 0 || r.zone().soa().serial() != Soa.FOLLOW_CATALOG) {
            return Optional.empty();
        }
        return history.since(r.have(), r.catalog());
    }

    /**
     * An IXFR's one condensed difference sequence (RFC 1995 section 4): the new SOA, the client's
     * SOA, what went, the new SOA, what came, the new SOA again.
     */
    private static void increments(Request r, List<CatalogHistory.Change> changes, Stream stream) {
        SOARecord now = r.soa();
        stream.add(now);
        stream.add(new SOARecord(now.getName(), DClass.IN, now.getTTL(), now.getHost(), now.getAdmin(), r.have(), now.getRefresh(),
                now.getRetry(), now.getExpire(), now.getMinimum()));
        ZoneContents.removed(r.zone(), changes, rr -> stream.add(record(rr)));
        stream.add(now);
        ZoneContents.added(r.zone(), changes, rr -> stream.add(record(rr)));
        stream.add(now);
    }

    private static boolean allowed(Policy p, InetAddress client) {
        byte[] a = client.getAddress();
        return p.allow().stream().anyMatch(n -> n.contains(a));
    }

    /** The serial of the SOA an IXFR carries in its authority section; -1 when there is none. */
    private static long clientSerial(Message query) {
        for (Record r : query.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord s) {
                return s.getSerial();
            }
        }
        return -1;
    }

    /** A reply to {@code query}: its id and question, QR and AA, this rcode, nothing else yet. */
    private static Message reply(Message query, int rcode) {
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        r.getHeader().setOpcode(Opcode.QUERY);
        r.getHeader().setRcode(rcode);
        r.addRecord(query.getQuestion(), Section.QUESTION);
        return r;
    }

    /** A bare error reply to a message dnsjava cannot read: its id, QR and the rcode. */
    private static byte[] error(byte[] m, int rcode) {
        byte[] r = new byte[Query.HEADER];
        r[0] = m[0];
        r[1] = m[1];
        r[2] = (byte) 0x80;
        r[3] = (byte) rcode;
        return r;
    }

    private static Record record(ResourceRecord r) {
        try {
            Name owner = Name.fromString(r.name());
            if (r.type() == RecordType.CNAME) {
                return new CNAMERecord(owner, DClass.IN, r.ttl(), Name.fromString(r.data()));
            }
            return Record.fromString(owner, r.type(), DClass.IN, r.ttl(), r.data(), Name.root);
        } catch (IOException e) {
            throw new IllegalStateException("a served record does not parse: " + r, e);
        }
    }

    /**
     * The messages of one transfer, each sent when full (or, over UDP, one message whatever its
     * size), each signed when the request was.
     */
    private static final class Stream {
        private final Message query;
        private final Sink sink;
        private final TSIG key;
        private final boolean split;
        /** The request's signature, then that of the last message sent: each covers the one before (RFC 8945 5.3.1). */
        private TSIGRecord previous;
        private Message current;
        private int count;
        private int bytes;
        int messages;

        Stream(Request r, Sink sink, boolean split) {
            this.query = r.query();
            this.sink = sink;
            this.key = r.key();
            this.previous = r.signature();
            this.split = split;
        }

        void add(Record r) {
            if (current == null) {
                current = reply(query, Rcode.NOERROR);
                if (messages > 0) {
                    current.removeAllRecords(Section.QUESTION); // RFC 5936 2.2: the question goes in the first message only
                }
            }
            current.addRecord(r, Section.ANSWER);
            count++;
            bytes += r.getName().length() + 12 + (r instanceof CNAMERecord c ? c.getTarget().length() : r.rdataToString().length());
            if (split && (count >= RECORDS_PER_MESSAGE || bytes >= BYTES_PER_MESSAGE)) {
                try {
                    flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        void flush() throws IOException {
            if (current != null) {
                if (key != null) {
                    if (messages == 0) {
                        key.apply(current, previous);
                    } else {
                        key.applyStream(current, previous, false);
                    }
                    previous = current.getTSIG();
                }
                sink.send(current.toWire());
                messages++;
                current = null;
                count = 0;
                bytes = 0;
            }
        }
    }
}
