package io.fleetlake.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A password or key. It prints as {@code ****} wherever it ends up (logs, printed config, exceptions); only
 * {@link #reveal()} hands out the value, at the one place that must pass it to a client. Its value is either
 * held (from the environment) or looked up by whichever JVM reveals it (AWS Secrets Manager).
 */
public final class Secret implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  static final String MASK = "****";
  /** Keys of pass-through options that may carry credentials (sasl.jaas.config, a JDBC password, s3a keys). */
  private static final Pattern SENSITIVE_KEY =
      Pattern.compile("(?i).*(password|secret|jaas|token|credential|access[.-]key).*");

  /** Null when the value is looked up where it is revealed. */
  private final String value;
  private final Source lookup;
  private final String source;

  /** Where a secret's value is looked up (a secrets store): only this travels to another JVM, never the value. */
  interface Source extends java.io.Serializable {
    /** Safe to print: what and where, e.g. the secret's id. */
    String describe();

    /** The value; throws with a reason that holds no secret when it cannot be had. */
    String fetch();
  }

  Secret(String value, String source) {
    this.value = Objects.requireNonNull(value);
    this.lookup = null;
    this.source = source;
  }

  private Secret(Source lookup) {
    this.value = null;
    this.lookup = lookup;
    this.source = lookup.describe();
  }

  static Secret lookedUp(Source lookup) {
    return new Secret(lookup);
  }

  public String reveal() {
    return value != null ? value : lookup.fetch();
  }

  /** Where it came from, e.g. the environment variable's name: safe to print. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return MASK;
  }

  /** By value: settings that carry the same key are the same settings (one weather budget, not one per task). */
  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret && Objects.equals(value, secret.value) && Objects.equals(lookup, secret.lookup);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, lookup);
  }

  static boolean isSensitiveKey(String key) {
    return SENSITIVE_KEY.matcher(key).matches();
  }

  /** Pass-through options for printing: values of sensitive keys as ****. */
  static Map<String, String> masked(Map<String, String> options) {
    Map<String, String> result = new LinkedHashMap<>();
    options.forEach((key, value) -> result.put(key, isSensitiveKey(key) ? MASK : value));
    return result;
  }
}
