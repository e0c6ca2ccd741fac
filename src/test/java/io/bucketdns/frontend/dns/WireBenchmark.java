package io.bucketdns.frontend.dns;

import io.bucketdns.answer.Answer;
import io.bucketdns.answer.Authority;
import io.bucketdns.answer.ResourceRecord;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Query in, response bytes out, without sockets: the hand-written path of {@link Responder}
 * against the same work done with dnsjava's {@link Message} (parse, build, {@code toWire}), and
 * with response rate limiting on: a client under the rate (every answer counted and sent) and a
 * client over it (every answer dropped). Run: see docs/BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WireBenchmark {
    @Param({"foo.o.example.com.", "nope.o.example.com."})
    public String name;

    private final Responder responder = Fixture.responder();
    private final Authority authority = Fixture.authority(List.of("2001:db8::1"));
    private final Query query = new Query();
    private final Wire out = new Wire(0);
    private byte[] request;
    private final byte[] client = {(byte) 192, 0, 2, 7};
    /** A rate no single thread reaches: every answer is counted, none held back. */
    private final RateLimit underRate = RateLimit.of(new RateLimit.Settings(1_000_000_000, 2, List.of()));
    /** One answer a second: past the first, every one is dropped. */
    private final RateLimit overRate = RateLimit.of(new RateLimit.Settings(1, 0, List.of()));

    @Setup
    public void setup() {
        request = Fixture.query(name, Type.A).toWire();
    }

    @Benchmark
    public int handWritten() {
        return responder.respond(query, request, request.length, out, true);
    }

    @Benchmark
    public int rateLimitedUnderTheRate() {
        return limited(underRate);
    }

    @Benchmark
    public int rateLimitedOverTheRate() {
        return limited(overRate);
    }

    /** What a UDP worker does: answer, then ask the rate limit. */
    private int limited(RateLimit limit) {
        int n = responder.respond(query, request, request.length, out, true);
        return limit.admit(client, query.kind, query.limitName, System.nanoTime()) == RateLimit.Verdict.SEND ? n : -1;
    }

    @Benchmark
    public byte[] dnsjava() throws IOException {
        Message q = new Message(request);
        Record question = q.getQuestion();
        Answer a = authority.resolve(question.getName().toString(), question.getType());
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        r.getHeader().setRcode(a.rcode().code());
        r.addRecord(question, Section.QUESTION);
        for (ResourceRecord rr : a.answer()) {
            r.addRecord(record(rr), Section.ANSWER);
        }
        for (ResourceRecord rr : a.authority()) {
            r.addRecord(record(rr), Section.AUTHORITY);
        }
        return r.toWire(512);
    }

    private static Record record(ResourceRecord rr) throws IOException {
        return Record.fromString(Name.fromString(rr.name()), rr.type(), DClass.IN, rr.ttl(), rr.data(), Name.root);
    }
}
