package io.bucketdns.answer;

import org.xbill.DNS.Type;

/**
 * The record types the resolver treats specially. Any other type is carried as its numeric code:
 * a bucket answers every type with a CNAME, the apex answers unknown types with NODATA.
 */
public final class RecordType {
    public static final int A = Type.A;
    public static final int NS = Type.NS;
    public static final int CNAME = Type.CNAME;
    public static final int SOA = Type.SOA;
    public static final int AAAA = Type.AAAA;
    public static final int ANY = Type.ANY;

    private RecordType() {}

    /** The mnemonic of a type code ("A", "TYPE65534" for unnamed codes). */
    public static String name(int type) {
        return Type.string(type);
    }

    /**
     * The code of a mnemonic, case-insensitive ("a", "AAAA", "TYPE99"); -1 when it names no type.
     */
    public static int code(String mnemonic) {
        return Type.value(mnemonic, true);
    }
}
