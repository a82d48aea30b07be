package dev.ferry.config;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds Ferry's built-in defaults ({@code ferry-defaults.yml}: exposed endpoints, the liveness and readiness groups) as
 * the lowest-precedence property source. A classpath {@code application.yml} would be dropped by
 * {@code --spring.config.location}, which replaces Spring Boot's default locations: Ferry would then lose its endpoints,
 * and its probes their members (liveness UP while Ferry had stopped itself).
 */
public class FerryDefaults implements EnvironmentPostProcessor {

    static final String NAME = "ferry-defaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(NAME)) {
            return;
        }
        try {
            for (PropertySource<?> source : new YamlPropertySourceLoader().load(NAME, new ClassPathResource(NAME + ".yml"))) {
                environment.getPropertySources().addLast(source);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Ferry's built-in defaults " + NAME + ".yml", e);
        }
    }
}
