package dev.ferry.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.springframework.boot.SpringApplication;

import dev.ferry.FerryApplication;
import sun.misc.Signal;
import sun.misc.SignalHandler;
import dev.ferry.support.TwoClusters;

/**
 * {@code ./mvnw spring-boot:test-run}: two in-process KRaft clusters, the example topics of the top-level
 * {@code application.yml}, a steady trickle of demo events (some pass the filters, some do not, a few are not JSON),
 * a slow consumer group {@code payments-audit} on the source, and Ferry pointed at both clusters. Stop with Ctrl-C.
 */
public final class FerryDemo {

    private static final String[] REGIONS = {"eu", "us", "apac"};
    private static final String[] STATUSES = {"PAID", "SHIPPED", "PENDING", "FAILED"};

    private FerryDemo() {
    }

    public static void main(String[] args) {
        TwoClusters clusters = new TwoClusters();
        clusters.createSourceTopic("orders", 3);
        clusters.createSourceTopic("payments", 3);
        clusters.createSourceTopic("audit.logins", 2);
        clusters.createSourceTopic("audit.admin", 1);

        Thread traffic = new Thread(() -> produce(clusters.sourceServers()), "demo-traffic");
        traffic.setDaemon(true);
        traffic.start();
        Thread consumer = new Thread(() -> consume(clusters.sourceServers()), "demo-consumer");
        consumer.setDaemon(true);
        consumer.start();

        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.add("--ferry.source.bootstrap-servers=" + clusters.sourceServers());
        arguments.add("--ferry.destination.bootstrap-servers=" + clusters.destinationServers());
        arguments.add("--ferry.log-interval=5s");
        arguments.add("--ferry.offset-sync.interval=10s");
        // the planned-failover POST of the README's walk-through; a real deployment takes the password from a Secret
        arguments.add("--ferry.management.write-enabled=true");
        arguments.add("--ferry.management.username=demo");
        arguments.add("--ferry.management.password=demo");
        // One ordered shutdown on Ctrl-C: the demo's clients first, then Ferry (it flushes to the destination and commits on
        // the source, so both clusters must still be up), then the clusters, then the JVM's exit. It runs as the signal's
        // handler, not as a shutdown hook: the in-process brokers' temporary folders are deleted by shutdown hooks of their
        // own, which would race with brokers still writing to them (LogDirFailureChannel errors).
        SpringApplication application = new SpringApplication(FerryApplication.class);
        application.setRegisterShutdownHook(false);
        var context = application.run(arguments.toArray(String[]::new));
        AtomicBoolean stopping = new AtomicBoolean();
        SignalHandler stop = signal -> {
            if (stopping.compareAndSet(false, true)) {
                stop(traffic);
                stop(consumer);
                context.close();
                clusters.close();
                System.out.println("Demo stopped: Ferry, then both clusters.");
                System.exit(128 + signal.getNumber());
            }
        };
        Signal.handle(new Signal("INT"), stop);
        Signal.handle(new Signal("TERM"), stop);
        // The JVM would exit by itself once Ferry's and the brokers' threads ended, while the handler still closes the
        // brokers (and their folders' deletion races them): main waits for the handler's System.exit.
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stop(Thread thread) {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void produce(String servers) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(servers)) {
            for (long i = 0; !Thread.currentThread().isInterrupted(); i++) {
                String region = REGIONS[random.nextInt(REGIONS.length)];
                ProducerRecord<byte[], byte[]> order = new ProducerRecord<>("orders", bytes("order-" + i),
                        bytes("{\"id\":" + i + ",\"region\":\"" + region + "\"}"));
                order.headers().add(new RecordHeader("region", bytes(region)));
                producer.send(order);

                String payment = (i % 50 == 49) ? "not json " + i
                        : "{\"id\":" + i + ",\"status\":\"" + STATUSES[random.nextInt(STATUSES.length)] + "\",\"amount\":" + random.nextInt(300) + "}";
                producer.send(new ProducerRecord<>("payments", bytes("payment-" + i), bytes(payment)));

                if (i % 5 == 0) {
                    producer.send(new ProducerRecord<>(i % 10 == 0 ? "audit.logins" : "audit.admin", bytes("user-" + (i % 7)),
                            bytes("{\"event\":\"login\",\"seq\":" + i + "}")));
                }
                try {
                    Thread.sleep(100);   // a trickle, ~10 events per second per topic
                } catch (InterruptedException e) {
                    return;
                }
            }
        } catch (InterruptException e) {
            // Ctrl-C interrupted a send: the demo is stopping
        }
    }

    /** A consumer group on the source, so the offset sync and /actuator/offsets have something to translate. */
    private static void consume(String servers) {
        try (KafkaConsumer<byte[], byte[]> consumer = TwoClusters.consumer(servers, "payments-audit")) {
            consumer.subscribe(List.of("payments"));
            while (!Thread.currentThread().isInterrupted()) {
                if (!consumer.poll(Duration.ofMillis(500)).isEmpty()) {
                    consumer.commitSync();
                }
                Thread.sleep(2_000);   // a slow consumer: it lags behind the producer
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();   // Ctrl-C: the demo is stopping
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
