package io.bucketdns.answer;

/**
 * Told about every question a frontend answered, for metrics and query logs. Implementations must
 * be thread-safe and fast: they run on the answering thread.
 */
public interface QueryObserver {
    /** Observes nothing. */
    QueryObserver NONE = (frontend, qname, qtype, answer, nanos) -> { };

    /**
     * @param frontend where the question came from: udp, tcp, http, unix or pipe
     * @param qname the name as asked
     * @param qtype the type asked
     * @param answer what the resolver answered
     * @param nanos how long answering took, from decoded question to encoded reply
     */
    void answered(String frontend, String qname, int qtype, Answer answer, long nanos);

    /** A message that could not be read as a question: answered FORMERR, or dropped. */
    default void malformed(String frontend) {
    }

    /** A question whose answering failed inside bucketdns (a bug): answered SERVFAIL. */
    default void failed(String frontend) {
    }

    /**
     * A UDP response that response rate limiting held back.
     *
     * @param kind what it was counted as: positive, synthesized, nxdomain, nodata, any or error
     * @param slipped true when it was sent empty with TC set, false when dropped
     */
    default void limited(String kind, boolean slipped) {
    }

    /**
     * A zone transfer request over TCP.
     *
     * @param zone the zone asked for, as asked when it is none of ours
     * @param result sent, current (an IXFR from a secondary up to date), refused or notauth
     */
    default void transfer(String zone, String result) {
    }

    /** Both this and {@code other}, in that order. */
    default QueryObserver and(QueryObserver other) {
        if (other == NONE) {
            return this;
        }
        if (this == NONE) {
            return other;
        }
        QueryObserver first = this;
        return new QueryObserver() {
            @Override
            public void answered(String frontend, String qname, int qtype, Answer answer, long nanos) {
                first.answered(frontend, qname, qtype, answer, nanos);
                other.answered(frontend, qname, qtype, answer, nanos);
            }

            @Override
            public void malformed(String frontend) {
                first.malformed(frontend);
                other.malformed(frontend);
            }

            @Override
            public void transfer(String zone, String result) {
                first.transfer(zone, result);
                other.transfer(zone, result);
            }

            @Override
            public void failed(String frontend) {
                first.failed(frontend);
                other.failed(frontend);
            }

            @Override
            public void limited(String kind, boolean slipped) {
                first.limited(kind, slipped);
                other.limited(kind, slipped);
            }
        };
    }
}
