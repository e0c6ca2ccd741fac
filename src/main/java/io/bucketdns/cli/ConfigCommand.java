package io.bucketdns.cli;

import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigReference;
import io.bucketdns.config.Schema;
import io.bucketdns.config.Setting;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The values in force, as the loader read them, or the reference every key is documented in. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print every setting in force in the config file, defaults included, with the line that set it"
                + " (secrets masked); exit 2 when the file is bad.",
                "With --reference, print the configuration reference (docs/CONFIGURATION.md) instead."})
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--reference", description = "Print the reference of every key, Markdown.")
    boolean reference;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (reference) {
            out.print(ConfigReference.markdown());
        } else {
            BucketDnsConfig cfg = config.load();
            out.println("# " + cfg.file());
            String section = null;
            for (Setting s : cfg.settings().stream().sorted(Schema.ORDER).toList()) {
                if (!s.section().equals(section)) {
                    section = s.section();
                    out.println("[" + section + "]");
                }
                out.println(s.key().name() + " = " + s.shown() + (s.line() == 0 ? "   ; default" : "   ; line " + s.line()));
            }
            cfg.warnings().forEach(w -> out.println("; warn " + w));
        }
        out.flush();
        return 0;
    }
}
