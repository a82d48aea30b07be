package dev.ferry;

import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.micrometer.metrics.autoconfigure.logging.logback.LogbackMetricsAutoConfiguration;

// Logback metrics install a turbo filter that runs on every level check, and Kafka Streams checks the trace level for
// every record it reads (RecordQueue): 4.5% of the replication profile for a log-events counter. Not worth it.
@SpringBootApplication(exclude = LogbackMetricsAutoConfiguration.class)
@ConfigurationPropertiesScan
public class FerryApplication {

    public static void main(String[] args) {
        loadLz4Native();
        SpringApplication.run(FerryApplication.class, args);
    }

    /**
     * lz4-java (the producer's lz4 compression, Ferry's default) uses its native compressor only if its library is
     * loaded already or its classes come from the system class loader. In the executable jar (java -jar, Spring Boot's
     * nested-jar class loader) neither holds, and its pure-Java fallback took half of the stream threads' time
     * (JFR profile of bench/compare.sh, README Performance). Loading the library first makes the producer use it.
     */
    static void loadLz4Native() {
        try {
            Class.forName("net.jpountz.util.Native").getMethod("load").invoke(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LoggerFactory.getLogger(FerryApplication.class).info("lz4 compresses with its Java implementation (its native library did not load: {})",
                    e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e);
        }
    }
}
