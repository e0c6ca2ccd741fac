package io.bucketdns.cli;

import io.bucketdns.Service;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.frontend.ops.Logging;
import io.bucketdns.frontend.pdns.LineProtocol;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The PowerDNS remote backend's pipe connector: PowerDNS starts this command as a child (one per
 * backend thread) and speaks JSON lines over its stdin and stdout until it closes stdin.
 */
@Command(name = "pipe", mixinStandardHelpOptions = true,
        description = {"Answer PowerDNS remote-backend calls as JSON lines on stdin/stdout, for",
                "remote-connection-string=pipe:command=/path/to/bin/bucketdns pipe --config /etc/ceph/rgw-pdns.conf",
                "Only replies go to stdout; logs go to stderr. No listener of the config is started."})
final class PipeCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws IOException {
        OutputStream replies = new FileOutputStream(FileDescriptor.out);
        // a stray print from any library would corrupt the protocol: stdout belongs to the replies alone
        System.setOut(System.err);
        BucketDnsConfig cfg = config.load();
        Logging.configure(cfg.ops().jsonLogs(), cfg.debug());
        try (Service service = Service.loadCatalog(cfg)) {
            LineProtocol.serve(System.in, replies, service.remoteBackend("pipe"));
        }
        return 0;
    }
}
