/**
 * The RGW Admin Ops client, apart from what the catalog source does with it: signed GETs
 * ({@link io.bucketdns.source.rgw.admin.SigV4Signer}, or SigV2 for gateways that ask for it) with
 * failover across endpoints and bounded retries ({@link io.bucketdns.source.rgw.admin.AdminHttp}),
 * the few calls bucketdns makes as typed results ({@link io.bucketdns.source.rgw.admin.AdminApi}:
 * bucket listing and entrypoints, the metadata log, the zonegroup map), and the fan-out that runs many
 * such calls with a fixed number in flight ({@link io.bucketdns.source.rgw.admin.Fanout}).
 *
 * <p>It knows nothing of catalogs, schedules or the config file: {@code check} and the catalog
 * source both build it from the {@code rgw_*} keys and use it the same way, and tests replace it
 * with {@link io.bucketdns.source.rgw.admin.AdminOps} fakes held in memory.
 *
 * <p>Threads: none that outlive a call. Every request blocks the thread that calls it;
 * {@code Fanout} starts virtual threads for one call and joins them before it returns.
 */
package io.bucketdns.source.rgw.admin;
