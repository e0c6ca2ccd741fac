package io.bucketdns.component;

import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.config.BucketDnsConfig;
import java.util.function.BiFunction;

/**
 * How one kind of catalog source is made from the config. {@code Service} picks the one {@code
 * [catalog] source} names, starts it on a catalog writer, and makes a new one whenever a reload
 * changes a key declared {@link io.bucketdns.config.Reload#REBUILD}.
 *
 * @param source the {@code [catalog] source} it serves
 * @param create a source ready to start; it does no I/O before {@link CatalogSource#start}
 */
public record SourceSetup(BucketDnsConfig.Source source, BiFunction<BucketDnsConfig, Context, CatalogSource> create) {}
