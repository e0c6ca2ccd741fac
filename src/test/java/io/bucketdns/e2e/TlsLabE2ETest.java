package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The lab's gateways on https with a CA made at its start (a lab of its own: the shared http one
 * is left alone), and {@code bucketdns} run as operators run it ({@code java -jar}): with {@code
 * rgw_ca_file} it answers from RGW; without, {@code check} and the start-up log name the endpoint,
 * the unknown CA and the fix; with {@code rgw_tls_verify = false} it answers and warns, at start,
 * on reload and in {@code check}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsLabE2ETest {
    private final String bucket = "e2e-tls-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private RgwLab lab;
    private Path dir;

    record Run(int exit, String out) {}

    /** A config file and the standalone DNS port it sets. */
    record Conf(Path file, int dnsPort) {}

    @BeforeAll
    void start() throws IOException {
        lab = RgwLab.startTls();
        lab.mkbucket(bucket, "us");
        dir = Files.createTempDirectory("bucketdns-tls-e2e");
    }

    @AfterAll
    void stop() {
        if (lab != null) {
            lab.close();
        }
        Scratch.delete(dir);
    }

    @Test
    void withTheCaFileCheckPassesAndABucketIsAnswered() throws Exception {
        Conf conf = config("rgw_ca_file = " + lab.env("RGWLAB_CA_FILE"));
        Run check = bucketdns(conf, "check");

        assertThat(check.exit()).as(check.out()).isZero();
        assertThat(check.out()).contains("ok   rgw " + lab.env("RGWLAB_US_URL") + ": reachable\n", "ok   rgw " + lab.env("RGWLAB_EU_URL") + ": reachable\n");
        assertThat(serving(conf, log -> {})).doesNotContain("certificate", "rgw_tls_verify");
    }

    @Test
    void withoutTheCaFileCheckAndStartSayWhichEndpointWhyAndTheFix() throws Exception {
        String refused = "certificate (CN=rgw-lab us) is signed by an unknown CA (issuer CN=rgw-lab CA);"
                + " fix: set [powerdns] rgw_ca_file to a PEM file with the CA that issued it";
        Conf conf = config();

        Run check = bucketdns(conf, "check");
        assertThat(check.exit()).as(check.out()).isEqualTo(2);
        assertThat(check.out()).contains("FAIL rgw " + lab.env("RGWLAB_US_URL") + ": " + refused + "\n")
                .contains("FAIL rgw " + lab.env("RGWLAB_EU_URL") + ": certificate (CN=rgw-lab eu) is signed by an unknown CA");

        Run serve = bucketdns(conf, "serve");
        assertThat(serve.exit()).as(serve.out()).isEqualTo(2);
        assertThat(serve.out()).contains("WARN  AdminHttp: rgw: " + lab.env("RGWLAB_US_URL") + " failed (" + refused + ")")
                .contains("bucketdns: cannot load the catalog from RGW: ")
                .doesNotContain("dns server:");
    }

    @Test
    void withVerificationOffABucketIsAnsweredAndEveryStartReloadAndCheckWarns() throws Exception {
        Conf conf = config("rgw_tls_verify = false");
        String warning = "config: " + conf.file() + ":7: [powerdns] rgw_tls_verify = false: the certificates of https RGW endpoints are NOT verified";

        String log = serving(conf, serveLog -> {
            Run reload = bucketdns(conf, "reload");
            assertThat(reload.exit()).as(reload.out()).isZero();
            assertThat(Ports.await(10, () -> read(serveLog).contains("WARN  Service: " + warning))).as(read(serveLog)).isTrue();
        });
        assertThat(log).contains("WARN  ServeCommand: " + warning);

        Run check = bucketdns(conf, "check");
        assertThat(check.exit()).as(check.out()).isZero();
        assertThat(check.out()).contains("warn " + warning.substring("config: ".length()),
                "ok   rgw " + lab.env("RGWLAB_US_URL") + ": reachable (certificate NOT verified: rgw_tls_verify = false)\n");
    }

    /** While serving: given the path of the process's log. */
    interface WhileServing {
        void run(Path log) throws Exception;
    }

    /**
     * Runs {@code bucketdns serve} until dig gets the lab bucket's CNAME from it (bounded), then
     * {@code also}; returns the log.
     */
    private String serving(Conf conf, WhileServing also) throws Exception {
        Path log = dir.resolve("serve.log");
        Process p = jar(conf, log, "serve");
        try {
            String name = bucket + ".o.example.com";
            boolean answered = Ports.await(60, () -> p.isAlive() && Dig.query(conf.dnsPort(), name, "A").answer()
                    .equals(List.of(name + ". 60 IN CNAME " + bucket + ".o.example.us.")));
            assertThat(answered).as(read(log)).isTrue();
            also.run(log);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return read(log);
    }

    /** Runs a bucketdns command that ends by itself (bounded). */
    private Run bucketdns(Conf conf, String command) throws Exception {
        Path log = dir.resolve(command + ".log");
        Process p = jar(conf, log, command);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bucketdns " + command + " did not end:\n" + read(log));
        }
        return new Run(p.exitValue(), read(log));
    }

    private static Process jar(Conf conf, Path log, String command) throws IOException {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                Path.of("target/bucketdns.jar").toAbsolutePath().toString(), command, "--config", conf.file().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The lab's https gateways as the rgw source with extra {@code [powerdns]} lines, standalone DNS and ops on free ports. */
    private Conf config(String... powerdns) throws IOException {
        int dnsPort = Ports.free();
        List<String> conf = new ArrayList<>(List.of("[powerdns]", "listen_addr =", "dns_zone = o.example.com"));
        conf.addAll(lab.rgwSettings());
        conf.addAll(List.of(powerdns));
        conf.addAll(List.of("[catalog]", "source = rgw", "[dns]", "listen = 127.0.0.1:" + dnsPort, "[ops]", "listen = 127.0.0.1:" + Ports.free()));
        return new Conf(Files.write(dir.resolve("rgw-pdns.conf"), conf), dnsPort);
    }
}
