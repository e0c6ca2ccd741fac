package io.bucketdns.answer;

/**
 * The data of a zone's SOA record.
 *
 * @param serial the configured serial, or {@link #FOLLOW_CATALOG} to publish the catalog's serial,
 *     so that secondaries and caches see a new zone version whenever the bucket map changes
 */
public record Soa(String mname, String rname, long serial, long refresh, long retry, long expire, long minimum) {
    /** Serial marker: use the catalog's serial instead of a fixed one. */
    public static final long FOLLOW_CATALOG = -1;
    /** What {@code dns_soa_record} writes in place of a serial for {@link #FOLLOW_CATALOG}. */
    public static final String FOLLOW_WORD = "auto";

    /**
     * Parses the seven presentation-format fields of {@code dns_soa_record}, e.g. {@code
     * "ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 60"}; a serial of {@value
     * #FOLLOW_WORD} follows the catalog, so that secondaries see every change while the timers are
     * the operator's.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static Soa parse(String text) {
        String[] f = text.trim().split("\\s+");
        if (f.length != 7) {
            throw new IllegalArgumentException("an SOA has 7 fields (mname rname serial refresh retry expire minimum), found " + f.length);
        }
        String[] names = {"serial", "refresh", "retry", "expire", "minimum"};
        long[] v = new long[5];
        for (int i = 0; i < 5; i++) {
            if (i == 0 && f[2].equals(FOLLOW_WORD)) {
                v[0] = FOLLOW_CATALOG;
                continue;
            }
            try {
                v[i] = Long.parseLong(f[i + 2]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("SOA " + names[i] + " '" + f[i + 2] + "' is not a number");
            }
            if (v[i] < 0 || v[i] > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("SOA " + names[i] + " " + v[i] + " is outside 0..4294967295");
            }
        }
        return new Soa(absolute(f[0]), absolute(f[1]), v[0], v[1], v[2], v[3], v[4]);
    }

    /** The serial to publish: the configured one, or the catalog's when this SOA follows it. */
    public long serialFor(long catalogSerial) {
        return serial == FOLLOW_CATALOG ? catalogSerial : serial;
    }

    /** The presentation-format data, with the serial {@link #serialFor} gives. */
    public String data(long catalogSerial) {
        return mname + " " + rname + " " + serialFor(catalogSerial) + " " + refresh + " " + retry + " " + expire + " " + minimum;
    }

    /** This SOA with the serial replaced. */
    public Soa withSerial(long newSerial) {
        return new Soa(mname, rname, newSerial, refresh, retry, expire, minimum);
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }
}
