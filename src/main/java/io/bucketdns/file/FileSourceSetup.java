package io.bucketdns.file;

import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.component.Context;
import io.bucketdns.component.SourceSetup;
import io.bucketdns.config.BucketDnsConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code [catalog] source = file}: the bucket file, with the zonegroups of {@code [zonegroup.NAME]}. */
public final class FileSourceSetup implements SourceSetup {
    @Override
    public BucketDnsConfig.Source source() {
        return BucketDnsConfig.Source.FILE;
    }

    @Override
    public CatalogSource create(BucketDnsConfig config, Context context) {
        Map<String, Zonegroup> zonegroups = new LinkedHashMap<>();
        config.zonegroupHostnames().forEach((name, host) -> zonegroups.put(name, new Zonegroup(name, host)));
        String def = config.catalog().defaultZonegroup();
        // ConfigLoader guarantees a named default exists; without one, the first zonegroup configured.
        Zonegroup fallback = def != null ? zonegroups.get(def) : zonegroups.values().iterator().next();
        return new FileCatalogSource(config.catalog().file(), zonegroups, fallback);
    }
}
