package io.bucketdns.frontend.pdns;

import io.bucketdns.frontend.http.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark peer: a PowerDNS HTTP remote backend that does no work beyond routing. It serves
 * one zone, answers the apex SOA, and answers every other data lookup with a CNAME built from the
 * asked name, on the same HTTP stack as bucketdns, so a dnsperf run against each shows what
 * bucketdns's catalog, rules and JSON cost. {@code java ... NullBackend PORT ZONE}.
 */
public final class NullBackend {
    private NullBackend() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = Integer.parseInt(args[0]);
        String zone = args[1].endsWith(".") ? args[1] : args[1] + ".";
        byte[] domains = ("{\"result\":[{\"id\":1,\"zone\":\"" + zone + "\",\"kind\":\"native\",\"serial\":1,\"notified_serial\":1,\"last_check\":0,\"masters\":[]}]}").getBytes(StandardCharsets.UTF_8);
        byte[] soa = ("{\"result\":[{\"qtype\":\"SOA\",\"qname\":\"" + zone + "\",\"content\":\"ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 60\",\"ttl\":3600}]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] none = "{\"result\":[]}".getBytes(StandardCharsets.UTF_8);
        String encodedZone = zone.replace(".", "%2e");
        HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", port), 65536, request -> {
            String t = request.target();
            if (t.startsWith("/dns/getAllDomains")) {
                return new HttpServer.Response(200, domains);
            }
            if (!t.startsWith("/dns/lookup/")) {
                return new HttpServer.Response(200, none);
            }
            int slash = t.lastIndexOf('/');
            String qname = t.substring("/dns/lookup/".length(), slash);
            String qtype = t.substring(slash + 1);
            // PowerDNS fetches the zone's SOA with an ANY lookup at the apex, and discovers zones with SOA lookups
            if (qname.equalsIgnoreCase(encodedZone)) {
                return new HttpServer.Response(200, soa);
            }
            if (qtype.equals("SOA")) {
                return new HttpServer.Response(200, none);
            }
            if (qname.startsWith("%2a")) {
                return new HttpServer.Response(200, none);
            }
            String name = qname.replace("%2e", ".").replace("%2d", "-");
            return new HttpServer.Response(200, ("{\"result\":[{\"qtype\":\"CNAME\",\"qname\":\"" + name + "\",\"content\":\"x.o.example.eu.\",\"ttl\":60}]}")
                    .getBytes(StandardCharsets.UTF_8));
        }, RemoteBackend::failure);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
