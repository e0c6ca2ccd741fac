package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client world the user-level tests stand on, checked on its own: NSD serves a regional name,
 * unbound reaches it through a stub zone and nothing else, and a client in its own mount namespace
 * resolves through unbound while the machine's resolv.conf stays as it was.
 */
class ClientWorldE2ETest {
    private static final String PREFIX = "127.0." + RgwLab.labSlot() + ".";
    private static Path dir;
    private static Nsd nsd;
    private static Unbound unbound;
    private static ClientNamespace clients;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("client-world");
        nsd = Nsd.start(dir.resolve("nsd"), PREFIX + "54", 5354, Map.of("o.example.eu", List.of(
                "@ 3600 IN SOA ns.o.example.eu. hostmaster.o.example.eu. 1 7200 3600 1209600 60",
                "@ 3600 IN NS ns.o.example.eu.",
                "ns 3600 IN A " + PREFIX + "54",
                "* 60 IN A " + PREFIX + "21")));
        unbound = Unbound.start(dir.resolve("unbound"), PREFIX + "53", Map.of("o.example.eu", nsd.address() + "@" + nsd.port()), null);
        clients = ClientNamespace.create(dir.resolve("clients"), unbound.address());
    }

    @AfterAll
    static void stop() {
        Scratch.closeAll(clients, unbound, nsd);
        Scratch.delete(dir);
    }

    @Test
    void aClientInTheNamespaceResolvesRegionalNamesThroughUnboundAndNsd() throws Exception {
        String before = Files.readString(Path.of("/etc/resolv.conf"));

        ClientNamespace.Result r = clients.run(Duration.ofSeconds(20), Map.of(), "getent", "ahostsv4", "photos.o.example.eu");

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.output()).contains(PREFIX + "21");
        assertThat(Files.readString(Path.of("/etc/resolv.conf"))).isEqualTo(before);
    }

    @Test
    void namesOutsideTheStubZonesGoNowhere() {
        Dig.Result r = unbound.dig("example.org", "A");

        assertThat(r.status()).as("%s", r).isEqualTo("REFUSED");
    }
}
