package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.LiveAuthority;
import io.bucketdns.answer.Soa;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/** AXFR and IXFR from the real server over loopback TCP, read by dnsjava's own transfer client. */
class ZoneTransferTest {
    private DnsServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        server = DnsServer.start(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), Fixture.authority(List.of()),
                DnsServer.Limits.defaults(), RateLimit.Settings.DEFAULT, UdpIo.select("batched"));
        address = server.addresses().get(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static final String SECRET = "tdo/ZOZJz8FXfkXj1yZv9qWf3sE/h2KOBSNJA7UNIZM=";
    private static final TsigKey KEY = TsigKey.parse("xfr-key:hmac-sha256:" + SECRET);

    private ZoneTransferIn axfr(String zone) throws Exception {
        return axfr(zone, null);
    }

    private ZoneTransferIn axfr(String zone, TSIG key) throws Exception {
        ZoneTransferIn x = ZoneTransferIn.newAXFR(new Name(zone), address.getHostString(), address.getPort(), key);
        x.setTimeout(Duration.ofSeconds(5));
        x.run();
        return x;
    }

    @Test
    void anAllowedClientGetsTheZoneBetweenTwoSoas() throws Exception {
        server.transfersAllowed(List.of(RateLimit.Network.parse("127.0.0.0/8")), List.of());

        List<Record> records = axfr("o.example.com.").getAXFR();

        assertThat(records.get(0)).isInstanceOf(SOARecord.class);
        assertThat(records.get(records.size() - 1)).isEqualTo(records.get(0));
        assertThat(records.stream().map(Record::toString)).contains(
                "o.example.com.\t\t3600\tIN\tNS\tns1.example.com.",
                "o.example.com.\t\t60\tIN\tA\t192.0.2.1",
                "foo.o.example.com.\t60\tIN\tCNAME\tfoo.o.example.eu.",
                "eu.dotted.bucket.o.example.com.\t60\tIN\tCNAME\teu.dotted.bucket.o.example.eu.",
                "bar.o.example.com.\t60\tIN\tCNAME\tbar.o.example.us.");
        assertThat(records.stream().filter(r -> r.getType() == Type.CNAME)).hasSize(3);
    }

    @Test
    void aClientOutsideAllowIsRefusedAndSoIsEveryClientWithTransfersOff() {
        assertThatThrownBy(() -> axfr("o.example.com.")).as("transfers off by default")
                .isInstanceOf(ZoneTransferException.class).hasMessageContaining("REFUSED");

        server.transfersAllowed(List.of(RateLimit.Network.parse("10.0.0.0/8")), List.of());

        assertThatThrownBy(() -> axfr("o.example.com.")).isInstanceOf(ZoneTransferException.class).hasMessageContaining("REFUSED");
    }

    private static TSIG client(String name, String secret, Clock clock) {
        return new TSIG(TSIG.HMAC_SHA256, Name.fromConstantString(name + "."),
                new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256"), clock);
    }

    @Test
    void withAKeySetATransferMustBeSignedWithItAndEveryMessageOfTheAnswerIsSigned() throws Exception {
        server.close();
        Map<String, String> buckets = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            buckets.put("bucket-" + i, i % 2 == 0 ? "eu" : "us");
        }
        Zonegroup eu = new Zonegroup("eu", "o.example.eu");
        Zonegroup us = new Zonegroup("us", "o.example.us");
        Zone zone = new Zone("o.example.com", Soa.parse(Fixture.SOA), 3600, 60, List.of("ns1.example.com."), List.of(), List.of(),
                UnknownBucketPolicy.NXDOMAIN);
        server = DnsServer.start(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                LiveAuthority.of(List.of(zone), LiveCatalog.of(Catalog.of(Map.of("eu", eu, "us", us), eu, buckets, 0))),
                DnsServer.Limits.defaults(), RateLimit.Settings.DEFAULT, UdpIo.select("batched"));
        address = server.addresses().get(0);
        server.transfersAllowed(List.of(RateLimit.Network.parse("127.0.0.0/8")), List.of(KEY));

        ZoneTransferIn signed = axfr("o.example.com.", client("xfr-key", SECRET, Clock.systemUTC()));

        assertThat(signed.getAXFR().stream().filter(r -> r.getType() == Type.CNAME)).as("several messages, each verified").hasSize(2000);
        assertThatThrownBy(() -> axfr("o.example.com.")).as("unsigned").isInstanceOf(ZoneTransferException.class)
                .hasMessageContaining("REFUSED");
    }

    @Test
    void aWrongSecretIsBadsigAnUnknownKeyBadkeyAndAStaleTimeBadtime() throws Exception {
        server.transfersAllowed(List.of(RateLimit.Network.parse("127.0.0.0/8")), List.of(KEY));
        String other = Base64.getEncoder().encodeToString(new byte[32]);
        Clock late = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

        assertThat(refusal(client("xfr-key", other, Clock.systemUTC()))).isEqualTo("NOTAUTH BADSIG");
        assertThat(refusal(client("other-key", SECRET, Clock.systemUTC()))).isEqualTo("NOTAUTH BADKEY");
        assertThat(refusal(client("xfr-key", SECRET, late))).isEqualTo("NOTAUTH BADTIME");
        assertThatThrownBy(() -> axfr("o.example.com.", client("xfr-key", other, Clock.systemUTC())))
                .isInstanceOf(ZoneTransferException.class).hasMessageContaining("NOTAUTH");
    }

    /** An AXFR signed with {@code key}, over TCP by hand: the answer's rcode and its TSIG error. */
    private String refusal(TSIG key) throws Exception {
        Message q = Message.newQuery(Record.newRecord(new Name("o.example.com."), Type.AXFR, DClass.IN));
        key.apply(q, null);
        byte[] wire = q.toWire();
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            Message r = new Message(answer);
            return Rcode.string(r.getRcode()) + " " + Rcode.TSIGstring(r.getTSIG().getError());
        }
    }

    @Test
    void aZoneNotServedIsNotauth() {
        server.transfersAllowed(List.of(RateLimit.Network.parse("127.0.0.0/8")), List.of());

        assertThatThrownBy(() -> axfr("example.org.")).isInstanceOf(ZoneTransferException.class).hasMessageContaining("NOTAUTH");
    }

    @Test
    void anIxfrAtTheCurrentSerialGetsTheSoaAloneAndAnOlderOneTheWholeZone() throws Exception {
        server.transfersAllowed(List.of(RateLimit.Network.parse("127.0.0.0/8")), List.of());
        long serial = ((SOARecord) axfr("o.example.com.").getAXFR().get(0)).getSerial();

        ZoneTransferIn current = ZoneTransferIn.newIXFR(new Name("o.example.com."), serial, false, address.getHostString(),
                address.getPort(), null);
        current.run();
        ZoneTransferIn older = ZoneTransferIn.newIXFR(new Name("o.example.com."), serial - 1, false, address.getHostString(),
                address.getPort(), null);
        older.run();

        assertThat(current.isCurrent()).isTrue();
        assertThat(older.isAXFR()).as("no history yet: the whole zone").isTrue();
        assertThat(older.getAXFR().stream().filter(r -> r.getType() == Type.CNAME)).hasSize(3);
    }

    /** A server whose zone's serial follows a catalog this test changes through a real writer. */
    private CatalogWriter followingServer(LiveCatalog live) throws Exception {
        server.close();
        Zone zone = new Zone("o.example.com", Soa.parse(Fixture.SOA).withSerial(Soa.FOLLOW_CATALOG), 3600, 60, List.of("ns1.example.com."),
                List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN);
        server = DnsServer.start(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), LiveAuthority.of(List.of(zone), live),
                DnsServer.Limits.defaults(), RateLimit.Settings.DEFAULT, UdpIo.select("batched"));
        address = server.addresses().get(0);
        server.transfersAllowed(List.of(RateLimit.Network.parse("127.0.0.0/8")), List.of());
        CatalogWriter writer = new CatalogWriter(live);
        writer.addListener(server.history());
        writer.replace(Catalog.of(BOTH, EU, Map.of("foo", "eu", "gone", "us"), 0), Map.of()).join();
        return writer;
    }

    private static final Zonegroup EU = new Zonegroup("eu", "o.example.eu");
    private static final Zonegroup US = new Zonegroup("us", "o.example.us");
    private static final Map<String, Zonegroup> BOTH = Map.of("eu", EU, "us", US);

    private static void change(CatalogWriter writer, String bucket, String zonegroup) {
        Map<String, String> m = new HashMap<>();
        m.put(bucket, zonegroup);
        writer.change(m, Map.of()).join();
    }

    private static List<String> cnames(List<Record> records) {
        return records.stream().filter(r -> r.getType() == Type.CNAME).map(r -> r.getName() + " " + ((CNAMERecord) r).getTarget()).toList();
    }

    @Test
    void anIxfrFromASerialInTheHistoryGetsOnlyWhatChangedSinceAsOneDifference() throws Exception {
        LiveCatalog live = new LiveCatalog();
        try (CatalogWriter writer = followingServer(live)) {
            long from = live.current().serial();
            change(writer, "new", "us");
            change(writer, "gone", null);
            change(writer, "foo", "us");

            ZoneTransferIn x = ZoneTransferIn.newIXFR(new Name("o.example.com."), from, false, address.getHostString(), address.getPort(),
                    null);
            x.setTimeout(Duration.ofSeconds(5));
            x.run();

            assertThat(x.isIXFR()).isTrue();
            assertThat(x.getIXFR()).singleElement().satisfies(d -> {
                assertThat(d.start).isEqualTo(from);
                assertThat(d.end).isEqualTo(live.current().serial());
                assertThat(cnames(d.deletes)).containsExactlyInAnyOrder("gone.o.example.com. gone.o.example.us.",
                        "foo.o.example.com. foo.o.example.eu.");
                assertThat(cnames(d.adds)).containsExactlyInAnyOrder("new.o.example.com. new.o.example.us.",
                        "foo.o.example.com. foo.o.example.us.");
            });
        }
    }

    /** An IXFR from {@code serial} over UDP, as dig +notcp sends it: the answer section. */
    private Message udpIxfr(long serial) throws Exception {
        Name zone = new Name("o.example.com.");
        Message q = Message.newQuery(Record.newRecord(zone, Type.IXFR, DClass.IN));
        q.addRecord(new SOARecord(zone, DClass.IN, 0, zone, zone, serial, 0, 0, 0, 0), Section.AUTHORITY);
        byte[] wire = q.toWire();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(5000);
            s.send(new DatagramPacket(wire, wire.length, address));
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            s.receive(p);
            return new Message(Arrays.copyOf(p.getData(), p.getLength()));
        }
    }

    @Test
    void overUdpAnIxfrGetsItsDifferenceWhenItFitsAndElseTheSoaThatSendsItToTcp() throws Exception {
        LiveCatalog live = new LiveCatalog();
        try (CatalogWriter writer = followingServer(live)) {
            long from = live.current().serial();
            change(writer, "new", "us");

            Message small = udpIxfr(from);
            assertThat(small.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(small.getSection(Section.ANSWER).stream().map(r -> Type.string(r.getType()))).containsExactly("SOA", "SOA", "SOA",
                    "CNAME", "SOA");
            assertThat(cnames(small.getSection(Section.ANSWER))).containsExactly("new.o.example.com. new.o.example.us.");

            long before = live.current().serial();
            Map<String, String> many = new HashMap<>();
            for (int i = 0; i < 100; i++) {
                many.put("bucket-" + i, "eu");
            }
            writer.change(many, Map.of()).join();

            assertThat(udpIxfr(before).getSection(Section.ANSWER)).as("100 changes do not fit in 512 bytes").singleElement()
                    .satisfies(r -> assertThat(((SOARecord) r).getSerial()).isEqualTo(live.current().serial()));
            assertThat(udpIxfr(live.current().serial()).getSection(Section.ANSWER)).as("current").hasSize(1);

            server.transfersAllowed(List.of(RateLimit.Network.parse("10.0.0.0/8")), List.of());
            assertThat(udpIxfr(from).getRcode()).as("outside allow").isEqualTo(Rcode.REFUSED);
        }
    }
}
