package io.bucketdns.cli;

import io.bucketdns.Service;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.ops.Logging;
import java.util.concurrent.Callable;
import sun.misc.Signal;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the service until SIGTERM or SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run bucketdns with a config file.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        return run(config.load());
    }

    static int run(BucketDnsConfig cfg) throws InterruptedException {
        Logging.configure(cfg.ops().jsonLogs(), cfg.debug());
        cfg.warnings().forEach(w -> LOG.warn("config: {}", w));
        CountDownLatch stopped = new CountDownLatch(1);
        Service service = Service.start(cfg);
        // SIGHUP re-reads the config, as systemd's ExecReload and PowerDNS operators expect.
        Signal.handle(new Signal("HUP"), signal -> {
            try {
                service.reload();
            } catch (RuntimeException e) {
                LOG.error("reload refused: {}; still serving the previous config", e.getMessage());
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            service.close();
            stopped.countDown();
        }, "shutdown"));
        LOG.info("bucketdns serving {} (config {})", cfg.zones().stream().map(z -> z.name()).toList(), cfg.file());
        stopped.await();
        return 0;
    }
}
