package dev.ferry.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CopiedOffsetsTest {

    @Test
    void keepsConsecutiveOffsetsAsRunsInAnyOrderWithRepeats() {
        CopiedOffsets copied = CopiedOffsets.of(7, 3, 4, 5, 5, 9, 10, 8, 20);
        assertThat(copied).hasToString("[3..5, 7..10, 20]");
        assertThat(copied.highest()).isEqualTo(20);
        assertThat(copied.contains(3)).isTrue();
        assertThat(copied.contains(5)).isTrue();
        assertThat(copied.contains(6)).as("a gap between runs").isFalse();
        assertThat(copied.contains(9)).isTrue();
        assertThat(copied.contains(2)).as("below the first").isFalse();
        assertThat(copied.contains(21)).as("above the last").isFalse();
        assertThat(copied.countBetween(4, 8)).isEqualTo(4);   // 4, 5, 7, 8
    }

    @Test
    void nothingCopied() {
        assertThat(CopiedOffsets.of()).isSameAs(CopiedOffsets.NONE);
        assertThat(CopiedOffsets.NONE.highest()).isEqualTo(-1);
        assertThat(CopiedOffsets.NONE.contains(0)).isFalse();
        assertThat(CopiedOffsets.NONE.countBetween(0, 100)).isZero();
    }

    @Test
    void addsARunThatJoinsTheOnesItTouches() {
        CopiedOffsets copied = CopiedOffsets.of(10, 11, 20, 30);
        assertThat(copied.withRun(0, 9)).hasToString("[0..11, 20, 30]");
        assertThat(copied.withRun(12, 25)).hasToString("[10..25, 30]");
        assertThat(copied.withRun(40, 41)).hasToString("[10..11, 20, 30, 40..41]");
        assertThat(copied.withRun(5, 4)).as("an empty run").isSameAs(copied);
        assertThat(CopiedOffsets.NONE.withRun(3, 5)).hasToString("[3..5]");
    }
}
