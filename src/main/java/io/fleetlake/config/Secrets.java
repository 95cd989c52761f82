package io.fleetlake.config;

import java.util.Map;
import java.util.Optional;

/**
 * Secrets come from the environment or AWS Secrets Manager, never from a config file, so they never enter the
 * config tree and cannot be printed with it (a config names a stored secret's id only). Where the environment has none, S3 falls back to the default AWS
 * credential chain (instance profile on EMR), and the local stack to its documented development
 * credentials when {@code fleetlake.dev-credentials} is on (conf/local.conf).
 */
public final class Secrets {
  public static final String S3_ACCESS_KEY = "FLEETLAKE_S3_ACCESS_KEY";
  public static final String S3_SECRET_KEY = "FLEETLAKE_S3_SECRET_KEY";
  public static final String POSTGRES_PASSWORD = "FLEETLAKE_POSTGRES_PASSWORD";
  /** An Open-Meteo customer plan's key, sent as the apikey parameter to the customer- hosts. */
  public static final String WEATHER_API_KEY = "FLEETLAKE_WEATHER_API_KEY";

  /** MinIO's development defaults: public knowledge, accepted only by a local stack. */
  static final String DEV_S3_KEY = "minioadmin";
  static final String DEV_POSTGRES_PASSWORD = "fleetlake-dev";

  private Secrets() {}

  static boolean isSecretVariable(String name) {
    return name.equals(S3_ACCESS_KEY) || name.equals(S3_SECRET_KEY) || name.equals(POSTGRES_PASSWORD)
        || name.equals(WEATHER_API_KEY);
  }

  static Optional<Secret> s3AccessKey(Map<String, String> env, boolean devCredentials) {
    return fromEnv(env, S3_ACCESS_KEY, devCredentials ? DEV_S3_KEY : null);
  }

  static Optional<Secret> s3SecretKey(Map<String, String> env, boolean devCredentials) {
    return fromEnv(env, S3_SECRET_KEY, devCredentials ? DEV_S3_KEY : null);
  }

  /** The environment's key, else the one in AWS Secrets Manager under {@code secretId} (or its "apikey"). */
  static Optional<Secret> weatherApiKey(Map<String, String> env, String secretId, SecretsManagerSettings store) {
    return fromEnv(env, WEATHER_API_KEY, null).or(() -> store.secret(secretId, "apikey"));
  }

  /**
   * The environment's password, else the one in AWS Secrets Manager under {@code secretId} (an RDS secret's
   * "password"), else the local stack's.
   */
  static Optional<Secret> postgresPassword(Map<String, String> env, boolean devCredentials, String secretId,
      SecretsManagerSettings store) {
    return fromEnv(env, POSTGRES_PASSWORD, null).or(() -> store.secret(secretId, "password"))
        .or(() -> fromEnv(env, POSTGRES_PASSWORD, devCredentials ? DEV_POSTGRES_PASSWORD : null));
  }

  /** A value that is itself secret, made elsewhere (the local stack's seeded secrets). */
  public static Secret held(String value, String source) {
    return new Secret(value, source);
  }

  private static Optional<Secret> fromEnv(Map<String, String> env, String name, String devDefault) {
    String value = env.get(name);
    if (value != null && !value.isEmpty()) {
      return Optional.of(new Secret(value, "environment variable " + name));
    }
    return Optional.ofNullable(devDefault).map(v -> new Secret(v, "the local stack's development defaults"));
  }
}
