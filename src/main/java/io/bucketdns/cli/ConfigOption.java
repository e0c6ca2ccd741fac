package io.bucketdns.cli;

import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option shared by the commands that read a config. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: first of ./rgw-pdns.conf, ~/rgw-pdns.conf, /etc/ceph/rgw-pdns.conf).")
    Path file;

    BucketDnsConfig load() {
        return ConfigLoader.load(ConfigLoader.locate(file));
    }
}
