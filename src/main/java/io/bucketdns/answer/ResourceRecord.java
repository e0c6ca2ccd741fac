package io.bucketdns.answer;

/**
 * One record of an answer, with its data in presentation format (as in a zone file), which is what
 * the PowerDNS remote backend exchanges and what a wire encoder parses once per distinct value.
 *
 * @param name owner name, absolute (trailing dot), in the question's case
 * @param type record type code, see {@link RecordType}
 * @param ttl time to live in seconds
 * @param data presentation-format data: a target name for CNAME/NS, an address for A/AAAA, the
 *     seven SOA fields for SOA
 */
public record ResourceRecord(String name, int type, long ttl, String data) {
    @Override
    public String toString() {
        return name + "\t" + ttl + "\tIN\t" + RecordType.name(type) + "\t" + data;
    }
}
