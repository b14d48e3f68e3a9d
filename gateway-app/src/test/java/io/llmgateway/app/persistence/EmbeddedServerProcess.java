package io.llmgateway.app.persistence;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A gateway stand-in for {@link DatabaseServerTests}: a JVM of its own that starts the embedded PostgreSQL on the
 * data directory of its first argument, writes a row, prints {@code READY <port>} and waits until it is killed.
 * Killed with {@code kill -9}, it leaves its PostgreSQL behind as a killed gateway does.
 */
public final class EmbeddedServerProcess {

    private EmbeddedServerProcess() {}

    public static void main(String[] args) throws Exception {
        DatabaseServer server = new DatabaseServer(new DatabaseProperties(
                null, "postgres", null, null, 4, true, new DatabaseProperties.Embedded(Path.of(args[0]), 0)));
        DatabaseEndpoint endpoint = server.endpoint();
        try (Connection c = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.username(), endpoint.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survivor (v text); INSERT INTO survivor VALUES ('written before kill -9')");
        }
        System.out.println("READY " + endpoint.port());
        System.out.flush();
        // until killed: the test sends SIGKILL, so no shutdown of any kind runs
        while (System.in.read() >= 0) {
            // nothing to do
        }
        server.destroy();
    }
}
