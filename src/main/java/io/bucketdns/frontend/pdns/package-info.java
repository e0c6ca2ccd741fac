/**
 * The PowerDNS remote-backend protocol ({@code RemoteBackend}: one handler for every method) and
 * its transports: http ({@code [powerdns] listen_addr, listen_port}), unix ({@code unix_socket})
 * and pipe ({@code bucketdns pipe}).
 *
 * <p>Threads: the unix connector serves each connection on a virtual thread of its own; the http
 * connector runs on its HTTP server's threads; the pipe on the caller's.
 */
package io.bucketdns.frontend.pdns;
