package io.bucketdns.frontend.dns;

import io.bucketdns.answer.Authority;
import io.bucketdns.LiveAuthority;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.answer.Soa;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** Zone o.example.com with buckets in eu and us, and helpers to speak wire format with it. */
final class Fixture {
    static final String SOA = "ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60";

    private Fixture() {}

    /** The zone, with {@code aaaa} apex addresses (many of them make a large answer), over {@link #catalog()}. */
    static Authority authority(List<String> aaaa) {
        Zone zone = new Zone("o.example.com", Soa.parse(SOA), 3600, 60, List.of("ns1.example.com.", "ns2.example.com."),
                List.of("192.0.2.1"), aaaa, UnknownBucketPolicy.NXDOMAIN);
        return LiveAuthority.of(List.of(zone), catalog());
    }

    /**
     * The UDP path under test: batched where it runs, unless the build's second pass of the DNS
     * end-to-end tests asks for nio ({@code -Dbucketdns.test.udp_io=nio}).
     */
    static UdpIo udpIo() {
        return UdpIo.select(System.getProperty("bucketdns.test.udp_io", "batched"));
    }

    static LiveCatalog catalog() {
        Zonegroup eu = new Zonegroup("eu", "o.example.eu");
        Zonegroup us = new Zonegroup("us", "o.example.us");
        LiveCatalog live = LiveCatalog.of(Catalog.of(Map.of("eu", eu, "us", us), eu,
                Map.of("foo", "eu", "eu.dotted.bucket", "eu", "bar", "us"), 0));
        return live;
    }

    static Responder responder() {
        return new Responder(authority(List.of("2001:db8::1")), 1232);
    }

    /** A message as TCP carries it: a two-byte length, then the message. */
    static byte[] framed(byte[] m) {
        byte[] framed = new byte[m.length + 2];
        framed[0] = (byte) (m.length >> 8);
        framed[1] = (byte) m.length;
        System.arraycopy(m, 0, framed, 2, m.length);
        return framed;
    }

    static Message query(String name, int type) {
        try {
            return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
