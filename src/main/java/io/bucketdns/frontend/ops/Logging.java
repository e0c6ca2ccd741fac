package io.bucketdns.frontend.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the log format and level from the config, after logback has read its defaults, and again
 * on every reload: both settings switch either way.
 */
public final class Logging {
    /** The plain format of logback.xml: journald adds the timestamp of record, this one is for humans. */
    private static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n";

    private Logging() {}

    /**
     * @param json one JSON object per line (for log shippers) instead of plain lines
     * @param debug the seed's {@code debug}: log every remote-backend call
     */
    public static void configure(boolean json, boolean debug) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        // null inherits the root level again, so debug can also be switched off by a reload
        context.getLogger("io.bucketdns").setLevel(debug ? Level.DEBUG : null);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> appender = root.getAppender("STDERR");
        if (appender instanceof ConsoleAppender<ILoggingEvent> console && (console.getEncoder() instanceof JsonEncoder) != json) {
            console.stop();
            console.setEncoder(json ? jsonEncoder(context) : textEncoder(context));
            console.start();
        }
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
