package io.bucketdns.component;

import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.config.BucketDnsConfig;

/**
 * How one kind of catalog source is made from the config. {@code Service} picks the one {@code
 * [catalog] source} names, starts it on a catalog writer, and makes a new one whenever a reload
 * changes a key declared {@link io.bucketdns.config.Reload#REBUILD}.
 */
public interface SourceSetup {
    /** The {@code [catalog] source} it serves. */
    BucketDnsConfig.Source source();

    /** A source ready to start; it does no I/O before {@link CatalogSource#start}. */
    CatalogSource create(BucketDnsConfig config, Context context);
}
