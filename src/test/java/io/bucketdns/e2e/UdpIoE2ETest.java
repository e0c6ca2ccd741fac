package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UDP path as the real process names it: in its start line and in {@code /metrics}
 * ({@code bucketdns_dns_udp_io}); and a reload that would switch paths, or switch the workers' CPU
 * affinity, refused with the reason, the server answering on.
 */
class UdpIoE2ETest {
    /** The path under test: the default, or the build's second pass's. */
    private static final String IO = BucketDnsFiles.UDP_IO.isPresent() ? "nio" : "batched";
    private static final String OTHER = IO.equals("nio") ? "batched" : "nio";

    @TempDir
    Path dir;
    BucketDnsProcess bucketdns;

    @AfterEach
    void stop() throws Exception {
        if (bucketdns != null) {
            bucketdns.close();
        }
    }

    @Test
    void theStartLineAndMetricsNameThePathAndAReloadCannotSwitchIt() throws Exception {
        int port = Ports.free();
        int ops = Ports.free();
        Path conf = BucketDnsFiles.write(dir, List.of(), List.of("listen = 127.0.0.1:" + port, "[ops]", "listen = 127.0.0.1:" + ops));
        bucketdns = BucketDnsProcess.serve(conf);
        assertThat(Ports.await(30, () -> Ports.accepts(ops) && Dig.query(port, "foo.o.example.com", "A").status().equals("NOERROR")))
                .as("started; log:\n%s", bucketdns.log()).isTrue();

        assertThat(bucketdns.log()).contains("dns server: udp (" + IO + ") and tcp on [/127.0.0.1:" + port + "]");
        if (IO.equals("batched")) {
            // kept on their CPUs where the allowed CPUs map one to one onto the workers; else the log says why not
            assertThat(bucketdns.log()).containsAnyOf("dns: udp on /127.0.0.1:" + port + ": each worker kept on its CPU, fed what arrives there",
                    "dns: udp on /127.0.0.1:" + port + ": workers left where the system puts them",
                    "not one a CPU, left where the system puts them");
        }
        assertThat(Scrape.value(ops, "bucketdns_dns_udp_io{io=\"" + IO + "\"}")).isEqualTo(1.0);
        assertThat(Scrape.value(ops, "bucketdns_dns_udp_io{io=\"" + OTHER + "\"}")).as("absent").isZero();

        List<String> lines = Files.readAllLines(conf);
        List<String> switched = new java.util.ArrayList<>(lines.stream().filter(l -> !l.startsWith("udp_io")).toList());
        switched.add(switched.indexOf("[dns]") + 1, "udp_io = " + OTHER);
        Files.write(conf, switched);
        Cli.Result reload = Cli.run("reload", "--config", conf.toString());

        assertThat(reload.exitCode()).as("%s", reload).isNotZero();
        assertThat(reload.out() + reload.err()).contains("[dns] udp_io = " + OTHER + " differs from the running " + IO)
                .contains("restart bucketdns to change it");
        assertThat(Dig.query(port, "foo.o.example.com", "A").status()).as("answering on").isEqualTo("NOERROR");
        assertThat(Scrape.value(ops, "bucketdns_dns_udp_io{io=\"" + IO + "\"}")).isEqualTo(1.0);

        List<String> unpinned = new java.util.ArrayList<>(lines);
        unpinned.add(unpinned.indexOf("[dns]") + 1, "udp_cpu_affinity = false");
        Files.write(conf, unpinned);
        Cli.Result affinity = Cli.run("reload", "--config", conf.toString());

        assertThat(affinity.exitCode()).as("%s", affinity).isNotZero();
        assertThat(affinity.out() + affinity.err()).contains("[dns] udp_cpu_affinity = false differs from the running true")
                .contains("restart bucketdns to change it");
        assertThat(Dig.query(port, "foo.o.example.com", "A").status()).as("answering on").isEqualTo("NOERROR");
    }
}
