package dev.ferry.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.context.properties.bind.Name;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;

/**
 * Refuses keys under {@code ferry.} that no setting reads, such as {@code destinaton} or {@code filter: { hedaer: ...}}.
 * Boot's {@code ignoreUnknownFields = false} does not look inside list elements, where most of Ferry's settings live.
 * The known keys are read from the property records themselves, so they cannot drift from what is bound.
 */
final class UnknownKeys {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("ferry");

    private UnknownKeys() {
    }

    static void check(ConfigurableEnvironment environment) {
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            // Environment variable names cannot tell '-' from '.', so they cannot be checked key by key.
            if (source.getUnderlyingSource() instanceof org.springframework.core.env.PropertySource<?> ps
                    && StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(ps.getName())) {
                continue;
            }
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().filter(ROOT::isAncestorOf).forEach(name -> {
                    Optional<String> problem = problem(name, 1, FerryProperties.class);
                    if (problem.isPresent()) {
                        ConfigurationProperty property = source.getConfigurationProperty(name);
                        throw new InvalidConfigurationPropertyValueException(name.toString(), property != null ? property.getValue() : null,
                                problem.get());
                    }
                });
            }
        }
    }

    /** Why the key's elements from {@code index} on are not a setting of {@code type}, if they are not. */
    private static Optional<String> problem(ConfigurationPropertyName name, int index, Type type) {
        Class<?> raw = raw(type);
        if (index == name.getNumberOfElements()) {
            return Optional.empty();
        }
        if (Map.class.isAssignableFrom(raw)) {
            return Optional.empty();   // free-form settings such as Kafka client properties
        }
        if (Collection.class.isAssignableFrom(raw)) {
            if (!name.isNumericIndex(index)) {
                return Optional.of("Expected a list index here, e.g. '" + name.chop(index) + "[0]'.");
            }
            return problem(name, index + 1, ((ParameterizedType) type).getActualTypeArguments()[0]);
        }
        if (raw.isRecord()) {
            String element = name.getElement(index, Form.DASHED);
            for (RecordComponent component : raw.getRecordComponents()) {
                if (keyOf(component).equals(element)) {
                    return problem(name, index + 1, component.getGenericType());
                }
            }
            return Optional.of("'" + element + "' is not a setting here. Known settings of " + name.chop(index) + ": " + keys(raw) + ".");
        }
        return Optional.of("'" + name.chop(index) + "' is a single value and has no setting '" + name.getElement(index, Form.DASHED) + "'.");
    }

    private static String keyOf(RecordComponent component) {
        try {
            // @Name targets fields and parameters; on a record component javac puts it on the private field
            Name name = component.getDeclaringRecord().getDeclaredField(component.getName()).getAnnotation(Name.class);
            return name != null ? name.value() : dashed(component.getName());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String dashed(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static String keys(Class<?> record) {
        StringBuilder keys = new StringBuilder();
        for (RecordComponent component : record.getRecordComponents()) {
            keys.append(keys.isEmpty() ? "" : ", ").append(keyOf(component));
        }
        return keys.toString();
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }
}
