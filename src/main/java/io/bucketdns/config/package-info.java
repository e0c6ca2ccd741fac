/**
 * {@code rgw-pdns.conf}: the {@code Schema} (one row per key: type, range, default, reload scope,
 * doc), the ConfigParser-compatible reader ({@code Ini}), the loader that turns a file into a
 * validated, immutable {@code BucketDnsConfig}, and the generated reference
 * (docs/CONFIGURATION.md). No threads; reads files only when asked to load.
 */
package io.bucketdns.config;
