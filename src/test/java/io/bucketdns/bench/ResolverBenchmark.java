package io.bucketdns.bench;

import io.bucketdns.LiveAuthority;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.answer.Answer;
import io.bucketdns.answer.RecordType;
import io.bucketdns.answer.Resolver;
import io.bucketdns.answer.Soa;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import io.bucketdns.frontend.pdns.RemoteBackend;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per answer of the resolver, over a catalog of 100,000 buckets, next to its floor:
 * {@link #floorMapLookupAndConcat} does only what no implementation can skip (one hash look-up,
 * one target string), so the ratio shows what the rules cost on top. Run with {@code bench/jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResolverBenchmark {
    static final int BUCKETS = 100_000;

    Resolver resolver;
    Catalog catalog;
    RemoteBackend backend;
    Map<String, String> floorMap;
    String[] known;
    String[] unknown;
    ObjectNode[] lookups;
    int i;

    @Setup
    public void setUp() {
        Zone zone = new Zone("o.example.com", Soa.parse("ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 60"),
                3600, 60, List.of("ns1.example.com."), List.of(), List.of(), UnknownBucketPolicy.DEFAULT);
        Zonegroup eu = new Zonegroup("eu", "o.example.eu");
        Zonegroup us = new Zonegroup("us", "o.example.us");
        Map<String, String> buckets = new HashMap<>();
        floorMap = new HashMap<>();
        known = new String[1024];
        unknown = new String[1024];
        lookups = new ObjectNode[1024];
        for (int b = 0; b < BUCKETS; b++) {
            String name = "bucket-" + b;
            buckets.put(name, b % 2 == 0 ? "eu" : "us");
            floorMap.put(name + ".o.example.com.", b % 2 == 0 ? "o.example.eu." : "o.example.us.");
        }
        for (int k = 0; k < known.length; k++) {
            known[k] = "bucket-" + (k * 97) + ".o.example.com.";
            unknown[k] = "nobody-" + k + ".o.example.com.";
            lookups[k] = JsonNodeFactory.instance.objectNode().put("qname", known[k]).put("qtype", "ANY");
        }
        catalog = Catalog.of(Map.of("eu", eu, "us", us), eu, buckets, 0);
        resolver = new Resolver(List.of(zone));
        LiveCatalog live = LiveCatalog.of(catalog);
        backend = new RemoteBackend(LiveAuthority.of(List.of(zone), live), "http");
    }

    private int next() {
        return i = (i + 1) & 1023;
    }

    @Benchmark
    public String floorMapLookupAndConcat() {
        String q = known[next()];
        return q + floorMap.get(q);
    }

    @Benchmark
    public Answer knownBucket() {
        return resolver.resolve(catalog, known[next()], RecordType.A);
    }

    @Benchmark
    public Answer unknownBucketToDefault() {
        return resolver.resolve(catalog, unknown[next()], RecordType.A);
    }

    @Benchmark
    public Answer notABucket() {
        return resolver.resolve(catalog, "_x.o.example.com.", RecordType.A);
    }

    @Benchmark
    public Answer apexSoa() {
        return resolver.resolve(catalog, "o.example.com.", RecordType.SOA);
    }

    /** What the PowerDNS connectors pay per lookup: the resolver plus the JSON reply. */
    @Benchmark
    public byte[] remoteBackendLookupJson() {
        return backend.handle("lookup", lookups[next()]);
    }
}
