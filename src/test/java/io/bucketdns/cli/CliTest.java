package io.bucketdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as an operator sees it: output, one-line errors, exit codes. */
class CliTest {
    @TempDir
    Path dir;
    Path config;

    record Run(int exit, String out, String err) {}

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = BucketDnsCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void writeConfig() throws IOException {
        Files.writeString(dir.resolve("buckets.txt"), "foo eu\nbar us\n");
        config = Files.writeString(dir.resolve("rgw-pdns.conf"), """
                [powerdns]
                dns_zone = o.example.com
                [catalog]
                source = file
                file = buckets.txt
                [zonegroup.eu]
                hostname = o.example.eu
                [zonegroup.us]
                hostname = o.example.us
                """);
    }

    @Test
    void lookupPrintsTheAnswerLikeDig() {
        Run r = run("lookup", "--config", config.toString(), "Bar.o.example.com", "MX");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains(";; ->>HEADER<<- status: NOERROR, flags: qr aa; ANSWER: 1, AUTHORITY: 0; rule: BUCKET")
                .contains(";Bar.o.example.com.\t\tIN\tMX")
                .contains("Bar.o.example.com.\t60\tIN\tCNAME\tbar.o.example.us.")
                .endsWith("bar.o.example.us.\n"); // a log line or the prompt that follows starts on a line of its own
        Run nx = run("lookup", "-c", config.toString(), "_x.o.example.com");
        assertThat(nx.out()).contains("status: NXDOMAIN").contains(";; AUTHORITY SECTION:\no.example.com.\t3600\tIN\tSOA\tdns1.icann.org.");
        assertThat(nx.out()).endsWith("\n");
        assertThat(run("lookup", "-c", config.toString(), "example.org").out()).contains("status: REFUSED, flags: qr;").endsWith("\n");
    }

    @Test
    void checkSaysOkAndExitsZero() {
        Run r = run("check", "--config", config.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(String.join(System.lineSeparator(),
                "ok   config " + config + ": zones [o.example.com]",
                "ok   catalog (file): 2 buckets, zonegroups [eu, us]",
                "check: all 2 items ok", ""));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aBadConfigIsOneLineAndExitCode2() throws IOException {
        Files.writeString(config, "[powerdns]\ndns_default_ttl = soon\n");
        Run r = run("check", "--config", config.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("bucketdns: " + config + ":2: [powerdns] dns_default_ttl: 'soon' is not a whole number;"
                + " fix: write a whole number, 0 or more, e.g. 60" + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aBadBucketFileIsOneLineAndExitCode2() throws IOException {
        Files.writeString(dir.resolve("buckets.txt"), "foo eu\nbar mars\n");
        Run r = run("check", "--config", config.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("FAIL catalog (file): " + dir.resolve("buckets.txt") + ":2: zonegroup 'mars' has no [zonegroup.mars] hostname");
        assertThat(r.err()).startsWith("bucketdns: check failed: catalog (file): " + dir.resolve("buckets.txt") + ":2: zonegroup 'mars'")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    @Test
    void badArgumentsAreOneLineAndExitCode2() {
        Run r = run("lookup", "--bogus");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("bucketdns: Unknown option: '--bogus'").contains("see 'bucketdns lookup --help'");
        assertThat(r.err().lines().count()).isEqualTo(1);
        Run t = run("lookup", "-c", config.toString(), "foo.o.example.com", "NOTATYPE");
        assertThat(t.exit()).isEqualTo(2);
        assertThat(t.err()).startsWith("bucketdns: unknown record type 'NOTATYPE'");
        Run missing = run("check", "--config", dir.resolve("nope.conf").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("bucketdns: " + dir.resolve("nope.conf")
                + ": config file not found; fix: check the path given to --config" + System.lineSeparator());
    }

    @Test
    void helpAndVersion() {
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("serve").contains("demo").contains("lookup").contains("check");
        Run version = run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("bucketdns ").doesNotContain("unknown");
    }
}
