/**
 * The standalone authoritative DNS server ({@code [dns] listen}): UDP and TCP listeners, the
 * hand-written wire path ({@code Query}, {@code Responder}, {@code Wire}), response rate limiting
 * ({@code [dns] rrl_*}).
 *
 * <p>Threads: platform workers per UDP address, each blocking on its own socket; a virtual thread
 * per TCP connection; one thread that re-reads the interfaces behind a wildcard address.
 */
package io.bucketdns.frontend.dns;
