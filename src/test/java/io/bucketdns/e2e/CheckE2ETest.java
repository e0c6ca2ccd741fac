package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.cli.BucketDnsCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bucketdns check} against a real Ceph RGW multisite: every item ok on the lab as started,
 * and one FAIL line naming the fault (exit 2) for each way an operator gets RGW wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RgwLab.Extension.class)
class CheckE2ETest {
    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private RgwLab lab;
    private Path dir;

    record Run(int exit, List<String> out, String err) {}

    @BeforeAll
    void start(RgwLab lab) throws Exception {
        this.lab = lab;
        dir = Files.createTempDirectory("bucketdns-check-e2e");
    }

    @AfterAll
    void cleanUp() {
        Scratch.delete(dir);
    }

    @Test
    void everyItemIsOkOnTheLab() throws Exception {
        Run r = check(lab.rgwSettings());

        String us = "http://" + lab.endpoint("us");
        String eu = "http://" + lab.endpoint("eu");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).hasSize(9);
        assertThat(r.out().subList(0, 7)).containsExactly(
                "ok   config " + dir.resolve("rgw-pdns.conf") + ": zones [o.example.com]",
                "ok   rgw " + us + ": reachable",
                "ok   rgw " + us + ": admin key accepted; caps metadata=read, zone=read, mdlog=read present",
                "ok   rgw " + eu + ": reachable",
                "ok   rgw " + eu + ": admin key accepted; caps metadata=read, zone=read, mdlog=read present",
                "ok   zonegroup eu: hostnames [o.example.eu, o.example.com] include o.example.com; CNAME target o.example.eu",
                "ok   zonegroup us: hostnames [o.example.us, o.example.com] include o.example.com; CNAME target o.example.us");
        assertThat(r.out().get(7)).startsWith("ok   catalog (rgw): ").endsWith(" buckets, zonegroups [eu, us]");
        assertThat(r.out().get(8)).isEqualTo("check: all 8 items ok");
        assertThat(r.exit()).isZero();
    }

    @Test
    void aZonegroupWithoutTheGlobalHostnameFailsAndThatIsWhatUsersWouldHit() throws Exception {
        String bucket = "e2e-check-" + suffix;
        lab.mkbucket(bucket, "us");
        lab.put(bucket, "hello.txt");
        assertThat(RawHttp.get(lab.address("us"), bucket + ".o.example.com", "/hello.txt").status()).isEqualTo(200);
        try {
            lab.hostnames("us", "o.example.us");

            Run r = check(lab.rgwSettings());

            assertThat(r.out()).contains("ok   zonegroup eu: hostnames [o.example.eu, o.example.com] include o.example.com;"
                    + " CNAME target o.example.eu");
            assertThat(r.out()).filteredOn(l -> l.startsWith("FAIL")).singleElement().asString()
                    .startsWith("FAIL zonegroup us: hostnames [o.example.us] lack o.example.com, so its gateways answer"
                            + " Host: BUCKET.o.example.com with NoSuchBucket after the CNAME; fix: ");
            assertThat(r.err()).startsWith("bucketdns: check failed: zonegroup us: hostnames [o.example.us] lack o.example.com")
                    .doesNotContain("more FAIL");
            assertThat(r.exit()).isEqualTo(2);
            // the fault the line names: the client that followed the CNAME to us gets no object
            RawHttp.Reply afterCname = RawHttp.get(lab.address("us"), bucket + ".o.example.com", "/hello.txt");
            assertThat(afterCname.status()).isEqualTo(404);
            assertThat(afterCname.body()).contains("<Code>NoSuchBucket</Code>");
        } finally {
            lab.restore(); // the other tests of this class need the lab as started
        }
    }

    @Test
    void aMissingCapIsNamedWithTheCommandThatAddsIt() throws Exception {
        String uid = "e2e-nolog-" + suffix;
        String accessKey = ("E2ENOLOG" + suffix).toUpperCase(Locale.ROOT);
        String secretKey = "e2e-nolog-secret-" + suffix;
        lab.radosgwAdmin("user", "create", "--rgw-zone=eu-1", "--uid=" + uid, "--display-name=bucketdns without mdlog",
                "--access-key=" + accessKey, "--secret=" + secretKey, "--caps=metadata=read;zone=read");
        String eu = "http://" + lab.endpoint("eu");

        // the eu gateway only: users reach us-1 with its next metadata sync, up to 20 s later
        Run r = check(List.of("rgw_endpoint = " + lab.endpoint("eu"), "rgw_access_key = " + accessKey, "rgw_secret_key = " + secretKey));

        assertThat(r.out()).contains("ok   rgw " + eu + ": reachable",
                "FAIL rgw " + eu + ": access denied: the admin user lacks mdlog=read (radosgw-admin caps add --uid=USER --caps='mdlog=read')",
                "skip catalog (rgw): not loaded, no RGW endpoint passed");
        assertThat(r.err()).isEqualTo("bucketdns: check failed: rgw " + eu + ": access denied: the admin user lacks mdlog=read"
                + " (radosgw-admin caps add --uid=USER --caps='mdlog=read')" + System.lineSeparator());
        assertThat(r.exit()).isEqualTo(2);
    }

    @Test
    void aWrongSecretKeyIsNamed() throws Exception {
        Run r = check(List.of("rgw_endpoint = " + lab.endpoint("eu"), "rgw_access_key = " + lab.env("RGWLAB_ADMIN_ACCESS_KEY"),
                "rgw_secret_key = not-" + lab.env("RGWLAB_ADMIN_SECRET_KEY")));

        assertThat(r.out()).contains("FAIL rgw http://" + lab.endpoint("eu")
                + ": HTTP 403 SignatureDoesNotMatch: rgw_secret_key does not match rgw_access_key (or the gateway expects another rgw_signature)");
        assertThat(r.exit()).isEqualTo(2);
    }

    @Test
    void anEndpointThatIsDownFailsWhileTheOthersServe() throws Exception {
        String dead = "127.0.0.1:" + Ports.free(); // free a moment ago: nothing listens there
        List<String> settings = new ArrayList<>(lab.rgwSettings());
        settings.set(0, settings.get(0) + ", " + dead);

        Run r = check(settings);

        assertThat(r.out()).filteredOn(l -> l.startsWith("FAIL")).singleElement().asString()
                .startsWith("FAIL rgw http://" + dead + ": unreachable (ConnectException");
        assertThat(r.out()).contains("ok   rgw http://" + lab.endpoint("eu") + ": reachable", "ok   rgw http://" + lab.endpoint("us") + ": reachable");
        assertThat(r.out()).anyMatch(l -> l.startsWith("ok   zonegroup us: "));
        assertThat(r.out()).anyMatch(l -> l.startsWith("ok   catalog (rgw): ")); // served meanwhile by the others
        assertThat(r.err()).startsWith("bucketdns: check failed: rgw http://" + dead + ": unreachable");
        assertThat(r.exit()).isEqualTo(2);
    }

    /** {@code bucketdns check --config FILE} with these {@code [powerdns]} rgw settings, as the command line runs it. */
    private Run check(List<String> rgwSettings) throws Exception {
        List<String> conf = new ArrayList<>(List.of("[powerdns]", "listen_addr =", "dns_zone = o.example.com"));
        conf.addAll(rgwSettings);
        conf.addAll(List.of("[catalog]", "source = rgw"));
        Path file = Files.write(dir.resolve("rgw-pdns.conf"), conf);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = BucketDnsCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("check", "--config", file.toString());
        System.out.print(out);
        System.out.print(err);
        return new Run(exit, out.toString().lines().toList(), err.toString());
    }
}
