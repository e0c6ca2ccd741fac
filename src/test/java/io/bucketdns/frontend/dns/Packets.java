package io.bucketdns.frontend.dns;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Random and mutated DNS queries for fuzzing: good queries from dnsjava, then cut, bit-flipped,
 * given huge counts, compression loops, bad label lengths, garbage OPT records, wrong opcodes or
 * the QR bit, or replaced by plain noise. Deterministic for a given seed.
 */
final class Packets {
    private static final List<String> NAMES = List.of("foo", "FoO", "eu.dotted.bucket", "bar", "nope", "_x", "a", "", "x.y.z.w");
    private static final List<String> SUFFIXES = List.of("o.example.com.", "O.EXAMPLE.COM.", "example.org.", ".");
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.ANY, Type.SOA, Type.NS, Type.MX, Type.TXT, Type.CNAME, Type.AXFR, 0, 65535};

    private final Random random;

    Packets(long seed) {
        this.random = new Random(seed);
    }

    /** A well-formed query, sometimes with EDNS and options. */
    byte[] good() {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        String suffix = SUFFIXES.get(random.nextInt(SUFFIXES.size()));
        String fqdn = name.isEmpty() ? suffix : suffix.equals(".") ? name + "." : name + "." + suffix;
        Message q = Fixture.query(fqdn, TYPES[random.nextInt(TYPES.length)]);
        q.getHeader().setID(random.nextInt(65536));
        if (random.nextBoolean()) {
            List<EDNSOption> options = random.nextInt(4) == 0
                    ? List.of(new GenericEDNSOption(random.nextInt(65536), bytes(random.nextInt(20))))
                    : List.of();
            q.addRecord(new OPTRecord(random.nextInt(65536), 0, random.nextInt(8) == 0 ? 1 : 0, random.nextBoolean() ? 0x8000 : 0, options),
                    Section.ADDITIONAL);
        }
        return q.toWire();
    }

    /** A good query with one to three mutations, or noise. */
    byte[] bad() {
        byte[] m = good();
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            m = mutate(m);
        }
        return m;
    }

    private byte[] mutate(byte[] m) {
        switch (random.nextInt(9)) {
            case 0 -> {
                return Arrays.copyOf(m, random.nextInt(m.length + 1));
            }
            case 1 -> {
                for (int i = random.nextInt(8); i >= 0 && m.length > 0; i--) {
                    m[random.nextInt(m.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return m;
            }
            case 2 -> {
                if (m.length >= 12) {
                    int count = 4 + 2 * random.nextInt(4);
                    m[count] = (byte) random.nextInt(256);
                    m[count + 1] = (byte) random.nextInt(256);
                }
                return m;
            }
            case 3 -> {
                // a record whose owner is a pointer to itself, or two pointers to each other
                int at = m.length;
                byte[] loop = random.nextBoolean()
                        ? new byte[] {(byte) (0xC0 | at >> 8), (byte) at, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0}
                        : new byte[] {1, 'a', (byte) (0xC0 | (at + 4) >> 8), (byte) (at + 4), (byte) (0xC0 | at >> 8), (byte) at, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};
                return addAdditional(m, loop);
            }
            case 4 -> {
                if (m.length > 12) {
                    m[12] = (byte) (64 + random.nextInt(192));
                }
                return m;
            }
            case 5 -> {
                int length = random.nextInt(40);
                byte[] opt = new byte[11 + length];
                opt[2] = 41;
                opt[3] = (byte) random.nextInt(256);
                opt[6] = (byte) random.nextInt(3);
                int declared = random.nextBoolean() ? length : random.nextInt(65536);
                opt[9] = (byte) (declared >> 8);
                opt[10] = (byte) declared;
                System.arraycopy(bytes(length), 0, opt, 11, length);
                return addAdditional(m, opt);
            }
            case 6 -> {
                if (m.length >= 3) {
                    m[2] = (byte) ((m[2] & 0x87) | random.nextInt(16) << 3);
                }
                return m;
            }
            case 7 -> {
                if (m.length >= 3) {
                    m[2] |= (byte) 0x80;
                }
                return m;
            }
            default -> {
                return bytes(random.nextInt(600));
            }
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] addAdditional(byte[] m, byte[] record) {
        if (m.length < 12) {
            return m;
        }
        byte[] out = Arrays.copyOf(m, m.length + record.length);
        System.arraycopy(record, 0, out, m.length, record.length);
        int ar = Query.u16(m, 10) + 1;
        out[10] = (byte) (ar >> 8);
        out[11] = (byte) ar;
        return out;
    }
}
