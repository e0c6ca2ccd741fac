package io.bucketdns.source.rgw;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.AdminOps;
import io.bucketdns.source.rgw.admin.ForwardingAdminOps;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import io.bucketdns.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zonegroup map in force, and what follows from it: the zonegroups' hosts and the default in
 * the catalog, and which gateways to ask for what. The metadata master zone's gateways have every
 * bucket change first (other zones' view lags by their metadata sync), so they are preferred for
 * every request, the log is read from them alone ({@link #logOps}) and reconciliation look-ups are
 * spread over them ({@link #lookupOps}).
 *
 * <p>Threads: the map is re-read every {@code every} on its own scheduler ({@code rgw-map}), and
 * put in force from whichever job reads it too (the follower at start, the load thread when a
 * bucket names a zonegroup the map lacks); {@link #use} is synchronized so that two reads put in
 * force are applied whole, one after the other.
 */
final class ZonegroupMapWatcher implements AutoCloseable {
    // the lines keep the logger they always had: operators filter on it
    private static final Logger LOG = LoggerFactory.getLogger(RgwCatalogSource.class);

    private final AdminApi api;
    private final CatalogWriter writer;
    private final Map<String, String> hostnameOverrides;
    private final Set<String> globalZones;
    private final String defaultSetting;
    private final Scheduler scheduler;
    private volatile ZonegroupMap map;
    private boolean warnedNoMasterEndpoint;

    /**
     * @param hostnameOverrides zonegroup name to the hostname configured for it
     * @param globalZones the DNS zones served, which a zonegroup's own hostnames must not be
     * @param defaultSetting {@code [catalog] default_zonegroup}; null for the master zonegroup
     * @param scheduler this watcher's own, for the periodic re-read
     */
    ZonegroupMapWatcher(AdminApi api, CatalogWriter writer, Map<String, String> hostnameOverrides, Set<String> globalZones,
            String defaultSetting, Scheduler scheduler) {
        this.api = api;
        this.writer = writer;
        this.hostnameOverrides = hostnameOverrides;
        this.globalZones = globalZones;
        this.defaultSetting = defaultSetting;
        this.scheduler = scheduler;
    }

    /** Re-reads the map every {@code every} from now on. */
    void refreshEvery(Duration every) {
        scheduler.repeat(this::refreshQuietly, every, every);
    }

    /** The map in force; null until one was read. */
    ZonegroupMap map() {
        return map;
    }

    /** Reads the map and puts it in force. */
    void refresh() {
        use(api.zonegroupMap());
    }

    /** The same, logging a failure instead: the map in force stays. */
    void refreshQuietly() {
        try {
            refresh();
        } catch (RgwException | CatalogException e) {
            LOG.warn("catalog: zonegroup map not refreshed: {}", e.getMessage());
        }
    }

    /** Uses a zonegroup map for naming zonegroups, and puts its hosts and default in force. */
    synchronized void use(ZonegroupMap m) {
        Map<String, Zonegroup> zonegroups = m.targets(hostnameOverrides, globalZones);
        Zonegroup fallback = defaultZonegroup(m, zonegroups);
        map = m;
        Catalog current = writer.live().current();
        if (!current.zonegroups().equals(zonegroups) || !Objects.equals(current.defaultZonegroup(), fallback)) {
            writer.zonegroups(zonegroups, fallback).join();
            LOG.info("catalog: zonegroups {}", hosts(zonegroups));
        }
        List<String> master = m.metadataMasterEndpoints();
        api.http().prefer(master); // other zones' view lags by their metadata sync
        if (!warnedNoMasterEndpoint && api.http().endpoints().stream().noneMatch(master::contains)) {
            warnedNoMasterEndpoint = true;
            LOG.warn("catalog: no rgw_endpoint is in the metadata master zone ({}): changes made in other zonegroups"
                    + " reach the log read here only after metadata sync (seconds to minutes)", master);
        }
    }

    /**
     * Where the metadata log is read: the configured gateways of the metadata master zone, whose
     * log has every change first; all configured gateways when none of them is in that zone.
     */
    AdminOps logOps() {
        List<String> master = map.metadataMasterEndpoints();
        List<String> mine = api.http().endpoints().stream().filter(master::contains).toList();
        return mine.isEmpty() ? api : api.pinnedTo(mine);
    }

    /** Where reconciliations look buckets up: see {@link SpreadingOps}. */
    AdminOps lookupOps() {
        return new SpreadingOps();
    }

    /**
     * Reconciliation look-ups spread over the configured gateways of the metadata master zone
     * (every bucket change is made there first; another zone's view lags by its metadata sync, so
     * it serves only when none of the master's answers); a listing follows its markers on one
     * gateway.
     */
    private final class SpreadingOps extends ForwardingAdminOps {
        private final AtomicInteger next = new AtomicInteger();

        SpreadingOps() {
            super(api);
        }

        @Override
        public Optional<String> locate(String bucket) {
            ZonegroupMap m = map;
            List<String> configured = api.http().endpoints();
            List<String> master = m == null ? List.of() : configured.stream().filter(m.metadataMasterEndpoints()::contains).toList();
            if (master.size() < 2) {
                return api.locate(bucket); // master first, then the rest
            }
            List<String> order = new ArrayList<>();
            int start = Math.floorMod(next.getAndIncrement(), master.size());
            for (int i = 0; i < master.size(); i++) {
                order.add(master.get((start + i) % master.size()));
            }
            configured.stream().filter(e -> !master.contains(e)).forEach(order::add);
            return api.pinnedTo(order).locate(bucket);
        }
    }

    private Zonegroup defaultZonegroup(ZonegroupMap m, Map<String, Zonegroup> zonegroups) {
        String name = defaultSetting != null ? defaultSetting : m.master().name();
        Zonegroup z = zonegroups.get(name);
        if (z == null) {
            throw new CatalogException("[catalog] default_zonegroup = " + name + " is not a zonegroup of the RGW realm; fix: name one of "
                    + String.join(", ", zonegroups.keySet()) + ", or leave it empty for the master zonegroup");
        }
        return z;
    }

    private static List<String> hosts(Map<String, Zonegroup> zonegroups) {
        return zonegroups.values().stream().map(z -> z.name() + " -> " + z.hostname()).toList();
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
