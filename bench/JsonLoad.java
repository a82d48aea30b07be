import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Loads JSON records for bench/json-filter.sh: 2N values of exactly SIZE bytes, every other one with "status":"PAID"
 * as the LAST field (so a filter on it reads the whole value). Passing records carry the key, value size and headers
 * the harness's --verify expects for records 0..N-1 (key-<j>, headers src and seq); the others have key drop-<i>.
 *   java -cp 'ferry/lib/*' bench/JsonLoad.java BOOTSTRAP TOPIC PASSING_RECORDS PARTITIONS [SIZE]
 */
public final class JsonLoad {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        long passing = Long.parseLong(args[2]);
        int partitions = Integer.parseInt(args[3]);
        int size = args.length > 4 ? Integer.parseInt(args[4]) : 1024;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get();
        }
        Map<String, Object> p = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        byte[] src = "ferry-json-loader".getBytes(StandardCharsets.UTF_8);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> error = new AtomicReference<>();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (long i = 0; i < 2 * passing && error.get() == null; i++) {
                boolean pass = i % 2 == 0;
                long j = i / 2;
                RecordHeaders h = new RecordHeaders();
                h.add("src", src);
                h.add("seq", Long.toString(j).getBytes(StandardCharsets.UTF_8));
                byte[] key = (pass ? "key-" + j : "drop-" + i).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, (int) (j % partitions), null, key, json(i, pass, size), h),
                        (md, e) -> { if (e != null) error.compareAndSet(null, e); else acked.incrementAndGet(); });
            }
            producer.flush();
        }
        if (error.get() != null) throw error.get();
        System.err.printf("json-load records=%d passing=%d seconds=%.1f%n", acked.get(), passing, (System.nanoTime() - t0) / 1e9);
    }

    static byte[] json(long i, boolean pass, int size) {
        String head = "{\"id\":" + i + ",\"amount\":" + (i % 1000) + ".5,\"customer\":{\"id\":\"c-" + (i % 9973)
                + "\",\"country\":\"DE\",\"tags\":[\"a\",\"b\",\"c\"]},\"notes\":\"";
        String tail = "\",\"status\":\"" + (pass ? "PAID" : "NEW") + "\"}";
        StringBuilder b = new StringBuilder(size).append(head);
        while (b.length() < size - tail.length()) {
            b.append((char) ('a' + (b.length() % 26)));
        }
        byte[] bytes = b.append(tail).toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length != size) throw new IllegalStateException("value of " + bytes.length + " bytes, not " + size);
        return bytes;
    }
}
