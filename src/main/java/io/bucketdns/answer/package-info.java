/**
 * Every answer rule: {@code Resolver} (pure: a catalog snapshot and a question in, an {@code Answer}
 * out), bucket names, zones, SOA and static records. No I/O, no threads; frontends only translate
 * wire formats to and from it. Keys: the per-zone answer keys ({@code dns_soa_*}, {@code
 * dns_default_ttl}, {@code unknown_*}, {@code [dns] ns a aaaa records}) arrive as {@code Zone}s.
 */
package io.bucketdns.answer;
