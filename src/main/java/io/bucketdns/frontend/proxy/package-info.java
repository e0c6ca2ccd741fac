/**
 * The proxy's side door: {@code [haproxy] lookup}, where HAProxy's Lua action ({@code
 * examples/haproxy/bucketdns.lua}) asks about a bucket its map lacks, and sends its heartbeat.
 * Answers come from the catalog, or from the on-demand RGW look-up DNS misses share ({@code
 * [catalog] miss_wait}, {@code miss_lookups_per_second}), on the HTTP server's threads; a look-up
 * holds its thread at most {@code miss_wait}. The maps HAProxy routes with are fed by {@code
 * feed.haproxy}.
 */
package io.bucketdns.frontend.proxy;
