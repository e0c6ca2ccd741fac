package io.bucketdns.cli;

import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Asks the running service, through its ops port, to re-read its config file. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make the running bucketdns re-read its config file (as SIGHUP does).",
                "The config named here tells where the ops port is ([ops] listen); a bad new config is refused",
                "and the running one keeps serving. Exit 0: reloaded; 2: refused; 1: no service answered."})
final class ReloadCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        BucketDnsConfig cfg = config.load();
        InetSocketAddress ops = cfg.ops().listen();
        if (ops == null) {
            spec.commandLine().getErr().println("bucketdns: reload needs [ops] listen in " + cfg.file() + "; or send SIGHUP to the process");
            return BucketDnsCommand.BAD_CONFIG;
        }
        String host = ops.getAddress().isAnyLocalAddress() ? "127.0.0.1" : ops.getHostString();
        URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + ops.getPort() + "/reload");
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build().send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                spec.commandLine().getOut().print(r.body());
                spec.commandLine().getOut().flush();
                return 0;
            }
            spec.commandLine().getErr().print("bucketdns: " + r.body());
            return BucketDnsCommand.BAD_CONFIG;
        } catch (IOException e) {
            spec.commandLine().getErr().println("bucketdns: no bucketdns answered at " + uri + " (" + e.getMessage() + "); is it serving?");
            return 1;
        }
    }
}
