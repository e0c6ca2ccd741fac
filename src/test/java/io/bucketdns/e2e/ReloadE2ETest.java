package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.cli.BucketDnsCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import picocli.CommandLine;

/**
 * Reloading the config of the real process, as systemd's ExecReload (SIGHUP) and {@code bucketdns
 * reload} do it, while a client keeps asking: no question fails, a good config changes the answers,
 * a bad one is refused and the running one keeps serving.
 */
class ReloadE2ETest {
    @TempDir
    Path dir;
    BucketDnsProcess bucketdns;

    String config(int dnsPort, int opsPort, String euHost, String ttl) {
        return """
                [powerdns]
                listen_addr =
                dns_zone = o.example.com
                dns_default_ttl = %s
                [catalog]
                source = file
                file = buckets.txt
                [zonegroup.eu]
                hostname = %s
                [dns]
                listen = 127.0.0.1:%d
                ; the client below asks as fast as it can
                rrl_exempt = 127.0.0.0/8
                [ops]
                listen = 127.0.0.1:%d
                """.formatted(ttl, euHost, dnsPort, opsPort);
    }

    @AfterEach
    void stop() throws Exception {
        if (bucketdns != null) {
            bucketdns.close();
        }
    }

    /** The CNAME answered for foo, as "ttl target", or the rcode when there is none. */
    static String ask(SimpleResolver resolver) throws IOException {
        Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString("foo.o.example.com."), Type.A, DClass.IN)));
        if (response.getRcode() != Rcode.NOERROR || response.getSection(Section.ANSWER).isEmpty()) {
            return Rcode.string(response.getRcode());
        }
        CNAMERecord cname = (CNAMERecord) response.getSection(Section.ANSWER).get(0);
        return cname.getTTL() + " " + cname.getTarget();
    }

    @Test
    void reloadChangesAnswersWithoutDroppingAQuestionAndRefusesABadConfig() throws Exception {
        int dnsPort = Ports.free();
        int opsPort = Ports.free();
        Files.writeString(dir.resolve("buckets.txt"), "foo eu\n");
        Path conf = Files.writeString(dir.resolve("rgw-pdns.conf"), config(dnsPort, opsPort, "o.example.eu", "60"));
        bucketdns = BucketDnsProcess.serve(conf);
        assertThat(Ports.await(30, () -> Ports.accepts(dnsPort))).as("dns port up (the last listener to start); log:\n%s", bucketdns.log())
                .isTrue();

        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(dnsPort);
        resolver.setTimeout(Duration.ofSeconds(2));
        assertThat(ask(resolver)).isEqualTo("60 foo.o.example.eu.");

        // a client that asks all the time, for at most a minute, counting anything but an answer
        AtomicLong asked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        AtomicReference<String> last = new AtomicReference<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        AtomicBoolean done = new AtomicBoolean();
        Thread client = Thread.ofPlatform().start(() -> {
            while (!done.get() && System.nanoTime() < until) {
                try {
                    String a = ask(resolver);
                    last.set(a);
                    if (!a.endsWith(".")) {
                        throw new IOException("answered " + a);
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, e.toString());
                }
                asked.incrementAndGet();
            }
        });
        try {
            // SIGHUP with a good config: the eu zonegroup moves to a new host name, and logs turn to JSON
            Files.writeString(conf, config(dnsPort, opsPort, "eu-central.example.eu", "60") + "log_format = json\n");
            bucketdns.hangUp();
            assertThat(Ports.await(5, () -> "60 foo.eu-central.example.eu.".equals(last.get())))
                    .as("new answer after SIGHUP; log:\n%s", bucketdns.log()).isTrue();

            // SIGHUP with a bad config: refused, one clear line, the running config keeps answering
            Files.writeString(conf, config(dnsPort, opsPort, "eu-central.example.eu", "soon"));
            bucketdns.hangUp();
            // the log is JSON by now, which escapes the slashes of the file name
            assertThat(Ports.await(5, () -> lastLine("reload refused: ").contains("rgw-pdns.conf:4: [powerdns] dns_default_ttl: 'soon'")))
                    .as("refusal logged; log:\n%s", bucketdns.log()).isTrue();
            assertThat(bucketdns.process.isAlive()).isTrue();
            assertThat(last.get()).isEqualTo("60 foo.eu-central.example.eu.");
            assertThat(lastLine("reload refused")).as("logged in the format the last good reload chose").startsWith("{");

            // bucketdns reload, through the ops port, with a good config again: a new TTL
            Files.writeString(conf, config(dnsPort, opsPort, "eu-central.example.eu", "30"));
            StringWriter out = new StringWriter();
            CommandLine cli = BucketDnsCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            assertThat(cli.execute("reload", "--config", conf.toString())).isZero();
            assertThat(out.toString()).startsWith("reloaded: zones [o.example.com]; listeners unchanged");
            assertThat(Ports.await(5, () -> "30 foo.eu-central.example.eu.".equals(last.get()))).isTrue();
            assertThat(lastLine("reload: config")).as("and back to plain text").doesNotStartWith("{").contains("INFO");

            // a config that parses but whose new catalog cannot load: refused by the service itself
            Files.writeString(dir.resolve("buckets2.txt"), "foo mars\n");
            Files.writeString(conf, config(dnsPort, opsPort, "eu-central.example.eu", "30").replace("buckets.txt", "buckets2.txt"));
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            assertThat(cli.execute("reload", "--config", conf.toString())).isEqualTo(2);
            assertThat(err.toString()).startsWith("bucketdns: refused: " + dir.resolve("buckets2.txt") + ":1: zonegroup 'mars'")
                    .contains("the previous config keeps serving");
            Thread.sleep(200);
            assertThat(last.get()).isEqualTo("30 foo.eu-central.example.eu.");
        } finally {
            done.set(true);
            client.join(5000);
        }
        assertThat(asked.get()).isGreaterThan(50);
        assertThat(failed.get()).as("first failure: %s", firstFailure.get()).isZero();
    }

    @Test
    void aReloadAskedForDuringTheStartIsAppliedOnceStarted() throws Exception {
        int dnsPort = Ports.free();
        int opsPort = Ports.free();
        // a million buckets: the start spends seconds loading them, the window for the SIGHUP
        try (var out = Files.newBufferedWriter(dir.resolve("buckets.txt"))) {
            out.write("foo eu\n");
            for (int i = 0; i < 1_000_000; i++) {
                out.write("bucket-" + i + " eu\n");
            }
        }
        Path conf = Files.writeString(dir.resolve("rgw-pdns.conf"), config(dnsPort, opsPort, "o.example.eu", "60"));
        try (BucketDnsProcess slow = BucketDnsProcess.serve(conf)) {
            assertThat(Ports.await(60, () -> slow.log().contains("starting: loading the file catalog")))
                    .as("start under way; log:\n%s", slow.log()).isTrue();
            Files.writeString(conf, config(dnsPort, opsPort, "o.example.eu", "30"));
            slow.hangUp();
            assertThat(Ports.await(120, () -> !slow.logLines("reload: config").isEmpty() || !slow.process.isAlive()))
                    .as("reload applied; log:\n%s", slow.log()).isTrue();
            assertThat(slow.process.isAlive()).as("SIGHUP during the start must not end the process; log:\n%s", slow.log()).isTrue();
            String log = slow.log();
            assertThat(log.indexOf("reload requested while starting")).as(log).isPositive()
                    .isLessThan(log.indexOf("bucketdns serving")).isLessThan(log.indexOf("reload: config"));
            SimpleResolver resolver = new SimpleResolver("127.0.0.1");
            resolver.setPort(dnsPort);
            resolver.setTimeout(Duration.ofSeconds(2));
            assertThat(ask(resolver)).as("the reloaded TTL").isEqualTo("30 foo.o.example.eu.");
        }
    }

    private String lastLine(String containing) {
        List<String> lines = bucketdns.logLines(containing);
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
