package io.bucketdns.rgw;

import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.component.Context;
import io.bucketdns.component.SourceSetup;
import io.bucketdns.config.BucketDnsConfig;

/** {@code [catalog] source = rgw}: RGW's admin API, its requests counted in the instance's metrics. */
public final class RgwSourceSetup implements SourceSetup {
    @Override
    public BucketDnsConfig.Source source() {
        return BucketDnsConfig.Source.RGW;
    }

    @Override
    public CatalogSource create(BucketDnsConfig config, Context context) {
        return new RgwCatalogSource(config, context::rgwCall);
    }
}
