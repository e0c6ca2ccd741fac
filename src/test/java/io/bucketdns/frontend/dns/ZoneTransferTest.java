package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
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

    private ZoneTransferIn axfr(String zone) throws Exception {
        ZoneTransferIn x = ZoneTransferIn.newAXFR(new Name(zone), address.getHostString(), address.getPort(), null);
        x.setTimeout(Duration.ofSeconds(5));
        x.run();
        return x;
    }

    @Test
    void anAllowedClientGetsTheZoneBetweenTwoSoas() throws Exception {
        server.transfersAllowed(List.of(RateLimit.Network.parse("127.0.0.0/8")));

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

        server.transfersAllowed(List.of(RateLimit.Network.parse("10.0.0.0/8")));

        assertThatThrownBy(() -> axfr("o.example.com.")).isInstanceOf(ZoneTransferException.class).hasMessageContaining("REFUSED");
    }

    @Test
    void aZoneNotServedIsNotauth() {
        server.transfersAllowed(List.of(RateLimit.Network.parse("127.0.0.0/8")));

        assertThatThrownBy(() -> axfr("example.org.")).isInstanceOf(ZoneTransferException.class).hasMessageContaining("NOTAUTH");
    }

    @Test
    void anIxfrAtTheCurrentSerialGetsTheSoaAloneAndAnOlderOneTheWholeZone() throws Exception {
        server.transfersAllowed(List.of(RateLimit.Network.parse("127.0.0.0/8")));
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
}
