/**
 * The RGW Admin Ops client, apart from what the catalog source does with it: signed GETs
 * ({@link io.bucketdns.source.rgw.admin.SigV4Signer}, or SigV2 for gateways that ask for it) with
 * failover across endpoints and bounded retries ({@link io.bucketdns.source.rgw.admin.AdminHttp}),
 * the few calls bucketdns makes as typed results ({@link io.bucketdns.source.rgw.admin.AdminApi}:
 * bucket listing and entrypoints, the metadata log, the zonegroup map), and the fan-out that runs many
 * such calls with a fixed number in flight ({@link io.bucketdns.source.rgw.admin.Fanout}).
 *
 * <p>It neither loads, follows nor writes a catalog: the catalog source does that with it, and
 * {@code check} uses it the same way; tests replace it with
 * {@link io.bucketdns.source.rgw.admin.AdminOps} fakes held in memory. Two edges reach outside:
 * {@link io.bucketdns.source.rgw.admin.RequestSigner} is built from the {@code rgw_*} keys, and
 * {@link io.bucketdns.source.rgw.admin.ZonegroupMap} turns RGW's zonegroups into the catalog's
 * {@code Zonegroup} targets.
 *
 * <p>Threads: none that outlive a call. Every request blocks the thread that calls it;
 * {@code Fanout} starts virtual threads for one call and joins them before it returns.
 */
package io.bucketdns.source.rgw.admin;
