package io.bucketdns;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.answer.Soa;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import java.util.List;
import java.util.Map;

/** The example deployment the tests share: zone o.example.com, zonegroups eu (default) and us. */
public final class Fixtures {
    public static final Soa SOA = Soa.parse("ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60");
    public static final Zone ZONE = new Zone("o.example.com", SOA, 3600, 60,
            List.of("ns1.example.com.", "ns2.example.com."), List.of("192.0.2.1"), List.of(), UnknownBucketPolicy.DEFAULT);
    public static final Zonegroup EU = new Zonegroup("eu", "o.example.eu");
    public static final Zonegroup US = new Zonegroup("us", "o.example.us");
    public static final Catalog CATALOG = Catalog.of(Map.of("eu", EU, "us", US), EU,
            Map.of("foo", "eu", "bar", "us", "eu.dotted.bucket", "eu", "a-b.c", "us"), 0);

    private Fixtures() {}

    /** A live catalog holding {@link #CATALOG}. */
    public static LiveCatalog liveCatalog() {
        LiveCatalog live = LiveCatalog.of(CATALOG);
        return live;
    }
}
