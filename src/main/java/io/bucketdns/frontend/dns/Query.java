package io.bucketdns.frontend.dns;

import io.bucketdns.answer.Answer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A DNS query read from the wire by hand: the header, the one question, and the EDNS OPT record.
 * Every other section is walked for well-formedness only, never decompressed, so a compression
 * loop or a huge count costs at most one pass over the packet's bytes.
 *
 * <p>Mutable and reused: one instance belongs to one UDP worker or one TCP connection, so that
 * parsing allocates nothing but the question's name.
 */
final class Query implements Supplier<Consumer<Answer>> {
    /** What the server does with a packet. */
    enum Verdict {
        /** A well-formed query: answer it. */
        ANSWER,
        /** Too broken to answer (shorter than a header) or a response: send nothing. */
        DROP,
        /** A readable header on a malformed message: FORMERR. */
        FORMERR,
        /** An opcode other than QUERY: NOTIMP. */
        NOTIMP,
        /** EDNS version above 0: BADVERS (RFC 6891). */
        BADVERS
    }

    static final int HEADER = 12;
    static final int TYPE_OPT = 41;
    private static final int MAX_NAME_WIRE = 255;
    /** A name of 255 octets, every octet written as {@code \DDD}, plus the dots. */
    private static final int MAX_NAME_TEXT = 4 * MAX_NAME_WIRE + 1;

    private final byte[] text = new byte[MAX_NAME_TEXT];

    /** The header's ID and its second 16-bit word (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE). */
    int id;
    int flags;
    /** The question: name in presentation format with a trailing dot and the client's case. */
    String name;
    int qtype;
    int qclass;
    /** Offset just past the question: the question is bytes {@code [12, questionEnd)}. */
    int questionEnd;
    boolean edns;
    /** The OPT record's requested UDP payload size, its version and its DO bit. */
    int udpSize;
    int ednsVersion;
    boolean dnssecOk;
    /** Set by the {@link Responder}: what rate limiting counts its response as, and under which name (null: none). */
    RateLimit.Kind kind;
    String limitName;
    /** The message parsed last: a query whose answer waits keeps a copy. */
    private byte[] message;
    private int length;
    /** Set when the answer to the message parsed last waits for a look-up: its copy, and the answer to come. */
    byte[] deferredMessage;
    long deferredSince;
    CompletableFuture<Answer> deferred;

    /** The answer to this query waits: keeps a copy of its bytes, for answering it on another thread. */
    @Override
    public Consumer<Answer> get() {
        deferredMessage = Arrays.copyOf(message, length);
        deferredSince = System.nanoTime();
        deferred = new CompletableFuture<>();
        return deferred::complete;
    }

    int opcode() {
        return (flags >> 11) & 0xF;
    }

    /** Parses {@code m[0..length)}; fields the verdict does not need may be stale. */
    Verdict parse(byte[] m, int length) {
        name = null;
        edns = false;
        message = m;
        this.length = length;
        deferredMessage = null;
        deferred = null;
        questionEnd = HEADER;
        kind = RateLimit.Kind.ERROR;
        limitName = null;
        if (length < HEADER) {
            return Verdict.DROP;
        }
        id = u16(m, 0);
        flags = u16(m, 2);
        if ((flags & 0x8000) != 0) {
            return Verdict.DROP;
        }
        if (opcode() != 0) {
            findOpt(m, length);
            return Verdict.NOTIMP;
        }
        if (u16(m, 4) != 1) {
            findOpt(m, length);
            return Verdict.FORMERR;
        }
        int pos = question(m, length);
        if (pos < 0) {
            return Verdict.FORMERR;
        }
        if (records(m, pos, length) != length) {
            // a broken record, or bytes after the last one
            return Verdict.FORMERR;
        }
        return edns && ednsVersion > 0 ? Verdict.BADVERS : Verdict.ANSWER;
    }

    /**
     * Looks for the OPT of a message that is not one plain question (another opcode, whose sections
     * may mean something else, or not one question), whose additional section is still last: RFC
     * 6891 asks for our OPT in every response to a request that had one. A message that cannot be
     * walked has none.
     */
    private void findOpt(byte[] m, int length) {
        int pos = HEADER;
        for (int i = u16(m, 4); i > 0 && pos >= 0; i--) {
            pos = skipName(m, pos, length);
            pos = pos < 0 || pos + 4 > length ? -1 : pos + 4;
        }
        if (pos < 0 || records(m, pos, length) != length) {
            edns = false;
        }
    }

    /** Walks the answer, authority and additional sections from {@code pos}, taking note of an OPT; the offset after them, or -1. */
    private int records(byte[] m, int pos, int length) {
        int records = u16(m, 6) + u16(m, 8);
        for (int i = 0; i < records && pos >= 0; i++) {
            pos = skipRecord(m, pos, length);
        }
        int additional = u16(m, 10);
        for (int i = 0; i < additional && pos >= 0; i++) {
            pos = additional(m, pos, length);
        }
        return pos;
    }

    /** Reads the question; returns the offset after it, or -1. */
    private int question(byte[] m, int length) {
        int pos = HEADER;
        int n = 0;
        int wire = 1;
        while (true) {
            if (pos >= length) {
                return -1;
            }
            int len = m[pos++] & 0xFF;
            if (len == 0) {
                break;
            }
            // a compression pointer could only point into the header; 0x40 and 0x80 are obsolete label types
            if (len > 63) {
                return -1;
            }
            wire += len + 1;
            if (wire > MAX_NAME_WIRE || pos + len > length) {
                return -1;
            }
            for (int i = 0; i < len; i++) {
                n = appendChar(m[pos++] & 0xFF, n);
            }
            text[n++] = '.';
        }
        if (n == 0) {
            text[n++] = '.';
        }
        if (pos + 4 > length) {
            return -1;
        }
        name = new String(text, 0, n, StandardCharsets.ISO_8859_1);
        qtype = u16(m, pos);
        qclass = u16(m, pos + 2);
        questionEnd = pos + 4;
        return questionEnd;
    }

    /**
     * Appends one label octet in presentation format. A dot or backslash inside a label, or any
     * octet outside printable ASCII, is written {@code \DDD}, so that the text never splits a
     * label into two (the resolver matches zones on the text) and can never be a bucket name.
     */
    private int appendChar(int c, int n) {
        if (c > 0x20 && c < 0x7F && c != '.' && c != '\\') {
            text[n] = (byte) c;
            return n + 1;
        }
        text[n] = '\\';
        text[n + 1] = (byte) ('0' + c / 100);
        text[n + 2] = (byte) ('0' + c / 10 % 10);
        text[n + 3] = (byte) ('0' + c % 10);
        return n + 4;
    }

    /** Reads an additional record, taking note of an OPT; returns the offset after it, or -1. */
    private int additional(byte[] m, int pos, int length) {
        if (pos + 11 <= length && m[pos] == 0 && u16(m, pos + 1) == TYPE_OPT) {
            if (edns) {
                return -1; // RFC 6891 6.1.1: more than one OPT is a FORMERR
            }
            edns = true;
            udpSize = u16(m, pos + 3);
            ednsVersion = m[pos + 6] & 0xFF;
            dnssecOk = (m[pos + 7] & 0x80) != 0;
            int end = pos + 11 + u16(m, pos + 9);
            if (end > length) {
                return -1;
            }
            // the options must tile the RDATA exactly
            int o = pos + 11;
            while (o + 4 <= end) {
                o += 4 + u16(m, o + 2);
            }
            return o == end ? end : -1;
        }
        int rr = skipRecord(m, pos, length);
        if (rr > 0 && u16(m, afterName(m, pos)) == TYPE_OPT) {
            return -1; // an OPT whose owner is not the root
        }
        return rr;
    }

    /** Skips one resource record; returns the offset after it, or -1. */
    private static int skipRecord(byte[] m, int pos, int length) {
        int p = skipName(m, pos, length);
        if (p < 0 || p + 10 > length) {
            return -1;
        }
        int end = p + 10 + u16(m, p + 8);
        return end > length ? -1 : end;
    }

    /** Offset after a name already known to be well-formed. */
    private static int afterName(byte[] m, int pos) {
        while (true) {
            int len = m[pos] & 0xFF;
            if (len == 0) {
                return pos + 1;
            }
            if (len >= 0xC0) {
                return pos + 2;
            }
            pos += len + 1;
        }
    }

    /**
     * Skips a possibly compressed name without following its pointer, so loops cannot happen;
     * a pointer must still point backwards into the message. Returns the offset after it, or -1.
     */
    private static int skipName(byte[] m, int pos, int length) {
        int wire = 1;
        while (pos < length) {
            int len = m[pos] & 0xFF;
            if (len == 0) {
                return pos + 1;
            }
            if (len >= 0xC0) {
                if (pos + 2 > length || (((len & 0x3F) << 8) | (m[pos + 1] & 0xFF)) >= pos) {
                    return -1;
                }
                return pos + 2;
            }
            wire += len + 1;
            if (len > 63 || wire > MAX_NAME_WIRE) {
                return -1;
            }
            pos += len + 1;
        }
        return -1;
    }

    static int u16(byte[] m, int pos) {
        return ((m[pos] & 0xFF) << 8) | (m[pos + 1] & 0xFF);
    }
}
