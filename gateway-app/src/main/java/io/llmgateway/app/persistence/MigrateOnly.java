package io.llmgateway.app.persistence;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code --gateway.database.migrate-only=true} (or {@code GATEWAY_DATABASE_MIGRATE_ONLY=true}): apply the schema
 * migrations to the external database and exit, without starting the server. The Helm chart's pre-install and
 * pre-upgrade Job runs the image this way, so that new pods never race the migrations.
 *
 * <p>It reads only the database settings, from command-line arguments or the environment (arguments win):
 * {@code gateway.database.url}, {@code username}, {@code password} or {@code password-file}. Exit status: 0 when
 * the schema is current, 1 when migrating failed, 2 when the settings are incomplete.
 */
public final class MigrateOnly {

    private MigrateOnly() {}

    public static boolean requested(String[] args, Map<String, String> env) {
        return "true".equalsIgnoreCase(setting("migrate-only", args, env));
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String url = setting("url", args, env);
        if (url == null || url.isBlank()) {
            err.println("migrate-only needs gateway.database.url (GATEWAY_DATABASE_URL): the embedded database"
                    + " migrates itself when the gateway starts");
            return 2;
        }
        String username = setting("username", args, env);
        String password = setting("password", args, env);
        String passwordFile = setting("password-file", args, env);
        try {
            if (passwordFile != null && !passwordFile.isBlank()) {
                password = Files.readString(Path.of(passwordFile)).strip();
            }
            DatabaseEndpoint endpoint =
                    DatabaseEndpoint.fromJdbcUrl(url, username == null ? "postgres" : username, password);
            int applied = new DatabaseConfiguration.SchemaMigrations(endpoint).migrate();
            out.println("Schema of " + endpoint + " is current; " + applied + " migration(s) applied.");
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("Migrating the schema failed: " + e.getMessage());
            return 1;
        }
    }

    private static @Nullable String setting(String name, String[] args, Map<String, String> env) {
        String prefix = "--gateway.database." + name + "=";
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return env.get("GATEWAY_DATABASE_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
