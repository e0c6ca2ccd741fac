package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a bucketdns under test: zone o.example.com, buckets in zonegroups eu and us, unknown
 * buckets answered NXDOMAIN, and whatever listeners the test adds.
 */
public final class BucketDnsFiles {
    public static final String ZONE = "o.example.com";
    public static final String SOA = "ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60";

    /**
     * The {@code [dns]} line of the build's second pass of the DNS end-to-end tests, which runs
     * them on the NIO UDP path ({@code -Dbucketdns.test.udp_io=nio}); empty otherwise: the default.
     */
    public static final java.util.Optional<String> UDP_IO =
            java.util.Optional.ofNullable(System.getProperty("bucketdns.test.udp_io")).map(io -> "udp_io = " + io);

    private BucketDnsFiles() {}

    /**
     * Writes {@code buckets.txt} and {@code rgw-pdns.conf} into {@code dir}.
     *
     * @param powerdns lines added to {@code [powerdns]} (listen_addr is empty unless one sets it)
     * @param dns lines of the {@code [dns]} section
     * @return the config file
     */
    public static Path write(Path dir, List<String> powerdns, List<String> dns) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("buckets.txt"), List.of("foo eu", "photos eu", "eu.dotted.bucket eu", "bar us", "logs-2024 us"));
        List<String> conf = new ArrayList<>(List.of(
                "[powerdns]", "dns_zone = " + ZONE, "dns_soa_record = " + SOA, "dns_soa_ttl = 3600", "dns_default_ttl = 60"));
        if (powerdns.stream().noneMatch(l -> l.startsWith("listen_addr"))) {
            conf.add("listen_addr =");
        }
        conf.addAll(powerdns);
        conf.addAll(List.of("[catalog]", "source = file", "file = buckets.txt", "unknown_bucket = nxdomain",
                "[zonegroup.eu]", "hostname = o.example.eu", "[zonegroup.us]", "hostname = o.example.us", "[dns]"));
        UDP_IO.ifPresent(conf::add);
        conf.addAll(dns);
        Path file = dir.resolve("rgw-pdns.conf");
        Files.write(file, conf);
        return file;
    }
}
