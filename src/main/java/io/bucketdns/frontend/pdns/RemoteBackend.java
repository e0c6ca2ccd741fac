package io.bucketdns.frontend.pdns;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.answer.Answer;
import io.bucketdns.answer.Authority;
import io.bucketdns.answer.NameSyntax;
import io.bucketdns.answer.Rcode;
import io.bucketdns.answer.RecordType;
import io.bucketdns.answer.ResourceRecord;
import io.bucketdns.answer.Zone;
import io.bucketdns.answer.ZoneContents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PowerDNS remote backend protocol: one method call in, one JSON reply out. Transports (http,
 * unix, pipe) decode a call into a method name and parameters and send back these bytes as they
 * are.
 *
 * <p>Every reply is {@code {"result": ...}}, and a call that cannot be answered gets {@code
 * {"result":false,"log":["why"]}}: PowerDNS treats false as "no data" and writes the log lines to
 * its own log, so a bad question never turns into SERVFAIL or a stack trace.
 */
public final class RemoteBackend {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteBackend.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final Authority authority;
    private final String frontend;
    /** The serial PowerDNS last said it sent NOTIFYs for, by zone name. */
    private final Map<String, Long> notifiedSerials = new ConcurrentHashMap<>();

    /**
     * Every call is logged at DEBUG, which the seed's {@code debug = true} switches on (and a reload
     * off again).
     *
     * @param authority the zones, rules and catalog in force
     * @param frontend the transport's name for metrics and logs: http, unix or pipe
     */
    public RemoteBackend(Authority authority, String frontend) {
        this.authority = authority;
        this.frontend = frontend;
    }

    /**
     * Answers one call.
     *
     * @param method the method name, such as {@code lookup}
     * @param parameters its parameters object; may be empty or missing fields
     * @return the JSON reply, UTF-8
     */
    public byte[] handle(String method, JsonNode parameters) {
        try {
            byte[] reply = switch (method) {
                case "lookup" -> lookup(parameters);
                case "initialize" -> literal("true");
                case "getAllDomains" -> allDomains();
                case "getDomainInfo" -> domainInfo(text(parameters, "name"));
                case "getAllDomainMetadata" -> literal("{}");
                case "getDomainMetadata" -> literal("[]");
                case "list" -> listing(parameters);
                case "getUpdatedMasters" -> updatedMasters();
                case "setNotified" -> notified(parameters);
                default -> failure("bucketdns does not implement method '" + printable(method) + "'");
            };
            if (LOG.isDebugEnabled()) {
                LOG.debug("pdns {} {} {} -> {}", frontend, method, parameters, new String(reply, StandardCharsets.UTF_8));
            }
            return reply;
        } catch (RuntimeException e) {
            LOG.error("pdns {} failed", printable(method), e);
            return failure("bucketdns failed on " + printable(method) + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * Writes the reply to one call on {@code out}: the bytes {@link #handle} returns, except that a
     * zone's listing goes out record by record as it is generated. At 10 M buckets it is about 1 GB
     * of JSON, which must never sit in memory whole.
     *
     * @throws IOException when {@code out} fails, or the listing fails half-way (the reply is then
     *     cut short and the transport must close its connection)
     */
    public void stream(String method, JsonNode parameters, OutputStream out) throws IOException {
        if (!method.equals("list")) {
            out.write(handle(method, parameters));
            return;
        }
        String zonename = text(parameters, "zonename");
        List<Zone> zones = authority.zones();
        int i = zoneIndex(zones, zonename);
        if (i < 0) {
            out.write(literal("false"));
            return;
        }
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            list(g, zones.get(i), authority.catalog());
            g.writeEndObject();
        } catch (RuntimeException e) {
            LOG.error("pdns list {} failed half-way", printable(zonename), e);
            throw new IOException("listing " + zonename + " failed half-way: " + e, e);
        }
    }

    /** A zone's listing in memory, for callers that need the bytes whole (small zones, tests). */
    private byte[] listing(JsonNode parameters) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            stream("list", parameters, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The reply to a call that could not even be decoded into a method and parameters. */
    public static byte[] failure(String why) {
        return write(g -> {
            g.writeBooleanField("result", false);
            g.writeArrayFieldStart("log");
            g.writeString(why);
            g.writeEndArray();
        });
    }

    private byte[] lookup(JsonNode p) {
        String qname = text(p, "qname");
        String qtypeName = text(p, "qtype");
        if (qname == null || qtypeName == null) {
            return failure("lookup needs qname and qtype");
        }
        String problem = NameSyntax.problem(qname);
        if (problem != null) {
            return failure("not a DNS name: " + problem);
        }
        int qtype = RecordType.code(qtypeName);
        if (qtype < 0) {
            return failure("unknown qtype '" + printable(qtypeName) + "'");
        }
        long start = System.nanoTime();
        // PowerDNS waits for each backend call on a thread of its own: an unknown bucket may block
        // it for its look-up, which ends by miss_wait, well within PowerDNS's remote-timeout
        CompletableFuture<Answer> waited = new CompletableFuture<>();
        Answer now = authority.resolve(qname, qtype, () -> waited::complete);
        Answer answer = now != null ? now : waited.join();
        byte[] reply = answer.rcode() == Rcode.REFUSED ? literal("false") : write(g -> {
            g.writeArrayFieldStart("result");
            for (ResourceRecord r : answer.answer()) {
                // PowerDNS discovers zones by asking SOA up the tree: anything but an SOA there is an error.
                if (qtype != RecordType.SOA || r.type() == RecordType.SOA) {
                    record(g, r);
                }
            }
            g.writeEndArray();
        });
        authority.observer().answered(frontend, qname, qtype, answer, System.nanoTime() - start);
        return reply;
    }

    private byte[] allDomains() {
        return domains(false);
    }

    private byte[] domainInfo(String name) {
        List<Zone> zones = authority.zones();
        int i = zoneIndex(zones, name);
        if (i < 0) {
            return literal("false");
        }
        Catalog c = authority.catalog();
        return write(g -> {
            g.writeFieldName("result");
            domain(g, i + 1, zones.get(i), c);
        });
    }

    /**
     * The zones whose serial moved since PowerDNS last NOTIFYed their secondaries (all of them
     * after a start), which a PowerDNS with {@code primary=yes} asks for every {@code
     * xfr-cycle-interval}: it NOTIFYs every zone listed, each time, so a zone is listed only until
     * {@code setNotified} says its serial went out.
     */
    private byte[] updatedMasters() {
        return domains(true);
    }

    /** Every zone, or those whose serial was not notified yet, with what was. */
    private byte[] domains(boolean unnotifiedOnly) {
        List<Zone> zones = authority.zones();
        Catalog c = authority.catalog();
        return write(g -> {
            g.writeArrayFieldStart("result");
            for (int i = 0; i < zones.size(); i++) {
                Zone z = zones.get(i);
                long serial = z.soa().serialFor(c.serial());
                Long notified = notifiedSerials.get(z.name());
                if (!unnotifiedOnly) {
                    domain(g, i + 1, z, c, serial);
                } else if (notified == null || notified != serial) {
                    domain(g, i + 1, z, c, notified == null ? 0 : notified);
                }
            }
            g.writeEndArray();
        });
    }

    /**
     * PowerDNS sent NOTIFYs for zone {@code id} at {@code serial}: a number, which PowerDNS's HTTP
     * connector writes as a decimal ({@code 1796346681.000000}).
     */
    private byte[] notified(JsonNode p) {
        String id = text(p, "id");
        String serial = text(p, "serial");
        List<Zone> zones = authority.zones();
        int index;
        long value;
        try {
            index = Integer.parseInt(id) - 1;
            value = (long) Double.parseDouble(serial);
        } catch (NumberFormatException | NullPointerException e) {
            return failure("setNotified needs a zone id and a serial, got id " + id + ", serial " + serial);
        }
        if (index < 0 || index >= zones.size()) {
            return failure("setNotified: no zone has id " + printable(id));
        }
        notifiedSerials.put(zones.get(index).name(), value);
        return literal("true");
    }

    /** The zone's records as {@link ZoneContents} gives them: what PowerDNS serves and transfers when it is the primary. */
    private static void list(JsonGenerator g, Zone zone, Catalog c) throws IOException {
        g.writeArrayFieldStart("result");
        IOException[] failed = new IOException[1];
        ZoneContents.forEach(zone, c, r -> {
            if (failed[0] == null) {
                try {
                    record(g, r);
                } catch (IOException e) {
                    failed[0] = e;
                }
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        g.writeEndArray();
    }

    private static void domain(JsonGenerator g, int id, Zone z, Catalog c) throws IOException {
        domain(g, id, z, c, z.soa().serialFor(c.serial()));
    }

    private static void domain(JsonGenerator g, int id, Zone z, Catalog c, long notifiedSerial) throws IOException {
        long serial = z.soa().serialFor(c.serial());
        g.writeStartObject();
        g.writeNumberField("id", id);
        g.writeStringField("zone", z.absoluteName());
        g.writeStringField("kind", "native");
        g.writeNumberField("serial", serial);
        g.writeNumberField("notified_serial", notifiedSerial);
        g.writeNumberField("last_check", 0);
        g.writeArrayFieldStart("masters");
        g.writeEndArray();
        g.writeEndObject();
    }

    private static int zoneIndex(List<Zone> zones, String name) {
        if (name == null) {
            return -1;
        }
        String n = (name.endsWith(".") ? name.substring(0, name.length() - 1) : name).toLowerCase(Locale.ROOT);
        for (int i = 0; i < zones.size(); i++) {
            if (zones.get(i).name().equals(n)) {
                return i;
            }
        }
        return -1;
    }

    private static void record(JsonGenerator g, ResourceRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("qtype", RecordType.name(r.type()));
        g.writeStringField("qname", r.name());
        g.writeStringField("content", r.data());
        g.writeNumberField("ttl", r.ttl());
        g.writeEndObject();
    }

    private static String text(JsonNode p, String field) {
        if (p == null) {
            return null;
        }
        JsonNode v = p.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    /** A name as it may appear in a log line: control characters escaped, length bounded. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return s.length() > 80 ? b + "..." : b.toString();
    }

    private static byte[] literal(String result) {
        return ("{\"result\":" + result + "}").getBytes(StandardCharsets.UTF_8);
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
