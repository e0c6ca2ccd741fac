package io.bucketdns.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Appender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Switches the log format and level from the config, after logback has read its defaults. */
public final class Logging {
    private Logging() {}

    /**
     * @param json one JSON object per line (for log shippers) instead of plain lines
     * @param debug the seed's {@code debug}: log every remote-backend call
     */
    public static void configure(boolean json, boolean debug) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (debug) {
            context.getLogger("io.bucketdns").setLevel(Level.DEBUG);
        }
        if (!json) {
            return;
        }
        Appender<ILoggingEvent> appender = root.getAppender("STDERR");
        if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithFormattedMessage(true);
            encoder.setWithMessage(false);
            encoder.setWithArguments(false);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.setWithContext(false);
            encoder.start();
            console.setEncoder(encoder);
            console.start();
        }
    }
}
