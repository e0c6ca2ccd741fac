package io.bucketdns;

import io.bucketdns.cli.BucketDnsCommand;

/** The {@code bucketdns} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(BucketDnsCommand.commandLine().execute(args));
    }
}
