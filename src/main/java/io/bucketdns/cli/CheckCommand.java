package io.bucketdns.cli;

import io.bucketdns.Service;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import io.bucketdns.rgw.RgwCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Validates a config and its catalog; exit 0 when both are good. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate the config (and load the catalog); exit 0 when good, 2 with one line saying what to fix.")
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
        out.println("ok   config " + file + ": zones " + cfg.zones().stream().map(z -> z.name()).toList());
        cfg.warnings().forEach(w -> out.println("warn " + w));
        if (cfg.catalog().source() == BucketDnsConfig.Source.RGW) {
            RgwCheck.Report rgw = RgwCheck.run(cfg);
            rgw.lines().forEach(out::println);
            if (!rgw.ok()) {
                out.flush();
                return 2;
            }
        }
        try (Service service = Service.loadCatalog(cfg)) {
            out.println("ok   catalog (" + cfg.catalog().source().name().toLowerCase(java.util.Locale.ROOT) + "): "
                    + service.catalog().current().size() + " buckets, zonegroups " + service.catalog().current().zonegroups().keySet());
        }
        return 0;
    }
}
