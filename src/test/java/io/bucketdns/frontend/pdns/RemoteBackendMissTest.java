package io.bucketdns.frontend.pdns;

import io.bucketdns.LiveAuthority;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.MissListener;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.ConfigLoader;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.answer.Zone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The remote backend tells the catalog source about unknown buckets, after answering. */
class RemoteBackendMissTest {
    private final List<Zone> zones = ConfigLoader.parse(Path.of("t.conf"), List.of("[powerdns]", "dns_zone = o.example.com")).zones();
    private final List<String> misses = new ArrayList<>();
    private final RemoteBackend backend;

    RemoteBackendMissTest() {
        Zonegroup eu = new Zonegroup("eu", "o.example.eu");
        LiveCatalog live = LiveCatalog.of(Catalog.of(Map.of("eu", eu), eu, Map.of("known", "eu"), 0));
        backend = new RemoteBackend(LiveAuthority.of(zones, live, b -> {
            misses.add(b);
            return MissListener.NOT_LOOKED_UP;
        }, QueryObserver.NONE), "http");
    }

    @Test
    void anUnknownBucketIsAnsweredAndReported() throws Exception {
        String reply = lookup("New.Bucket.o.example.com.");

        assertThat(reply).contains("new.bucket.o.example.eu.");
        assertThat(misses).containsExactly("new.bucket");
    }

    @Test
    void knownBucketsApexAndNonBucketNamesAreNotReported() throws Exception {
        lookup("known.o.example.com.");
        lookup("o.example.com.");
        lookup("_bad_.o.example.com.");
        lookup("foo.elsewhere.org.");

        assertThat(misses).isEmpty();
    }

    private String lookup(String qname) throws Exception {
        byte[] reply = backend.handle("lookup", new ObjectMapper().readTree("{\"qname\":\"" + qname + "\",\"qtype\":\"ANY\"}"));
        return new String(reply, StandardCharsets.UTF_8);
    }
}
