package dev.ferry.support;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.FerryApplication;

/** Starts the real Ferry application in this JVM against two clusters, with the given {@code ferry.*} settings. */
public final class FerryRunner {

    private FerryRunner() {
    }

    /** @param settings {@code key=value} pairs, e.g. {@code ferry.streams[0].name=orders} */
    public static ConfigurableApplicationContext start(TwoClusters clusters, String... settings) {
        List<String> args = new ArrayList<>();
        // only the built-in defaults: not the example application.yml in the working directory
        args.add("--spring.config.location=classpath:/application.yml");
        args.add("--server.port=0");
        args.add("--ferry.source.alias=east");
        args.add("--ferry.source.bootstrap-servers=" + clusters.sourceServers());
        args.add("--ferry.destination.alias=west");
        args.add("--ferry.destination.bootstrap-servers=" + clusters.destinationServers());
        args.add("--ferry.health.check-interval=1s");
        for (String setting : settings) {
            args.add("--" + setting);
        }
        return new SpringApplicationBuilder(FerryApplication.class).run(args.toArray(String[]::new));
    }
}
