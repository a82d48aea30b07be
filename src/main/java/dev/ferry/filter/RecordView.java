package dev.ferry.filter;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.apache.kafka.common.header.Headers;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.NullNode;

/**
 * The record a filter looks at. A JSON value is read with Jackson's streaming parser, lazily (only when a JSON
 * condition asks), at most once per record for all the fields the filter reads, and only as far as needed: objects and
 * arrays off the wanted paths are skipped, and reading stops as soon as every wanted field was found. One view is
 * reused per processor (one thread); it learns the filter's JSON pointers on the first record.
 *
 * <p>Consequences (decisions): a field that occurs twice in one object is taken from its first occurrence; a value
 * that is broken only after the last wanted field is not noticed (Ferry copies the bytes, it does not validate them).
 * A value that is not JSON up to there, is empty, or - when a wanted field is absent, so everything is read - has
 * anything after its one document, is a {@link MalformedValueException}.
 */
public final class RecordView {

    // sub-trees are read from the middle of a document; the end of the document is checked here, not by readTree
    private static final JsonMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private byte[] key;
    private byte[] value;
    private Headers headers;

    private JsonPointer[] pointers = new JsonPointer[0];
    /** The node at each pointer for the current record (MissingNode when absent); null entries: not found yet. */
    private JsonNode[] found = new JsonNode[0];
    /** 0..n-1: every pointer is wanted at the root. */
    private int[] allIds = new int[0];
    private int unresolved;
    private boolean scanned;
    private MalformedValueException malformed;
    private long scans;

    public RecordView reset(byte[] key, byte[] value, Headers headers) {
        this.key = key;
        this.value = value;
        this.headers = headers;
        this.scanned = false;
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

    /**
     * The node the pointer selects in the JSON value; a {@code MissingNode} when the field is absent.
     *
     * @throws MalformedValueException when the value is not one JSON document
     */
    JsonNode at(JsonPointer pointer) {
        int index = indexOf(pointer);
        if (index < 0) {
            // a pointer not seen before (the first record for this filter): read again, for all known pointers
            index = pointers.length;
            pointers = Arrays.copyOf(pointers, index + 1);
            pointers[index] = pointer;
            found = new JsonNode[pointers.length];
            allIds = IntStream.range(0, pointers.length).toArray();
            scanned = false;
        }
        if (!scanned) {
            scan();
        }
        if (malformed != null) {
            throw malformed;
        }
        return found[index];
    }

    private int indexOf(JsonPointer pointer) {
        for (int i = 0; i < pointers.length; i++) {
            if (pointers[i] == pointer || pointers[i].equals(pointer)) {
                return i;
            }
        }
        return -1;
    }

    /** How many times a value was read (tests: once per record once the view knows the filter's pointers). */
    long scans() {
        return scans;
    }

    private void scan() {
        scanned = true;
        scans++;
        Arrays.fill(found, null);
        unresolved = pointers.length;
        try (JsonParser parser = JSON.createParser(value)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new MalformedValueException("value is empty, not JSON");
            }
            visit(parser, token, pointers, allIds, allIds.length);
            if (unresolved > 0 && parser.nextToken() != null) {
                throw new MalformedValueException("value is not valid JSON: more content after the end of the JSON document");
            }
            for (int i = 0; i < found.length; i++) {
                if (found[i] == null) {
                    found[i] = MissingNode.getInstance();
                }
            }
        } catch (JacksonException e) {
            malformed = new MalformedValueException("value is not valid JSON: " + e.getOriginalMessage());
        } catch (MalformedValueException e) {
            malformed = e;
        }
    }

    /**
     * The parser is at {@code token}, the first token of a value; {@code tails[i]} is what is left of pointer
     * {@code ids[i]} below this value. Leaves the parser at the value's last token (or wherever it stopped early).
     */
    private void visit(JsonParser parser, JsonToken token, JsonPointer[] tails, int[] ids, int n) {
        boolean endsHere = false;
        for (int i = 0; i < n; i++) {
            endsHere |= tails[i].matches();
        }
        if (endsHere) {
            JsonNode node = token.isScalarValue() ? scalar(parser, token) : (JsonNode) JSON.readTree(parser);
            for (int i = 0; i < n; i++) {
                resolve(ids[i], node.at(tails[i]));
            }
            return;
        }
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            boolean object = token == JsonToken.START_OBJECT;
            JsonPointer[] below = new JsonPointer[n];
            int[] belowIds = new int[n];
            for (int element = 0; ; element++) {
                token = parser.nextToken();
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    return;
                }
                String name = object ? parser.currentName() : null;
                if (object) {
                    token = parser.nextToken();
                }
                int m = 0;
                for (int i = 0; i < n; i++) {
                    if (found[ids[i]] == null) {
                        JsonPointer tail = object ? tails[i].matchProperty(name) : tails[i].matchElement(element);
                        if (tail != null) {
                            below[m] = tail;
                            belowIds[m++] = ids[i];
                        }
                    }
                }
                if (m == 0) {
                    parser.skipChildren();
                } else {
                    visit(parser, token, below, belowIds, m);
                    if (unresolved == 0) {
                        return;
                    }
                }
            }
        }
        // a scalar where a pointer wants to go deeper: that field is absent (resolved as missing at the end)
    }

    private void resolve(int id, JsonNode node) {
        if (found[id] == null) {
            found[id] = node;
            unresolved--;
        }
    }

    private static JsonNode scalar(JsonParser parser, JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> NODES.stringNode(parser.getString());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            default -> NullNode.getInstance();
        };
    }
}
