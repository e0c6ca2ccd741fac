package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.LiveAuthority;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.answer.Answer;
import io.bucketdns.answer.Authority;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.answer.Soa;
import io.bucketdns.answer.StaticRecords;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import io.bucketdns.frontend.ops.Metrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ResponderTest {
    private final Responder responder = Fixture.responder();
    private final Query query = new Query();
    private final Wire udp = new Wire(0);

    @ParameterizedTest(name = "{0} {1} -> {2} [{3}] [{4}]")
    @CsvSource(delimiter = '|', textBlock = """
            foo.o.example.com.              | A    | NOERROR  | foo.o.example.com. 60 IN CNAME foo.o.example.eu.                   |
            FoO.O.Example.COM.              | AAAA | NOERROR  | FoO.O.Example.COM. 60 IN CNAME foo.o.example.eu.                   |
            eu.dotted.bucket.o.example.com. | MX   | NOERROR  | eu.dotted.bucket.o.example.com. 60 IN CNAME eu.dotted.bucket.o.example.eu. |
            bar.o.example.com.              | ANY  | NOERROR  | bar.o.example.com. 60 IN CNAME bar.o.example.us.                   |
            nope.o.example.com.             | A    | NXDOMAIN |                                                                    | o.example.com. 5 IN SOA ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60
            _x.o.example.com.               | A    | NXDOMAIN |                                                                    | o.example.com. 60 IN SOA ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60
            o.example.com.                  | SOA  | NOERROR  | o.example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60 |
            O.EXAMPLE.COM.                  | NS   | NOERROR  | O.EXAMPLE.COM. 3600 IN NS ns1.example.com.; O.EXAMPLE.COM. 3600 IN NS ns2.example.com. |
            o.example.com.                  | A    | NOERROR  | o.example.com. 60 IN A 192.0.2.1                                   |
            o.example.com.                  | MX   | NOERROR  |                                                                    | o.example.com. 60 IN SOA ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 60
            o.example.com.                  | ANY  | NOERROR  | o.example.com. 3600 IN HINFO "RFC8482" ""                          |
            """)
    void answersEveryRuleOfTheResolverWithAuthority(String name, String type, String rcode, String answer, String authority)
            throws IOException {
        Message response = ask(Fixture.query(name, Type.value(type)));

        assertThat(Rcode.string(response.getRcode())).isEqualTo(rcode);
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.RD)).as("RD copied").isTrue();
        assertThat(response.getHeader().getFlag(Flags.RA)).as("no recursion").isFalse();
        assertThat(texts(response, Section.QUESTION)).containsExactly(name + " IN " + type);
        assertThat(texts(response, Section.ANSWER)).isEqualTo(split(answer));
        assertThat(texts(response, Section.AUTHORITY)).isEqualTo(split(authority));
    }

    @Test
    void ownerNamesKeepTheQuestionsCaseByteForByte() throws IOException {
        Message response = ask(Fixture.query("fOo.O.eXample.com.", Type.A));
        assertThat(response.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("fOo.O.eXample.com.");
    }

    @Test
    void refusesNamesOutsideTheZoneWithoutAuthority() throws IOException {
        for (String name : List.of("example.org.", "example.com.", ".", "xo.example.com.")) {
            Message response = ask(Fixture.query(name, Type.A));
            assertThat(response.getRcode()).as(name).isEqualTo(Rcode.REFUSED);
            assertThat(response.getHeader().getFlag(Flags.AA)).isFalse();
            assertThat(response.getSection(Section.ANSWER)).isEmpty();
        }
    }

    @Test
    void refusesOtherClassesAndZoneTransfers() throws IOException {
        Message chaos = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH));
        assertThat(ask(chaos).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(ask(Fixture.query("o.example.com.", Type.AXFR)).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void ednsIsEchoedWithOurPayloadSizeAndTheDnssecOkBit() throws IOException {
        Message q = Fixture.query("foo.o.example.com.", Type.A);
        q.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        OPTRecord opt = ask(q).getOPT();
        assertThat(opt).isNotNull();
        assertThat(opt.getPayloadSize()).isEqualTo(1232);
        assertThat(opt.getVersion()).isZero();
        assertThat(opt.getFlags() & 0x8000).isNotZero();

        assertThat(ask(Fixture.query("foo.o.example.com.", Type.A)).getOPT()).as("no OPT without EDNS").isNull();
    }

    @Test
    void answersBadversToAnEdnsVersionAboveZero() throws IOException {
        Message q = Fixture.query("foo.o.example.com.", Type.A);
        q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
        Message response = ask(q);
        assertThat(response.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void truncatesOverUdpToTheClientsSizeAndSendsAllOverTcp() throws IOException {
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            many.add("2001:db8::" + Integer.toHexString(i));
        }
        Responder big = new Responder(Fixture.authority(many), 1232);
        Message plain = Fixture.query("o.example.com.", Type.AAAA);

        Message classic = ask(big, plain, true);
        assertThat(classic.getHeader().getFlag(Flags.TC)).as("60 AAAA > 512 bytes").isTrue();
        assertThat(classic.getSection(Section.ANSWER)).isEmpty();
        assertThat(classic.getSection(Section.QUESTION)).hasSize(1);

        Message withEdns = Fixture.query("o.example.com.", Type.AAAA);
        withEdns.addRecord(new OPTRecord(65000, 0, 0, 0), Section.ADDITIONAL);
        Message capped = ask(big, withEdns, true);
        assertThat(capped.getHeader().getFlag(Flags.TC)).as("60 AAAA > the 1232 cap").isTrue();
        assertThat(capped.getOPT()).as("OPT kept in a truncated answer").isNotNull();

        Message tcp = ask(big, plain, false);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(60);

        Message fits = Fixture.query("o.example.com.", Type.AAAA);
        fits.addRecord(new OPTRecord(512, 0, 0, 0), Section.ADDITIONAL);
        assertThat(ask(Fixture.responder(), fits, true).getHeader().getFlag(Flags.TC)).isFalse();
    }

    @Test
    void answersNotimpToOtherOpcodes() throws IOException {
        for (int opcode : new int[] {Opcode.IQUERY, Opcode.STATUS, Opcode.NOTIFY, Opcode.UPDATE, 15}) {
            Message q = Fixture.query("foo.o.example.com.", Type.A);
            q.getHeader().setOpcode(opcode);
            Message response = ask(q);
            assertThat(response.getRcode()).isEqualTo(Rcode.NOTIMP);
            assertThat(response.getHeader().getOpcode()).isEqualTo(opcode);
            assertThat(response.getHeader().getID()).isEqualTo(q.getHeader().getID());
        }
    }

    @Test
    void answersFormerrToMalformedMessagesWithAReadableHeader() {
        byte[] good = Fixture.query("foo.o.example.com.", Type.A).toWire();
        byte[] withOpt = withOpt(good, new byte[] {0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0});
        assertFormerr(set16(good.clone(), 4, 0), "no question");
        assertFormerr(set16(good.clone(), 4, 2), "two questions");
        assertFormerr(Arrays.copyOf(good, good.length - 1), "question cut short");
        assertFormerr(Arrays.copyOf(good, good.length + 3), "trailing bytes");
        assertFormerr(Arrays.copyOf(good, 13), "name cut short");
        byte[] pointer = good.clone();
        pointer[12] = (byte) 0xC0;
        pointer[13] = 12;
        assertFormerr(pointer, "compression pointer in the question");
        byte[] label = good.clone();
        label[12] = 0x41;
        assertFormerr(label, "extended label type");
        assertFormerr(set16(good.clone(), 10, 1), "an additional record announced, none there");
        assertFormerr(set16(good.clone(), 6, 65535), "huge answer count");
        assertFormerr(withOpt(withOpt, new byte[] {0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0}), "two OPT records", true);
        assertFormerr(withOpt(good, new byte[] {0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 5, 0, 10, 0, 9, 1}), "option longer than the OPT", true);
        assertFormerr(withOpt(good, new byte[] {1, 'x', 0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0}), "OPT not owned by the root");
        assertFormerr(withOpt(good, new byte[] {(byte) 0xC0, 40, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0}), "forward compression pointer");
        assertFormerr(withOpt(good, new byte[] {(byte) 0xC0, 35, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0}), "pointer to itself");
    }

    /** RFC 6891 6.1.1 and 7: a request with an OPT gets one back, whatever the rcode. */
    @Test
    void everyAnswerToAnEdnsQueryCarriesAnOpt() throws IOException {
        Message noQuestion = new Message();
        noQuestion.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        Message formerr = ask(noQuestion);
        assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(formerr.getOPT()).as("FORMERR, no question (dig +header-only)").isNotNull();
        assertThat(formerr.getOPT().getPayloadSize()).isEqualTo(1232);
        assertThat(formerr.getOPT().getFlags() & 0x8000).as("DO echoed").isNotZero();

        Message notify = Fixture.query("o.example.com.", Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        notify.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        Message notimp = ask(notify);
        assertThat(notimp.getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(notimp.getOPT()).as("NOTIMP").isNotNull();

        Message refused = Fixture.query("example.org.", Type.A);
        refused.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        assertThat(ask(refused).getOPT()).as("REFUSED").isNotNull();

        Message q = Fixture.query("foo.o.example.com.", Type.A);
        q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        Message servfail = ask(new Responder(new FailingAuthority(), 1232), q, true);
        assertThat(servfail.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(servfail.getOPT()).as("SERVFAIL").isNotNull();
        assertThat(texts(servfail, Section.QUESTION)).containsExactly("foo.o.example.com. IN A");
    }

    @Test
    void noOptOnErrorsToQueriesWithout() throws IOException {
        assertThat(ask(new Message()).getOPT()).as("FORMERR").isNull();
        Message notify = Fixture.query("o.example.com.", Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertThat(ask(notify).getOPT()).as("NOTIMP").isNull();
        Message servfail = ask(new Responder(new FailingAuthority(), 1232), Fixture.query("foo.o.example.com.", Type.A), true);
        assertThat(servfail.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(servfail.getOPT()).isNull();
    }

    @Test
    void aSlippedResponseIsTheHeaderAndQuestionWithTcAndTheOpt() throws IOException {
        Message q = Fixture.query("FOO.o.example.com.", Type.A);
        q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        byte[] wire = q.toWire();
        int n = responder.respond(query, wire, wire.length, udp, true);
        assertThat(query.kind).isEqualTo(RateLimit.Kind.POSITIVE);
        assertThat(query.limitName).isEqualTo("FOO.o.example.com.");
        Message slipped = new Message(Arrays.copyOf(udp.buf, responder.truncated(query, udp, n)));
        assertThat(slipped.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(slipped.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(slipped.getHeader().getID()).isEqualTo(q.getHeader().getID());
        assertThat(texts(slipped, Section.QUESTION)).containsExactly("FOO.o.example.com. IN A");
        assertThat(slipped.getSection(Section.ANSWER)).isEmpty();
        assertThat(slipped.getOPT()).isNotNull();
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            foo.o.example.com.  | A   | POSITIVE | foo.o.example.com.
            o.example.com.      | NS  | POSITIVE | o.example.com.
            o.example.com.      | ANY | ANY      | o.example.com.
            nope.o.example.com. | A   | NXDOMAIN | o.example.com
            _x.o.example.com.   | A   | NXDOMAIN | o.example.com
            o.example.com.      | MX  | NODATA   | o.example.com
            example.org.        | A   | ERROR    |
            """)
    void countsEachAnswerByKindUnderTheQuestionOrTheZone(String name, String type, String kind, String limitName) throws IOException {
        ask(Fixture.query(name, Type.value(type)));
        assertThat(query.kind).isEqualTo(RateLimit.Kind.valueOf(kind));
        assertThat(query.limitName).isEqualTo(limitName);
    }

    /** An authority whose rules fail: the responder's own last line of defence answers. */
    private static final class FailingAuthority extends FixtureAuthority {
        private final QueryObserver observer;

        FailingAuthority() {
            this(QueryObserver.NONE);
        }

        FailingAuthority(QueryObserver observer) {
            this.observer = observer;
        }

        @Override
        public Answer resolve(String qname, int qtype) {
            throw new IllegalStateException("injected failure");
        }

        @Override
        public CompletionStage<Zonegroup> locate(String bucket) {
            throw new IllegalStateException("injected failure");
        }

        @Override
        public QueryObserver observer() {
            return observer;
        }
    }

    @Test
    void acceptsCompressedNamesInOtherSectionsWithoutFollowingThem() throws IOException {
        byte[] good = Fixture.query("foo.o.example.com.", Type.A).toWire();
        // an additional A record for "foo.o.example.com" by pointer to the question
        byte[] q = withOpt(good, new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4});
        assertThat(new Message(answer(q, true)).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void sendsNothingForRunts() {
        byte[] good = Fixture.query("foo.o.example.com.", Type.A).toWire();
        for (int n = 0; n < Query.HEADER; n++) {
            assertThat(responder.respond(query, Arrays.copyOf(good, n), n, udp, true)).isEqualTo(-1);
        }
    }

    @Test
    void sendsNothingForResponses() throws IOException {
        byte[] response = answer(Fixture.query("foo.o.example.com.", Type.A).toWire(), true);
        assertThat(responder.respond(query, response, response.length, udp, true)).isEqualTo(-1);
    }

    @Test
    void namesWithDotsOrBinaryInsideALabelAreNotBuckets() throws IOException {
        // label "a.o" under example.com, which is not served: not bucket "a" of o.example.com
        byte[] dotted = rawQuery(new byte[] {3, 'a', '.', 'o', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0});
        assertThat(new Message(answer(dotted, true)).getRcode()).isEqualTo(Rcode.REFUSED);
        byte[] binary = rawQuery(new byte[] {4, 'f', 0, 'o', 'o', 1, 'o', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0});
        assertThat(new Message(answer(binary, true)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    private void assertFormerr(byte[] packet, String why) {
        assertFormerr(packet, why, false);
    }

    /** FORMERR with no question, and our OPT when the query was seen to have one. */
    private void assertFormerr(byte[] packet, String why, boolean opt) {
        int n = responder.respond(query, packet, packet.length, udp, true);
        assertThat(n).as(why).isEqualTo(Query.HEADER + (opt ? 11 : 0));
        assertThat(udp.buf[3] & 0xF).as(why).isEqualTo(Rcode.FORMERR);
        assertThat(udp.buf[2] & 0x80).as(why + ": QR").isNotZero();
        assertThat(Arrays.copyOf(udp.buf, 2)).as(why + ": ID").isEqualTo(Arrays.copyOf(packet, 2));
    }

    @Test
    void aFailureInsideIsAnsweredServfailAndCounted() throws IOException {
        Metrics metrics = new Metrics("test", Fixture::catalog);
        Authority failing = new FailingAuthority(metrics);
        Message response = ask(new Responder(failing, 1232), Fixture.query("foo.o.example.com.", Type.A), true);
        assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8))
                .contains("bucketdns_dns_responses_total{frontend=\"udp\",rcode=\"SERVFAIL\",rule=\"failure\",zone=\"\"} 1.0");
    }

    @Test
    void apexNsCarriesInZoneAddressesInTheAdditionalSectionAndStaticRecordsAnswer() throws IOException {
        Zone zone = new Zone("o.example.com", Soa.parse(Fixture.SOA), 3600, 60, List.of("ns1.o.example.com."),
                List.of(), List.of(), UnknownBucketPolicy.NXDOMAIN, 5, StaticRecords.parse("o.example.com",
                        List.of("ns1 3600 IN A 192.0.2.53", "ns1 3600 IN AAAA 2001:db8::53", "@ 300 IN TXT \"hello world\""), 60));
        Responder r = new Responder(LiveAuthority.of(List.of(zone), Fixture.catalog()), 1232);

        Message ns = ask(r, Fixture.query("o.example.com.", Type.NS), true);
        assertThat(texts(ns, Section.ANSWER)).containsExactly("o.example.com. 3600 IN NS ns1.o.example.com.");
        assertThat(texts(ns, Section.ADDITIONAL)).containsExactly("ns1.o.example.com. 3600 IN A 192.0.2.53",
                "ns1.o.example.com. 3600 IN AAAA 2001:db8:0:0:0:0:0:53");
        Message txt = ask(r, Fixture.query("o.example.com.", Type.TXT), true);
        assertThat(texts(txt, Section.ANSWER)).containsExactly("o.example.com. 300 IN TXT \"hello world\"");
        Message a = ask(r, Fixture.query("ns1.o.example.com.", Type.A), true);
        assertThat(texts(a, Section.ANSWER)).containsExactly("ns1.o.example.com. 3600 IN A 192.0.2.53");
    }

    private Message ask(Message q) throws IOException {
        return ask(responder, q, true);
    }

    private Message ask(Responder r, Message q, boolean overUdp) throws IOException {
        byte[] wire = q.toWire();
        int n = r.respond(query, wire, wire.length, udp, overUdp);
        Message response = new Message(Arrays.copyOf(udp.buf, n));
        assertThat(response.getHeader().getID()).isEqualTo(q.getHeader().getID());
        assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
        return response;
    }

    private byte[] answer(byte[] q, boolean overUdp) {
        int n = responder.respond(query, q, q.length, udp, overUdp);
        assertThat(n).isPositive();
        return Arrays.copyOf(udp.buf, n);
    }

    private static byte[] rawQuery(byte[] name) {
        byte[] m = new byte[Query.HEADER + name.length + 4];
        m[0] = 0x12;
        m[5] = 1;
        System.arraycopy(name, 0, m, Query.HEADER, name.length);
        m[m.length - 3] = 1;
        m[m.length - 1] = 1;
        return m;
    }

    /** Appends a record to the additional section. */
    private static byte[] withOpt(byte[] m, byte[] record) {
        byte[] out = Arrays.copyOf(m, m.length + record.length);
        System.arraycopy(record, 0, out, m.length, record.length);
        return set16(out, 10, Query.u16(m, 10) + 1);
    }

    private static byte[] set16(byte[] m, int at, int v) {
        m[at] = (byte) (v >> 8);
        m[at + 1] = (byte) v;
        return m;
    }

    private static List<String> texts(Message m, int section) {
        return m.getSection(section).stream()
                .map(r -> section == Section.QUESTION ? r.getName() + " " + DClass.string(r.getDClass()) + " " + Type.string(r.getType())
                        : r.getName() + " " + r.getTTL() + " " + DClass.string(r.getDClass()) + " " + Type.string(r.getType()) + " " + r.rdataToString())
                .toList();
    }

    private static List<String> split(String records) {
        if (records == null || records.isBlank()) {
            return List.of();
        }
        return Arrays.stream(records.split(";")).map(String::strip).toList();
    }
}
