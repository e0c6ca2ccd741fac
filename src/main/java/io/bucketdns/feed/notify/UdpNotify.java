package io.bucketdns.feed.notify;

import io.bucketdns.answer.Zone;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A NOTIFY over UDP (RFC 1996 3.6): the zone's SOA question with AA set, from a socket of its own,
 * acknowledged by a reply with the same id and opcode. Each runs on a virtual thread, so a
 * secondary that never answers holds up nothing but its own retry.
 */
final class UdpNotify implements Notifier.Send {
    private static final Logger LOG = LoggerFactory.getLogger(UdpNotify.class);
    /** How long a try waits for its acknowledgement. */
    static final int WAIT_MILLIS = 2000;

    @Override
    public CompletionStage<Boolean> notify(InetSocketAddress secondary, Zone zone, long serial) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Thread.ofVirtual().name("notify-" + secondary).start(() -> done.complete(exchange(secondary, zone, serial)));
        return done;
    }

    private static boolean exchange(InetSocketAddress secondary, Zone zone, long serial) {
        try (DatagramSocket socket = new DatagramSocket()) {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(zone.absoluteName()), Type.SOA, DClass.IN));
            m.getHeader().setOpcode(Opcode.NOTIFY);
            m.getHeader().unsetFlag(Flags.RD);
            m.getHeader().setFlag(Flags.AA);
            byte[] wire = m.toWire();
            socket.connect(secondary);
            socket.setSoTimeout(WAIT_MILLIS);
            socket.send(new DatagramPacket(wire, wire.length));
            byte[] buf = new byte[512];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                Message r = new Message(Arrays.copyOf(buf, p.getLength()));
                if (r.getHeader().getID() == m.getHeader().getID() && r.getHeader().getFlag(Flags.QR)
                        && r.getHeader().getOpcode() == Opcode.NOTIFY) {
                    LOG.info("notify: {} serial {} to {}: {}", zone.name(), serial, secondary,
                            org.xbill.DNS.Rcode.string(r.getRcode()));
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            LOG.info("notify: {} serial {} to {}: no answer within {} ms", zone.name(), serial, secondary, WAIT_MILLIS);
            return false;
        } catch (IOException e) {
            LOG.info("notify: {} serial {} to {}: {}", zone.name(), serial, secondary, e.toString());
            return false;
        }
    }
}
