/**
 * HAProxy's bucket map for path-style routing ({@code [haproxy]}): the map file, the runtime-API
 * client, the feed from catalog change events, and its {@code check}.
 *
 * <p>Threads: the feed owns its own; a slow or absent HAProxy never holds up the catalog writer.
 */
package io.bucketdns.feed.haproxy;
