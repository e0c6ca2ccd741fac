/**
 * NOTIFY to the secondaries of {@code [xfr] notify} (RFC 1996): when to send (coalesced, retried
 * with backoff: {@link io.bucketdns.feed.notify.Notifier}, pure logic on a scheduler) and how
 * ({@link io.bucketdns.feed.notify.UdpNotify}). The zone they then transfer is
 * {@link io.bucketdns.answer.ZoneContents}, served by the DNS server's TCP listener.
 *
 * <p>Threads: the notifier's scheduler ({@code notify}) and a virtual thread per NOTIFY in flight;
 * the catalog writer only hands it the change.
 */
package io.bucketdns.feed.notify;
