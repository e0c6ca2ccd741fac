package io.bucketdns.e2e;

import io.bucketdns.cli.BucketDnsCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** A {@code bucketdns} command run in the test's JVM, as a user types it: its exit code and what it printed. */
final class Cli {
    /** Exit code, standard output, standard error. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n" + out + err;
        }
    }

    private Cli() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = BucketDnsCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
