package io.bucketdns.cli;

import io.bucketdns.Service;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.frontend.ops.Logging;
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
        // SIGHUP re-reads the config, as systemd's ExecReload and PowerDNS operators expect. It is
        // caught before the start, which can take minutes (a full catalog load): the JVM's own
        // handler would end the process.
        Reloads reloads = new Reloads();
        Signal.handle(new Signal("HUP"), signal -> reloads.request());
        LOG.info("starting: loading the {} catalog", cfg.catalog().source().name().toLowerCase(java.util.Locale.ROOT));
        Service service = Service.start(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            service.close();
            stopped.countDown();
        }, "shutdown"));
        LOG.info("bucketdns serving {} (config {})", cfg.zones().stream().map(z -> z.name()).toList(), cfg.file());
        reloads.started(service);
        stopped.await();
        return 0;
    }

    /** Reloads on request; a request during the start waits for it, then runs once. */
    private static final class Reloads {
        private Service service;
        private boolean pending;

        void request() {
            Service s;
            synchronized (this) {
                if (service == null) {
                    if (!pending) {
                        LOG.info("reload requested while starting: applied once started");
                    }
                    pending = true;
                    return;
                }
                s = service;
            }
            reload(s);
        }

        void started(Service s) {
            boolean run;
            synchronized (this) {
                service = s;
                run = pending;
            }
            if (run) {
                reload(s);
            }
        }

        private static void reload(Service s) {
            try {
                s.reload();
            } catch (RuntimeException e) {
                LOG.error("reload refused: {}; still serving the previous config", e.getMessage());
            }
        }
    }
}
