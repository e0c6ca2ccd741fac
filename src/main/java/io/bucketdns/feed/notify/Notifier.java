package io.bucketdns.feed.notify;

import io.bucketdns.answer.Zone;
import io.bucketdns.catalog.CatalogChange;
import io.bucketdns.catalog.CatalogListener;
import io.bucketdns.time.Scheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the secondaries of {@code [xfr] notify} that the zones changed (DNS NOTIFY, RFC 1996), so
 * they transfer the new version within a second or two instead of at their next SOA refresh.
 *
 * <p>Coalesced: the catalog may change many times a second (a bulk creation), so a change sends
 * at once only when the last NOTIFY went out a second ago or more, else one goes when that second
 * is up, for all the changes in it. A NOTIFY a secondary does not acknowledge is sent again after
 * 1, 2, 4 and 8 s (five tries, as BIND and NSD do), unless a newer one has gone meanwhile.
 *
 * <p>The timing is pure logic on the {@link Scheduler} it is given; the network is behind
 * {@link Send}, so both can be tested apart.
 */
public final class Notifier implements CatalogListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    static final Duration SPACING = Duration.ofSeconds(1);
    static final int TRIES = 5;

    /** One NOTIFY to one secondary for one zone at its serial; completes true once acknowledged. */
    @FunctionalInterface
    public interface Send {
        CompletionStage<Boolean> notify(InetSocketAddress secondary, Zone zone, long serial);
    }

    private final List<InetSocketAddress> secondaries;
    private final Supplier<List<Zone>> zones;
    private final Supplier<Long> catalogSerial;
    private final Send send;
    private final Scheduler scheduler;
    // guarded by this
    private boolean pending;
    private long lastSent = Long.MIN_VALUE;
    /** The round each secondary's latest NOTIFY belongs to: a retry of an older round stops. */
    private final Map<InetSocketAddress, Long> round = new HashMap<>();
    private long rounds;

    /**
     * @param zones the served zones in force
     * @param catalogSerial the serial of the catalog in force (a zone's SOA may follow it)
     */
    public Notifier(List<InetSocketAddress> secondaries, Supplier<List<Zone>> zones, Supplier<Long> catalogSerial, Send send,
            Scheduler scheduler) {
        this.secondaries = List.copyOf(secondaries);
        this.zones = zones;
        this.catalogSerial = catalogSerial;
        this.send = send;
        this.scheduler = scheduler;
    }

    @Override
    public void onChange(CatalogChange change) {
        changed();
    }

    /** The zones changed (or bucketdns just started): a NOTIFY goes within {@link #SPACING}. */
    public synchronized void changed() {
        if (pending) {
            return;
        }
        pending = true;
        long wait = lastSent == Long.MIN_VALUE ? 0 : Math.max(0, lastSent + SPACING.toNanos() - scheduler.nanoTime());
        scheduler.schedule(this::sendAll, Duration.ofNanos(wait));
    }

    private void sendAll() {
        long now;
        synchronized (this) {
            pending = false;
            lastSent = scheduler.nanoTime();
            now = ++rounds;
            for (InetSocketAddress s : secondaries) {
                round.put(s, now);
            }
        }
        long serial = catalogSerial.get();
        for (Zone zone : zones.get()) {
            long zoneSerial = zone.soa().serialFor(serial);
            for (InetSocketAddress s : secondaries) {
                attempt(s, zone, zoneSerial, now, 1);
            }
        }
    }

    private void attempt(InetSocketAddress secondary, Zone zone, long serial, long ofRound, int tryNumber) {
        synchronized (this) {
            if (round.get(secondary) != ofRound || scheduler.isClosed()) {
                return; // a newer NOTIFY went out: it is the one that counts
            }
        }
        send.notify(secondary, zone, serial).whenComplete((acknowledged, failure) -> {
            if (Boolean.TRUE.equals(acknowledged)) {
                LOG.debug("notify: {} acknowledged {} serial {}", secondary, zone.name(), serial);
                return;
            }
            if (tryNumber >= TRIES) {
                LOG.warn("notify: {} did not acknowledge {} serial {} after {} tries; it will find the change at its next SOA"
                        + " refresh", secondary, zone.name(), serial, TRIES);
                return;
            }
            scheduler.schedule(() -> attempt(secondary, zone, serial, ofRound, tryNumber + 1), SPACING.multipliedBy(1L << (tryNumber - 1)));
        });
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
