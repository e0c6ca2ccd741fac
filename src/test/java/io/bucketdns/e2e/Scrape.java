package io.bucketdns.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the ops endpoints as Prometheus and a load balancer would. */
final class Scrape {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Scrape() {}

    /** The body of GET {@code path} on the ops port, whatever the status. */
    static String text(int port, String path) throws IOException, InterruptedException {
        return get(port, path).body();
    }

    /** GET {@code path} on the ops port: status and body, as a load balancer's health check reads {@code /readyz}. */
    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one series (name with labels, as exposed) on /metrics; 0 when absent. */
    static double value(int port, String series) throws IOException, InterruptedException {
        for (String line : text(port, "/metrics").split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).strip());
            }
        }
        return 0;
    }
}
