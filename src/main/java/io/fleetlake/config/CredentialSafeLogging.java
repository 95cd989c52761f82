package io.fleetlake.config;

import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Keeps credentials out of the logs even when someone turns on DEBUG for everything: the HTTP clients
 * inside the AWS SDK print every request's Authorization header (with the access key) and body at DEBUG, and
 * Spark's JDBC connection provider prints the connection properties, the Postgres password among them
 * (found by the fault suite's SecretsIT). Those loggers are held at INFO; nothing else of fleetlake's or
 * Spark's logging changes. Applied by every job at start, and by any JVM (an executor too) before it reads a
 * secret from AWS Secrets Manager, whose answer carries the value in its body.
 */
public final class CredentialSafeLogging {
  private static final List<String> WIRE_LOGGERS = List.of(
      "com.amazonaws.thirdparty.apache.http.wire",
      "com.amazonaws.thirdparty.apache.http.headers",
      "org.apache.http.wire",
      "org.apache.http.headers",
      "software.amazon.awssdk.http.apache.internal.net",
      "software.amazon.awssdk.request",
      "org.apache.spark.sql.execution.datasources.jdbc.connection");

  private CredentialSafeLogging() {}

  public static void apply() {
    for (String name : WIRE_LOGGERS) {
      if (LogManager.getLogger(name).isDebugEnabled()) {
        Configurator.setLevel(name, Level.INFO);
      }
    }
  }
}
