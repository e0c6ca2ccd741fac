/**
 * The file catalog source ({@code [catalog] source = file}: {@code buckets.txt}, re-read when it
 * changes) and catalog snapshots on disk ({@code [catalog] snapshot}).
 *
 * <p>Threads: the file source owns one scheduled thread that polls the file.
 */
package io.bucketdns.source.file;
