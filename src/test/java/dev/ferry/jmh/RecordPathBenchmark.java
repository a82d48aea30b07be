package dev.ferry.jmh;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.ferry.filter.FilterParser;
import dev.ferry.filter.RecordFilter;
import dev.ferry.filter.RecordView;
import dev.ferry.headers.SourceHeaders;

/**
 * The per-record work Ferry adds to Kafka Streams: evaluating each kind of filter on a 1 KiB JSON record, and stamping
 * the source coordinate headers. Run with {@code bench/jmh.sh} (not part of the test suite).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecordPathBenchmark {

    private byte[] key;
    private byte[] value;
    private RecordHeaders headers;
    private final RecordView view = new RecordView();
    private RecordFilter headerEquals;
    private RecordFilter keyPrefix;
    private RecordFilter jsonEquals;
    private RecordFilter jsonRange;
    private RecordFilter combined;
    private RecordFilter jsonLastField;
    private final SourceHeaders.Stamp compact = new SourceHeaders(SourceHeaders.DEFAULT_PREFIX).stamp("east", "orders");
    private final SourceHeaders.Stamp text = new SourceHeaders(SourceHeaders.DEFAULT_PREFIX, SourceHeaders.Format.TEXT).stamp("east", "orders");

    @Setup
    public void setUp() {
        key = "eu-order-12345".getBytes(StandardCharsets.UTF_8);
        StringBuilder json = new StringBuilder("{\"id\":12345,\"status\":\"PAID\",\"amount\":250.5,\"customer\":{\"country\":\"DE\"},\"notes\":\"");
        while (json.length() < 1000) {
            json.append('x');
        }
        value = json.append("\",\"channel\":\"web\"}").toString().getBytes(StandardCharsets.UTF_8);
        headers = new RecordHeaders();
        headers.add("region", "eu".getBytes(StandardCharsets.UTF_8));
        headers.add("trace", "0af7651916cd43dd8448eb211c80319c".getBytes(StandardCharsets.UTF_8));
        headerEquals = filter(Map.of("header", Map.of("name", "region", "equals", "eu")));
        keyPrefix = filter(Map.of("key", Map.of("prefix", "eu-")));
        jsonEquals = filter(Map.of("json", Map.of("path", "/status", "in", List.of("PAID", "SHIPPED"))));
        jsonRange = filter(Map.of("json", Map.of("path", "/amount", "gte", "100")));
        combined = filter(Map.of("all", List.of(Map.of("header", Map.of("name", "region", "equals", "eu")),
                Map.of("json", Map.of("path", "/customer/country", "equals", "DE")))));
        // the field after ~1 KiB of other content: the whole value is read
        jsonLastField = filter(Map.of("json", Map.of("path", "/channel", "equals", "web")));
    }

    private static RecordFilter filter(Map<String, Object> tree) {
        return FilterParser.parse(tree, "ferry.streams[0].filter");
    }

    @Benchmark
    public boolean jsonLastField() {
        return jsonLastField.accepts(view.reset(key, value, headers));
    }

    @Benchmark
    public boolean headerEquals() {
        return headerEquals.accepts(view.reset(key, value, headers));
    }

    @Benchmark
    public boolean keyPrefix() {
        return keyPrefix.accepts(view.reset(key, value, headers));
    }

    @Benchmark
    public boolean jsonIn() {
        return jsonEquals.accepts(view.reset(key, value, headers));
    }

    @Benchmark
    public boolean jsonNumericRange() {
        return jsonRange.accepts(view.reset(key, value, headers));
    }

    @Benchmark
    public boolean headerAndJson() {
        return combined.accepts(view.reset(key, value, headers));
    }

    @Benchmark
    public RecordHeaders stampCompact() {
        RecordHeaders copy = new RecordHeaders(headers.toArray());
        compact.apply(copy, 3, 1_234_567L, 1_763_700_000_000L);
        return copy;
    }

    @Benchmark
    public RecordHeaders stampText() {
        RecordHeaders copy = new RecordHeaders(headers.toArray());
        text.apply(copy, 3, 1_234_567L, 1_763_700_000_000L);
        return copy;
    }
}
