package dev.ferry.support;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Every test's output goes to {@code target/surefire-reports/<class>-output.txt}, so the console shows only summaries;
 * a failing test's report carries the last {@value #LINES} lines of its output, where the reason usually is.
 * Registered for all tests through JUnit's extension auto-detection.
 */
public final class LogTailOnFailure implements BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {

    static final int LINES = 40;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LogTailOnFailure.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        PrintStream original = System.out;
        Tail tail = new Tail(original);
        context.getStore(NAMESPACE).put("original", original);
        context.getStore(NAMESPACE).put("tail", tail);
        System.setOut(new PrintStream(tail, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        PrintStream original = context.getStore(NAMESPACE).remove("original", PrintStream.class);
        if (original != null) {
            System.out.flush();
            System.setOut(original);
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        Tail tail = context.getStore(NAMESPACE).get("tail", Tail.class);
        if (tail == null || throwable instanceof TestAbortedException) {
            throw throwable;
        }
        System.out.flush();
        throw new AssertionError(throwable + "\n---- the last " + LINES + " lines of this test's output ----\n" + tail.lines(), throwable);
    }

    /** Passes everything through and keeps the last lines. */
    private static final class Tail extends OutputStream {
        private final OutputStream through;
        private final Deque<String> lines = new ArrayDeque<>();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Tail(OutputStream through) {
            this.through = through;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            through.write(bytes, offset, length);
            for (int i = offset; i < offset + length; i++) {
                if (bytes[i] == '\n') {
                    lines.addLast(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    if (lines.size() > LINES) {
                        lines.removeFirst();
                    }
                } else if (line.size() < 2_000) {
                    line.write(bytes[i]);
                }
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            through.flush();
        }

        synchronized String lines() {
            return String.join("\n", lines) + (line.size() > 0 ? "\n" + line.toString(StandardCharsets.UTF_8) : "");
        }
    }
}
