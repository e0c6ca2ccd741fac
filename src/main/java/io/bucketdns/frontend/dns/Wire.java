package io.bucketdns.frontend.dns;

/**
 * A reusable buffer a response is written into, with a size limit (the client's UDP payload size,
 * or 65535 over TCP). Writing past the limit throws {@link Overflow}, which the responder turns
 * into a truncated answer; it is preallocated, so truncation costs no allocation.
 *
 * <p>The message starts at {@link #start}: TCP reserves two bytes in front for the length prefix,
 * so that prefix and message leave in one write. Compression pointers count from {@code start}.
 */
final class Wire {
    /** The largest DNS message (TCP's 16-bit length). */
    static final int MAX_MESSAGE = 65535;

    final byte[] buf;
    final int start;
    int pos;
    private int limit;

    Wire(int start) {
        this.start = start;
        this.buf = new byte[start + MAX_MESSAGE];
    }

    /** Starts a message of at most {@code size} bytes, positioned after the header. */
    void begin(int size) {
        pos = start + Query.HEADER;
        limit = start + size;
    }

    /** Moves the limit to {@code size} bytes from the start (lower, to keep room for the OPT). */
    void limit(int size) {
        limit = start + size;
    }

    /** Offset of the write position from the start of the message. */
    int length() {
        return pos - start;
    }

    void u8(int v) {
        room(1);
        buf[pos++] = (byte) v;
    }

    void u16(int v) {
        room(2);
        buf[pos++] = (byte) (v >> 8);
        buf[pos++] = (byte) v;
    }

    void u32(long v) {
        room(4);
        buf[pos++] = (byte) (v >> 24);
        buf[pos++] = (byte) (v >> 16);
        buf[pos++] = (byte) (v >> 8);
        buf[pos++] = (byte) v;
    }

    void bytes(byte[] src, int offset, int length) {
        room(length);
        System.arraycopy(src, offset, buf, pos, length);
        pos += length;
    }

    /** Overwrites a 16-bit value at {@code offset} from the start. */
    void set16(int offset, int v) {
        buf[start + offset] = (byte) (v >> 8);
        buf[start + offset + 1] = (byte) v;
    }

    /**
     * Writes an absolute presentation-format name (trailing dot) uncompressed. The names the
     * resolver produces are plain LDH names, so escapes are refused rather than decoded.
     *
     * @throws IllegalArgumentException when the text is not a plain absolute name
     */
    void name(String text) {
        int n = text.length();
        if (n == 0 || text.charAt(n - 1) != '.' || n > 254) {
            throw new IllegalArgumentException("not an absolute name of at most 255 octets: " + text);
        }
        if (n == 1) {
            u8(0);
            return;
        }
        room(n + 1);
        int lengthAt = pos++;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                int label = pos - lengthAt - 1;
                if (label < 1 || label > 63) {
                    throw new IllegalArgumentException("label of " + label + " octets in " + text);
                }
                buf[lengthAt] = (byte) label;
                lengthAt = pos++;
            } else if (c > 0x20 && c < 0x7F && c != '\\') {
                buf[pos++] = (byte) c;
            } else {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(c) + " in name " + text);
            }
        }
        buf[lengthAt] = 0;
    }

    private void room(int n) {
        if (pos + n > limit) {
            throw Overflow.INSTANCE;
        }
    }

    /** The answer does not fit the client's limit. */
    static final class Overflow extends RuntimeException {
        static final Overflow INSTANCE = new Overflow();

        private Overflow() {
            super("response larger than the client accepts", null, false, false);
        }
    }
}
