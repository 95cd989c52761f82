package io.fleetlake.config;

/**
 * A setting that cannot be used. The message names the key, the value given and what is allowed, so a user
 * can fix the config without reading code. Jobs exit with code 2 on it.
 */
public final class InvalidSettingException extends RuntimeException {
  private final String key;

  public InvalidSettingException(String key, Object value, String allowed) {
    super("Invalid setting " + key + " = " + render(value) + ": " + allowed);
    this.key = key;
  }

  public InvalidSettingException(String key, String problem) {
    super("Invalid setting " + key + ": " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }

  private static String render(Object value) {
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }
}
