package io.bucketdns.cli;

import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a bundled example (a file catalog with buckets in eu and us) and says how to try it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a bundled example: a file catalog with buckets in zonegroups eu and us, answered on 127.0.0.1:5353 (DNS)"
                + " and for PowerDNS on 127.0.0.1:6780.")
final class DemoCommand implements Callable<Integer> {
    private static final List<String> FILES = List.of("rgw-pdns.conf", "buckets.txt");

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to write the example files (default: ${DEFAULT-VALUE}).",
            defaultValue = "${sys:java.io.tmpdir}/bucketdns-demo")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        for (String f : FILES) {
            Path target = dir.resolve(f);
            if (!Files.exists(target)) {
                try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + f)) {
                    Files.copy(in, target);
                }
            }
        }
        Path pdns = dir.resolve("pdns");
        Files.createDirectories(pdns);
        Files.writeString(pdns.resolve("pdns.conf"), String.join("\n",
                "launch=remote",
                "remote-connection-string=http:url=http://127.0.0.1:6780/dns",
                "local-address=127.0.0.1",
                "local-port=5300",
                "socket-dir=" + pdns,
                "daemon=no", "guardian=no", "write-pid=no", "disable-syslog=yes", "webserver=no", "api=no",
                "security-poll-suffix=", ""));
        BucketDnsConfig cfg = ConfigLoader.load(dir.resolve("rgw-pdns.conf"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("""
                bucketdns demo: zone o.example.com, buckets in %1$s/buckets.txt (edit it: changes apply within a second)

                Ask bucketdns's own DNS server:
                  dig @127.0.0.1 -p 5353 foo.o.example.com              # CNAME foo.o.example.eu.
                  dig @127.0.0.1 -p 5353 EU.Dotted.Bucket.o.example.com  # CNAME eu.dotted.bucket.o.example.eu.
                  dig @127.0.0.1 -p 5353 _x.o.example.com               # NXDOMAIN: not a possible bucket name

                Watch it:
                  curl http://127.0.0.1:9780/metrics | grep bucketdns_dns
                  curl http://127.0.0.1:9780/readyz

                Ask the PowerDNS remote backend directly, as PowerDNS does:
                  curl http://127.0.0.1:6780/dns/lookup/foo.o.example.com./ANY
                  curl http://127.0.0.1:6780/dns/lookup/eu.dotted.bucket.o.example.com./ANY

                Ask through PowerDNS (apt-get install pdns-server pdns-backend-remote dnsutils), as with Ceph's pdns-backend-rgw:
                  pdns_server --config-dir=%1$s/pdns &
                  dig @127.0.0.1 -p 5300 foo.o.example.com A       # CNAME foo.o.example.eu.
                  dig @127.0.0.1 -p 5300 BAR.o.example.com AAAA    # CNAME bar.o.example.us.
                  dig @127.0.0.1 -p 5300 o.example.com SOA

                Without any server:
                  bin/bucketdns lookup --config %1$s/rgw-pdns.conf photos.o.example.com

                Ctrl-C stops the demo.""".formatted(dir));
        out.flush();
        return ServeCommand.run(cfg);
    }
}
