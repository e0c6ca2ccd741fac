package io.bucketdns.cli;

import io.bucketdns.Service;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import io.bucketdns.answer.Zone;
import io.bucketdns.feed.haproxy.HaproxyCheck;
import io.bucketdns.frontend.proxy.LookupCheck;
import io.bucketdns.source.rgw.RgwCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The doctor: one line per item with its verdict (config, each RGW endpoint, the admin key and
 * caps, each zonegroup's hostnames, the catalog, the HAProxy map), every item checked even after one failed, so
 * that one run lists everything to fix. Exit 0 when no item failed, else 2 with one line on
 * stderr. A config that does not parse stops at once (nothing else can be checked without it).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check the config, each RGW endpoint, the admin key and caps, each zonegroup's hostnames, and load the catalog;",
            "one line per item (ok, FAIL, skip, warn). Exit 0 when no item failed, 2 otherwise."})
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path file = ConfigLoader.locate(config.file);
        BucketDnsConfig cfg = ConfigLoader.load(file);
        List<String> lines = new ArrayList<>();
        lines.add("ok   config " + file + ": zones " + cfg.zones().stream().map(z -> z.name()).toList());
        cfg.warnings().forEach(w -> lines.add("warn " + w));
        String source = cfg.catalog().source().name().toLowerCase(Locale.ROOT);
        boolean loadCatalog = true;
        if (cfg.catalog().source() == BucketDnsConfig.Source.RGW) {
            RgwCheck.Report rgw = RgwCheck.run(cfg);
            lines.addAll(rgw.lines());
            loadCatalog = rgw.usableEndpoints() > 0;
        }
        lines.forEach(out::println);
        out.flush(); // the RGW items are worth reading while a large catalog loads
        String catalog;
        List<String> haproxy = List.of();
        if (!loadCatalog) {
            catalog = "skip catalog (" + source + "): not loaded, no RGW endpoint passed";
        } else {
            try (Service service = Service.loadCatalog(cfg)) {
                catalog = "ok   catalog (" + source + "): " + service.catalog().current().size() + " buckets, zonegroups "
                        + new TreeSet<>(service.catalog().current().zonegroups().keySet()); // RGW's order varies
                for (String shadowed : shadowedBuckets(cfg, service.catalog().current())) {
                    out.println(shadowed);
                    lines.add(shadowed);
                }
                if (cfg.haproxy() != null) {
                    haproxy = new ArrayList<>(HaproxyCheck.run(cfg.haproxy(), service.catalog().current()));
                    if (cfg.haproxy().lookup() != null) {
                        haproxy.add(LookupCheck.run(cfg.haproxy().lookup()));
                    }
                }
            } catch (CatalogException e) {
                catalog = "FAIL catalog (" + source + "): " + e.getMessage();
            }
        }
        out.println(catalog);
        lines.add(catalog);
        haproxy.forEach(out::println);
        lines.addAll(haproxy);

        List<String> failed = lines.stream().filter(l -> l.startsWith("FAIL")).map(l -> l.substring(5)).toList();
        if (failed.isEmpty()) {
            out.println("check: all " + lines.stream().filter(l -> l.startsWith("ok")).count() + " items ok");
            return 0;
        }
        out.flush();
        spec.commandLine().getErr().println("bucketdns: check failed: " + failed.get(0)
                + (failed.size() == 1 ? "" : " (and " + (failed.size() - 1) + " more FAIL line" + (failed.size() == 2 ? "" : "s") + " above)"));
        return BucketDnsCommand.BAD_CONFIG;
    }

    /** Buckets whose names [dns] records take: their CNAME is never answered through that zone. */
    private static List<String> shadowedBuckets(BucketDnsConfig cfg, Catalog catalog) {
        List<String> out = new ArrayList<>();
        for (Zone zone : cfg.zones()) {
            String suffix = "." + zone.absoluteName();
            for (String name : zone.records().names()) {
                if (name.endsWith(suffix)) {
                    String bucket = name.substring(0, name.length() - suffix.length());
                    if (catalog.zonegroupOf(bucket) != null) {
                        out.add("warn bucket " + bucket + ": [dns] records has " + name + ", which is answered instead of the bucket's CNAME;"
                                + " fix: reach the bucket through its zonegroup's own name, or rename the record");
                    }
                }
            }
        }
        return out;
    }
}
