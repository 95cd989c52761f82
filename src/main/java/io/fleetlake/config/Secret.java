package io.fleetlake.config;

import java.util.Objects;

/**
 * A password or key. It prints as {@code ****} wherever it ends up (logs, printed config, exceptions); only
 * {@link #reveal()} hands out the value, at the one place that must pass it to a client.
 */
public final class Secret {
  static final String MASK = "****";

  private final String value;
  private final String source;

  Secret(String value, String source) {
    this.value = Objects.requireNonNull(value);
    this.source = source;
  }

  public String reveal() {
    return value;
  }

  /** Where it came from, e.g. the environment variable's name: safe to print. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return MASK;
  }
}
