package dev.ferry.config;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps the Kafka clients' repeated log lines to one per {@link #PERIOD_SECONDS} seconds for each logger and kind of
 * message: an unreachable cluster made the admin client log "Rebootstrapping" ~3,000 times a second, a deleted topic
 * ~2,700 "unknown topic or partition" warnings a second, a destination broker's restart ~50 "Got error produce response
 * with correlation id N on topic-partition T-P, retrying" lines, burying the one line that says what is wrong. Kafka's
 * loggers format the message before Logback sees it, so a kind is the message with every number left out (correlation
 * ids, partitions, offsets, node ids). The first line of each kind always shows; ERROR lines always pass. Installed on
 * every appender right after Spring Boot set up Logback.
 * <p>
 * An appender filter, not a turbo filter: Logback asks turbo filters on every level check, enabled or not, and Kafka
 * Streams checks the trace level several times per record; that took 13 % of the stream threads' time (JFR profile of
 * bench/compare.sh). An appender filter sees only the events that are written.
 */
public final class KafkaLogThrottle extends Filter<ILoggingEvent> implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    static final int PERIOD_SECONDS = 10;
    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(PERIOD_SECONDS);

    /** When each (logger, message format) last passed. */
    private final ConcurrentHashMap<String, Long> lastPassed = new ConcurrentHashMap<>();

    @Override
    public FilterReply decide(ILoggingEvent event) {
        Level level = event.getLevel();
        String format = event.getMessage();
        if (format == null || level == null || level.levelInt < Level.INFO_INT || level.levelInt >= Level.ERROR_INT
                || !event.getLoggerName().startsWith("org.apache.kafka")) {
            return FilterReply.NEUTRAL;
        }
        String key = event.getLoggerName() + '\u0000' + kind(format);
        long now = System.nanoTime();
        Long last = lastPassed.get(key);
        if (last != null && now - last < PERIOD_NANOS) {
            return FilterReply.DENY;
        }
        lastPassed.put(key, now);
        if (lastPassed.size() > 10_000) {
            lastPassed.clear();   // bounded: many distinct messages are not a flood of one
        }
        return FilterReply.NEUTRAL;
    }

    /** The message with each run of digits as one '#': "correlation id 135 on east.orders-0" and "... 2625 on east.orders-4" are one kind. */
    static String kind(String message) {
        StringBuilder kind = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c < '0' || c > '9') {
                kind.append(c);
            } else if (kind.isEmpty() || kind.charAt(kind.length() - 1) != '#') {
                kind.append('#');
            }
        }
        return kind.toString();
    }

    /** One filter per appender of the root logger (a shared one would let an event pass one appender and deny it on the next). */
    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        for (Iterator<Appender<ILoggingEvent>> it = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (appender.getCopyOfAttachedFiltersList().stream().noneMatch(f -> f instanceof KafkaLogThrottle)) {
                KafkaLogThrottle filter = new KafkaLogThrottle();
                filter.setName("ferry-kafka-log-throttle");
                filter.setContext(context);
                filter.start();
                appender.addFilter(filter);
            }
        }
    }

    /** After Spring Boot's logging listener, which resets Logback. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 30;
    }
}
