package io.bucketdns.frontend.ops;

import io.bucketdns.answer.Answer;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.answer.RecordType;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one question in {@code every}, one line each. Sampled because a DNS server's full query log
 * is larger than its traffic is worth logging, and a flood would drown the log.
 */
public final class QueryLog implements QueryObserver {
    private static final Logger LOG = LoggerFactory.getLogger("query");
    private final long every;
    private final AtomicLong seen = new AtomicLong();

    /** @param every log the first question and then one in this many (1: all) */
    public QueryLog(long every) {
        this.every = every;
    }

    @Override
    public void answered(String frontend, String qname, int qtype, Answer answer, long nanos) {
        if (seen.getAndIncrement() % every != 0) {
            return;
        }
        String target = answer.answer().isEmpty() ? "-" : answer.answer().get(0).data();
        LOG.info("{} {} {} {} {} {} {}us", frontend, printable(qname), RecordType.name(qtype), answer.rcode(),
                answer.outcome().name().toLowerCase(java.util.Locale.ROOT), target, nanos / 1000);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 256));
        for (int i = 0; i < s.length() && i < 256; i++) {
            char c = s.charAt(i);
            b.append(c < 0x21 || c > 0x7E ? '?' : c);
        }
        return b.toString();
    }
}
