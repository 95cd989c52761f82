package io.fleetlake.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.List;

/**
 * The source database. The password is never part of the URL, so the URL can be printed and logged.
 *
 * @param socketTimeout how long a read may wait for the server's next bytes: a hung or frozen server (which
 *     answers no cancel request either) fails the read instead of holding the poll, and the lake's write lock,
 *     for ever
 * @param queryTimeout how long one poll's statement may run before the server is asked to cancel it
 * @param options further pgjdbc connection properties
 */
public record PostgresSettings(
    String host,
    int port,
    String database,
    String user,
    String sslMode,
    Duration connectTimeout,
    Duration socketTimeout,
    Duration queryTimeout,
    Optional<Secret> password,
    Map<String, String> options) {

  private static final List<String> SSL_MODES =
      List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  static PostgresSettings read(SettingsReader reader, Map<String, String> env, boolean devCredentials,
      SecretsManagerSettings secretsManager) {
    return new PostgresSettings(
        reader.string("host"),
        reader.port("port"),
        reader.string("database"),
        reader.string("user"),
        reader.oneOf("sslmode", SSL_MODES),
        reader.positiveDuration("connect-timeout"),
        reader.positiveDuration("socket-timeout"),
        reader.positiveDuration("query-timeout"),
        Secrets.postgresPassword(env, devCredentials, reader.optionalString("password-secret-id"), secretsManager),
        Map.copyOf(reader.passThrough("options")));
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** Connection properties for DriverManager, with the password; never log them. */
  public Properties connectionProperties() {
    Properties properties = new Properties();
    properties.putAll(jdbcOptions());
    password.ifPresent(p -> properties.setProperty("password", p.reveal()));
    return properties;
  }

  /** The connection options without the password. */
  public Map<String, String> jdbcOptions() {
    Map<String, String> result = new LinkedHashMap<>(options);
    result.put("user", user);
    result.put("sslmode", sslMode);
    result.put("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    result.put("loginTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    result.put("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
    result.put("tcpKeepAlive", "true");
    return result;
  }

  @Override
  public String toString() {
    return "PostgresSettings[url=" + jdbcUrl() + ", user=" + user + ", sslmode=" + sslMode + ", password=" + password.map(Secret::toString).orElse("(none)") + ", options=" + Secret.masked(options) + "]";
  }
}
