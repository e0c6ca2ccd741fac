package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/** Every response to a random or mutated packet is a well-formed DNS message that dnsjava reads. */
class ResponderFuzzTest {
    private static final int PACKETS = 50_000;

    @Test
    void everyResponseIsWellFormed() throws IOException {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Packets packets = new Packets(seed);
        Responder responder = Fixture.responder();
        Query query = new Query();
        Wire out = new Wire(0);
        int answered = 0;
        for (int i = 0; i < PACKETS; i++) {
            byte[] p = i % 4 == 0 ? packets.good() : packets.bad();
            int n = responder.respond(query, p, p.length, out, i % 2 == 0);
            if (n < 0) {
                assertThat(p.length < Query.HEADER || (p[2] & 0x80) != 0).as("seed %d: only runts and responses go unanswered", seed).isTrue();
                continue;
            }
            answered++;
            Message m = new Message(Arrays.copyOf(out.buf, n));
            assertThat(m.getHeader().getID()).as("seed %d", seed).isEqualTo(Query.u16(p, 0));
            assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
            assertThat(m.getRcode()).as("seed %d: SERVFAIL means an exception inside", seed).isNotEqualTo(Rcode.SERVFAIL);
            // what rate limiting sends instead: the same response, empty and truncated
            Message slipped = new Message(Arrays.copyOf(out.buf, responder.truncated(query, out, n)));
            assertThat(slipped.getHeader().getID()).as("seed %d", seed).isEqualTo(m.getHeader().getID());
            assertThat(slipped.getHeader().getFlag(Flags.TC)).as("seed %d", seed).isTrue();
            assertThat(slipped.getRcode()).as("seed %d", seed).isEqualTo(m.getRcode());
            assertThat(slipped.getSection(Section.QUESTION)).as("seed %d", seed).isEqualTo(m.getSection(Section.QUESTION));
            assertThat(slipped.getOPT() != null).as("seed %d: OPT kept", seed).isEqualTo(m.getOPT() != null);
            assertThat(slipped.getSection(Section.ANSWER)).isEmpty();
        }
        assertThat(answered).isGreaterThan(PACKETS / 2);
    }
}
