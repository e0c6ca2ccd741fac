package io.bucketdns.source.rgw.admin;

import java.util.List;
import java.util.Optional;

/** {@link AdminOps} that hands every call to another, for wrappers that change one or two of them. */
public abstract class ForwardingAdminOps implements AdminOps {
    private final AdminOps delegate;

    public ForwardingAdminOps(AdminOps delegate) {
        this.delegate = delegate;
    }

    @Override
    public ZonegroupMap zonegroupMap() {
        return delegate.zonegroupMap();
    }

    @Override
    public AdminApi.BucketPage listBuckets(String marker, int maxEntries) {
        return delegate.listBuckets(marker, maxEntries);
    }

    @Override
    public Optional<String> locate(String bucket) {
        return delegate.locate(bucket);
    }

    @Override
    public AdminApi.MdlogInfo mdlogInfo() {
        return delegate.mdlogInfo();
    }

    @Override
    public AdminApi.ShardMarker shardMarker(int shard) {
        return delegate.shardMarker(shard);
    }

    @Override
    public AdminApi.MdlogPage mdlogEntries(int shard, String marker, int maxEntries) {
        return delegate.mdlogEntries(shard, marker, maxEntries);
    }

    @Override
    public AdminOps pinnedTo(List<String> endpoints) {
        return delegate.pinnedTo(endpoints);
    }
}
