package dev.ferry.offsets;

import java.util.LinkedHashMap;
import java.util.Map;

/** The groups of one batch: each translated and committed, or failed (one group's failure is not another's). */
final class SyncBatch {

    final Map<String, GroupOffsetSync.GroupTranslation> translations = new LinkedHashMap<>();
    final Map<String, GroupOffsetSync.CommitResult> commits = new LinkedHashMap<>();
    final Map<String, RuntimeException> failures = new LinkedHashMap<>();

    void throwIfFailed(String group) {
        RuntimeException failure = failures.get(group);
        if (failure != null) {
            throw failure;
        }
    }
}
