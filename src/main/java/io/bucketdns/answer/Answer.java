package io.bucketdns.answer;

import java.util.List;

/**
 * The resolver's answer to one question: what a DNS response carries, plus why, so that frontends
 * can count outcomes and the catalog can learn about names it missed.
 *
 * @param rcode the response code
 * @param outcome which rule produced this answer
 * @param zone the served zone the question fell into; null when refused
 * @param bucket the lowercase bucket name asked for; null at the apex, outside the zones and for
 *     names that cannot be buckets
 * @param answer the answer section
 * @param authority the authority section (the SOA of negative answers)
 * @param additional the additional section: addresses of in-zone name servers beside apex NS
 */
public record Answer(
        Rcode rcode, Outcome outcome, Zone zone, String bucket, List<ResourceRecord> answer, List<ResourceRecord> authority,
        List<ResourceRecord> additional) {

    /** Which rule answered. */
    public enum Outcome {
        /** A known bucket: CNAME to its zonegroup. */
        BUCKET,
        /** An unknown bucket sent to the default zonegroup. */
        DEFAULT_ZONEGROUP,
        /** An unknown bucket answered negatively: NXDOMAIN, or NODATA when buckets lie below its name. */
        NO_SUCH_BUCKET,
        /** A name below the zone that cannot be a bucket: NXDOMAIN. */
        NOT_A_BUCKET,
        /** Records at the apex. */
        APEX,
        /**
         * The name exists but has no records of the asked type: the apex, a name of {@code [dns]
         * records}, or an empty non-terminal (buckets or records lie below it).
         */
        NODATA,
        /** Records configured in {@code [dns] records}. */
        STATIC,
        /** The name is outside every served zone. */
        OUT_OF_ZONE;

        /** True when the catalog did not know the bucket, so a look-up might find it. */
        public boolean isMiss() {
            return this == DEFAULT_ZONEGROUP || this == NO_SUCH_BUCKET;
        }
    }

    public Answer {
        answer = List.copyOf(answer);
        authority = List.copyOf(authority);
        additional = List.copyOf(additional);
    }

    /** An answer with an empty additional section. */
    public Answer(Rcode rcode, Outcome outcome, Zone zone, String bucket, List<ResourceRecord> answer, List<ResourceRecord> authority) {
        this(rcode, outcome, zone, bucket, answer, authority, List.of());
    }
}
