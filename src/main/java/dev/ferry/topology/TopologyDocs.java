package dev.ferry.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.streams.TopologyDescription;

import dev.ferry.headers.SourceHeaders;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;

/**
 * Renders {@code topology-docs/README.md}: a Mermaid diagram with one subgraph per stream (source topic, filter, stamp,
 * destination topic) and the raw {@code Topology#describe()} text, both from the same plan Ferry runs.
 */
public final class TopologyDocs {

    public static final String REGENERATE = "./mvnw test -Dtest=TopologyDocsTest -Dtopology-docs.write=true";

    private TopologyDocs() {
    }

    private static String coordinates(SourceHeaders headers) {
        if (headers.format() == SourceHeaders.Format.COMPACT) {
            return "header `" + headers.compact() + "`: `<cluster>/<topic>-<partition>@<offset>`; `" + headers.origin()
                    + "` only on a copy of a copy";
        }
        return "headers " + String.join(", ", headers.written().stream().map(n -> "`" + n + "`").toList());
    }

    public static String render(ReplicationPlan plan, TopologyDescription description, String configFile) {
        StringBuilder md = new StringBuilder();
        md.append("# Replication topology\n\n");
        md.append("Generated from `").append(configFile).append("` by `TopologyDocs`; do not edit. Regenerate with\n`")
                .append(REGENERATE).append("` (a test fails while this file is stale).\n\n");
        md.append("Source cluster `").append(plan.sourceAlias()).append("` → destination cluster `").append(plan.destinationAlias())
                .append("`. Every copy carries its source coordinates (").append(coordinates(plan.headers())).append("); records whose origin is `")
                .append(plan.destinationAlias())
                .append("` are not copied.\n\n");

        md.append("```mermaid\nflowchart LR\n");
        Map<String, String> sources = new TreeMap<>();
        for (StreamMapping m : plan.streams()) {
            sources.putIfAbsent(m.source().describe(), "src_" + id(m.source().describe()));
        }
        sources.forEach((topic, id) -> md.append("    ").append(id).append("[(\"").append(escape(topic)).append("\")]\n"));
        for (StreamMapping m : plan.streams()) {
            String s = id(m.name());
            md.append("    subgraph ").append(s).append("[\"stream ").append(escape(m.name())).append("\"]\n");
            md.append("        ").append(s).append("_copy{{\"").append(escape(m.name())).append("-copy<br/>")
                    .append(escape(m.filter().describe())).append("<br/>stamps source coordinates, ")
                    .append(m.partitioning().name().toLowerCase().replace('_', '-')).append(" partitioning\"}}\n");
            md.append("    end\n");
            md.append("    ").append(s).append("_sink[(\"").append(escape(m.namer().template())).append("\")]\n");
            md.append("    ").append(sources.get(m.source().describe())).append(" --> ").append(s).append("_copy --> ")
                    .append(s).append("_sink\n");
        }
        md.append("```\n\n");

        md.append("| stream | source | filter | destination | partitioning | on error |\n|---|---|---|---|---|---|\n");
        for (StreamMapping m : plan.streams()) {
            md.append("| ").append(m.name()).append(" | `").append(m.source().describe()).append("` | ")
                    .append(m.filter().describe().replace("|", "\\|")).append(" | `").append(m.namer().template()).append("` | ")
                    .append(m.partitioning().name().toLowerCase().replace('_', '-')).append(" | ")
                    .append(m.onError().name().toLowerCase().replace('_', '-'))
                    .append(m.onError() == dev.ferry.mapping.ErrorPolicy.DEAD_LETTER ? " → `" + m.deadLetterTopic() + "`" : "").append(" |\n");
        }
        md.append("\n## `Topology#describe()`\n\n```\n").append(description.toString().strip()).append("\n```\n");
        return md.toString();
    }

    private static String id(String text) {
        List<String> parts = new ArrayList<>();
        for (String part : text.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return String.join("_", parts);
    }

    private static String escape(String text) {
        return text.replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;");
    }
}
