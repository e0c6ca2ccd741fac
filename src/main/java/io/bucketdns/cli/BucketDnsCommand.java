package io.bucketdns.cli;

import io.bucketdns.config.ConfigException;
import io.bucketdns.catalog.CatalogException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level command: its subcommands do the work. */
@Command(
        name = "bucketdns",
        mixinStandardHelpOptions = true,
        versionProvider = BucketDnsCommand.Version.class,
        description = "DNS for a multi-region Ceph RGW: one global name, each bucket answered with a CNAME to its region.",
        subcommands = {ServeCommand.class, PipeCommand.class, DemoCommand.class, LookupCommand.class, CheckCommand.class,
                ReloadCommand.class, ConfigCommand.class})
public final class BucketDnsCommand implements Runnable {
    /** Exit code for a bad config or bad arguments. */
    public static final int BAD_CONFIG = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The command line with bucketdns's error conventions: a bad argument or a bad config prints
     * one line naming the problem and the fix, and exits 2; no stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BucketDnsCommand());
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // picocli reports a missing parameter before an unknown option; the unknown option is the real mistake
            String message = ex.getCommandLine().getUnmatchedArguments().isEmpty() ? ex.getMessage()
                    : "Unknown option: '" + ex.getCommandLine().getUnmatchedArguments().get(0) + "'";
            err.println("bucketdns: " + message + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return BAD_CONFIG;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof ConfigException || ex instanceof CatalogException) {
                err.println("bucketdns: " + ex.getMessage());
                return BAD_CONFIG;
            }
            err.println("bucketdns: " + ex);
            return 1;
        });
        return cl;
    }

    /** The version recorded at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bucketdns " + io.bucketdns.Version.current()};
        }
    }
}
