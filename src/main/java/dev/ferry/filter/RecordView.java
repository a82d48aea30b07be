package dev.ferry.filter;

import org.apache.kafka.common.header.Headers;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The record a filter looks at. The value is parsed as JSON lazily, at most once, and only when a JSON condition
 * asks for it. One view is reused per processor (one thread), so evaluating a filter allocates nothing but the tree.
 */
public final class RecordView {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private byte[] key;
    private byte[] value;
    private Headers headers;
    private JsonNode json;
    private MalformedValueException malformed;

    public RecordView reset(byte[] key, byte[] value, Headers headers) {
        this.key = key;
        this.value = value;
        this.headers = headers;
        this.json = null;
        this.malformed = null;
        return this;
    }

    public static RecordView of(byte[] key, byte[] value, Headers headers) {
        return new RecordView().reset(key, value, headers);
    }

    public byte[] key() {
        return key;
    }

    public byte[] value() {
        return value;
    }

    public Headers headers() {
        return headers;
    }

    public boolean isTombstone() {
        return value == null;
    }

    /** @throws MalformedValueException when the value is not one JSON document */
    JsonNode json() {
        if (json == null) {
            if (malformed != null) {
                throw malformed;
            }
            try {
                JsonNode parsed = JSON.readTree(value);
                if (parsed == null || parsed.isMissingNode()) {
                    throw new MalformedValueException("value is empty, not JSON");
                }
                json = parsed;
            } catch (JacksonException e) {
                malformed = new MalformedValueException("value is not valid JSON: " + e.getOriginalMessage());
                throw malformed;
            } catch (MalformedValueException e) {
                malformed = e;
                throw e;
            }
        }
        return json;
    }
}
