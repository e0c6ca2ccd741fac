package io.bucketdns.answer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Records a zone serves beside its buckets ({@code [dns] records}): in-zone name-server addresses,
 * CAA, TXT or MX at the apex, an ACME challenge. Their names are reserved: they are answered
 * before any bucket rule, with NODATA for other types, and the names above them are empty
 * non-terminals. Immutable.
 */
public final class StaticRecords {
    /** A zone without static records. */
    public static final StaticRecords NONE = new StaticRecords(Map.of(), Set.of());

    /** Lowercase absolute owner name to its records, in configured order. */
    private final Map<String, List<ResourceRecord>> byName;
    /** Lowercase absolute names that have static records below them but none of their own. */
    private final Set<String> nonTerminals;

    private StaticRecords(Map<String, List<ResourceRecord>> byName, Set<String> nonTerminals) {
        this.byName = byName;
        this.nonTerminals = nonTerminals;
    }

    /**
     * Parses zone-file lines (RFC 1035 master-file syntax, one record a line; relative names are
     * relative to the zone, a missing TTL is {@code defaultTtl}).
     *
     * @param zone the zone name, lowercase, without trailing dot
     * @throws IllegalArgumentException naming the line (its index in {@code lines}) and what is wrong
     */
    public static StaticRecords parse(String zone, List<String> lines, long defaultTtl) {
        Name origin;
        try {
            origin = Name.fromString(zone + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("zone " + zone + " is not a DNS name");
        }
        Map<String, List<ResourceRecord>> byName = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Record r = parseLine(lines.get(i), origin, defaultTtl, i);
            String owner = r.getName().toString().toLowerCase(Locale.ROOT);
            if (!r.getName().subdomain(origin)) {
                throw new Problem(i, owner + " is outside the zone " + zone);
            }
            if (r.getType() == Type.SOA || (r.getType() == Type.NS && r.getName().equals(origin))) {
                throw new Problem(i, "the apex " + Type.string(r.getType()) + " comes from dns_soa_record and ns");
            }
            if (r.getType() == Type.NS) {
                throw new Problem(i, "NS below the apex would delegate " + owner + "; bucketdns serves no delegations");
            }
            List<ResourceRecord> at = byName.computeIfAbsent(owner, k -> new ArrayList<>());
            boolean cname = r.getType() == Type.CNAME;
            if (!at.isEmpty() && (cname || at.get(0).type() == Type.CNAME)) {
                throw new Problem(i, owner + " has a CNAME and other records; a CNAME stands alone (RFC 1034 3.6.2)");
            }
            if (cname && r.getName().equals(origin)) {
                throw new Problem(i, "a CNAME cannot be at the apex, beside the SOA");
            }
            at.add(new ResourceRecord(owner, r.getType(), r.getTTL(), r.rdataToString()));
        }
        Set<String> nonTerminals = new HashSet<>();
        String apex = origin.toString().toLowerCase(Locale.ROOT);
        for (String owner : byName.keySet()) {
            for (String above = parent(owner); above.length() > apex.length(); above = parent(above)) {
                if (!byName.containsKey(above)) {
                    nonTerminals.add(above);
                }
            }
        }
        byName.replaceAll((k, v) -> List.copyOf(v));
        return new StaticRecords(Collections.unmodifiableMap(byName), Set.copyOf(nonTerminals));
    }

    private static String parent(String absoluteName) {
        return absoluteName.substring(absoluteName.indexOf('.') + 1);
    }

    private static Record parseLine(String line, Name origin, long defaultTtl, int index) {
        try (Master m = new Master(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), origin, defaultTtl)) {
            Record r = m.nextRecord();
            if (r == null) {
                throw new Problem(index, "no record");
            }
            if (m.nextRecord() != null) {
                throw new Problem(index, "more than one record; write one record a line");
            }
            return r;
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().replaceFirst("^[^:]*:\\d+: ", "");
            throw new Problem(index, message);
        }
    }

    /** A line that is not a usable record; {@link #index} is its position in the given lines. */
    public static final class Problem extends IllegalArgumentException {
        private final int index;

        Problem(int index, String message) {
            super(message);
            this.index = index;
        }

        /** The position of the bad line among the lines parsed. */
        public int index() {
            return index;
        }
    }

    /** The records owned by a lowercase absolute name; empty when it has none. */
    public List<ResourceRecord> at(String absoluteName) {
        return byName.getOrDefault(absoluteName, List.of());
    }

    /** True when the lowercase absolute name owns no record but has static records below it. */
    public boolean isNonTerminal(String absoluteName) {
        return nonTerminals.contains(absoluteName);
    }

    /** Every owner name (lowercase, absolute), in configured order. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** The A and AAAA records of a name: the additional data for a name server inside the zone. */
    public List<ResourceRecord> addressesOf(String absoluteName) {
        List<ResourceRecord> out = new ArrayList<>();
        for (ResourceRecord r : at(absoluteName.toLowerCase(Locale.ROOT))) {
            if (r.type() == RecordType.A || r.type() == RecordType.AAAA) {
                out.add(r);
            }
        }
        return out;
    }

    /** True when there are no records. */
    public boolean isEmpty() {
        return byName.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StaticRecords s && s.byName.equals(byName);
    }

    @Override
    public int hashCode() {
        return byName.hashCode();
    }

    @Override
    public String toString() {
        return byName.values().toString();
    }
}
