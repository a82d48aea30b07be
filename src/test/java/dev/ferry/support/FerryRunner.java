package dev.ferry.support;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.FerryApplication;

/** Starts the real Ferry application in this JVM against two clusters, with the given {@code ferry.*} settings. */
public final class FerryRunner {

    private FerryRunner() {
    }

    /** @param settings {@code key=value} pairs, e.g. {@code ferry.streams[0].name=orders} */
    public static ConfigurableApplicationContext start(TwoClusters clusters, String... settings) {
        return start(clusters.sourceServers(), clusters.destinationServers(), settings);
    }

    /** @param settings {@code key=value} pairs, e.g. {@code ferry.streams[0].name=orders} */
    public static ConfigurableApplicationContext start(String sourceServers, String destinationServers, String... settings) {
        Map<String, String> args = new LinkedHashMap<>();
        // no configuration file at all, not even the example application.yml in the working directory: Ferry's built-in
        // defaults (FerryDefaults) must hold whatever spring.config.location says
        args.put("spring.config.location", "optional:classpath:/none.yml");
        args.put("server.port", "0");
        args.put("ferry.source.alias", "east");
        args.put("ferry.source.bootstrap-servers", sourceServers);
        args.put("ferry.destination.alias", "west");
        args.put("ferry.destination.bootstrap-servers", destinationServers);
        args.put("ferry.health.check-interval", "1s");
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            args.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return new SpringApplicationBuilder(FerryApplication.class)
                .run(args.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }
}
