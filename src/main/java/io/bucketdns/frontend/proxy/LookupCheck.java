package io.bucketdns.frontend.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What {@code bucketdns check} says about HAProxy's look-up: whether the running bucketdns answers
 * on {@code [haproxy] lookup}, and whether HAProxy's {@code bucketdns.lua} said hello lately, the
 * only sign that the proxy asks at all (an HAProxy without it routes by the map alone).
 */
public final class LookupCheck {
    private LookupCheck() {}

    /** One item, starting with {@code ok  } or {@code FAIL}. */
    public static String run(InetSocketAddress lookup) {
        String where = "haproxy lookup http://" + lookup.getHostString() + ":" + lookup.getPort();
        String body;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(where.substring("haproxy lookup ".length()) + "/status"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            body = r.statusCode() == 200 ? r.body().strip() : "";
        } catch (IOException e) {
            return "FAIL " + where + ": unreachable (" + e + "); fix: run bucketdns serve with this config";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "FAIL " + where + ": interrupted";
        }
        if (!body.startsWith("lua ")) {
            return "FAIL " + where + ": answers '" + body + "', not bucketdns's look-up; fix: free the address or set [haproxy] lookup";
        }
        String heard = body.substring(4);
        if (!heard.equals("never") && Long.parseLong(heard) <= LookupServer.HEARD_WITHIN.toSeconds()) {
            return "ok   " + where + ": HAProxy's bucketdns.lua said hello " + heard + " s ago";
        }
        return "FAIL " + where + ": HAProxy's bucketdns.lua " + (heard.equals("never") ? "never said hello" : "last said hello " + heard
                + " s ago") + ", so buckets missing from the map go to the default backend; fix: lua-load bucketdns.lua and setenv"
                + " BUCKETDNS_LOOKUP " + lookup.getHostString() + ":" + lookup.getPort() + " in haproxy.cfg's global section, then"
                + " http-request lua.bucketdns-route, as examples/haproxy/haproxy.cfg does";
    }
}
