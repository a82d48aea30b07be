package dev.ferry.config;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps the Kafka clients' repeated log lines to one per {@link #PERIOD_SECONDS} seconds for each logger and message:
 * an unreachable cluster made the admin client log "Rebootstrapping" ~3,000 times a second, a deleted topic ~2,700
 * "unknown topic or partition" warnings a second, burying the one line that says what is wrong. The first line of each
 * kind always shows; ERROR lines always pass. Installed right after Spring Boot set up Logback.
 */
public final class KafkaLogThrottle extends TurboFilter implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    static final int PERIOD_SECONDS = 10;
    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(PERIOD_SECONDS);

    /** When each (logger, message format) last passed. */
    private final ConcurrentHashMap<String, Long> lastPassed = new ConcurrentHashMap<>();

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        // Called for every logging call, enabled or not (Kafka Streams checks TRACE per record): the cheap tests first.
        if (format == null || level == null || level.levelInt < Level.INFO_INT || level.levelInt >= Level.ERROR_INT
                || !logger.getName().startsWith("org.apache.kafka")) {
            return FilterReply.NEUTRAL;
        }
        String key = logger.getName() + '\u0000' + format;
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

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(f -> f instanceof KafkaLogThrottle)) {
            KafkaLogThrottle filter = new KafkaLogThrottle();
            filter.setName("ferry-kafka-log-throttle");
            filter.setContext(context);
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    /** After Spring Boot's logging listener, which resets Logback. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 30;
    }
}
