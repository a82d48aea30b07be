package dev.ferry.support;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Every test's output goes to {@code target/surefire-reports/<class>-output.txt}, so the console shows only summaries;
 * a failing test's report carries the last {@value #LINES} lines of its output, where the reason usually is.
 * Registered for all tests through JUnit's extension auto-detection.
 */
public final class LogTailOnFailure implements BeforeAllCallback, BeforeEachCallback, TestExecutionExceptionHandler {

    static final int LINES = 40;

    /**
     * Installed once, before any test class's own extensions: Spring's OutputCaptureExtension unwraps captures nested
     * directly in each other, and a stream of ours between two of them would make it capture every line twice.
     */
    private static Tail tail;

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (LogTailOnFailure.class) {
            if (tail == null) {
                tail = new Tail(System.out);
                System.setOut(new PrintStream(tail, true, StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (tail != null) {
            tail.clear();
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
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

        synchronized void clear() {
            lines.clear();
            line.reset();
        }

        synchronized String lines() {
            return String.join("\n", lines) + (line.size() > 0 ? "\n" + line.toString(StandardCharsets.UTF_8) : "");
        }
    }
}
