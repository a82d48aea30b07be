package dev.ferry.config;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.cluster.MissingPermissionsException;
import dev.ferry.mapping.TopicProvisioningException;

/** Turns Ferry's startup failures into Boot's short "what went wrong / what to do" report instead of a stack trace. */
class FerryFailureAnalyzer implements FailureAnalyzer {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MissingPermissionsException) {
                return new FailureAnalysis(t.getMessage(), "Add the ACLs named above (README \"Security\" lists every ACL Ferry needs, per feature), "
                        + "then start Ferry again.", t);
            }
            if (t instanceof TopicProvisioningException) {
                return new FailureAnalysis(t.getMessage(), "Fix the topics or the stream mapping named above, then start Ferry again.", t);
            }
            if (t instanceof ClusterUnavailableException) {
                return new FailureAnalysis(t.getMessage(), "Make the cluster reachable or correct its settings, then start Ferry again.", t);
            }
            if (t instanceof UnboundConfigurationPropertiesException unbound) {
                return new FailureAnalysis(unknownKeys(unbound), "Correct or remove the key(s) named above, then start Ferry again.", t);
            }
        }
        return null;
    }

    /** One line per unknown key: where, the closest valid key, and the valid keys there. Values are never shown (secrets). */
    static String unknownKeys(UnboundConfigurationPropertiesException unbound) {
        Set<String> lines = new LinkedHashSet<>();
        unbound.getUnboundProperties().stream().sorted(Comparator.comparing(p -> p.getName().toString())).forEach(property -> {
            // the first element from the top that is not a key there: 'ofset-sync' in ferry.ofset-sync.enabled
            String[] elements = property.getName().toString().split("\\.(?![^\\[]*])");
            String parent = elements[0];
            String key = elements[elements.length - 1];
            List<String> valid = List.of();
            for (int i = 1; i < elements.length; i++) {
                List<String> here = KeySuggestions.keysUnder(parent);
                String element = elements[i].replaceAll("\\[.*]$", "");
                if (!here.isEmpty() && !here.contains(element)) {
                    key = element;
                    valid = here;
                    break;
                }
                parent = parent + "." + elements[i];
            }
            if (valid.isEmpty()) {
                String name = property.getName().toString();
                parent = name.substring(0, Math.max(0, name.lastIndexOf('.')));   // a key without a parent names none
            }
            StringBuilder line = new StringBuilder("Unknown key '").append(key).append("' in ").append(parent).append(origin(property));
            KeySuggestions.closest(key, valid).ifPresent(c -> line.append("; did you mean '").append(c).append("'?"));
            if (!valid.isEmpty()) {
                line.append(" Valid keys there: ").append(String.join(", ", valid)).append('.');
            }
            lines.add(line.toString());
        });
        return String.join("\n", lines);
    }

    private static String origin(ConfigurationProperty property) {
        return property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")";
    }
}
