package io.fleetlake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * Typed reads of one config section, each turning a wrong value into an {@link InvalidSettingException} that
 * names the full key, the value and what is allowed.
 */
final class SettingsReader {
  private final Config config;
  private final String prefix;

  private SettingsReader(Config sectionConfig, String prefix) {
    this.config = sectionConfig;
    this.prefix = prefix;
  }

  static SettingsReader of(Config root, String section) {
    return new SettingsReader(root.getConfig(section), section + ".");
  }

  String string(String key) {
    try {
      String value = config.getString(key);
      if (value.isBlank()) {
        throw new InvalidSettingException(prefix + key, value, "must not be empty");
      }
      return value;
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(prefix + key, raw(key), "must be a string");
    }
  }

  /** A string that may be left empty to mean "not set". */
  String optionalString(String key) {
    try {
      return config.getString(key).trim();
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(prefix + key, raw(key), "must be a string");
    }
  }

  boolean flag(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(prefix + key, raw(key), "must be true or false");
    }
  }

  int intAtLeast(String key, int min) {
    int value;
    try {
      value = config.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(prefix + key, raw(key), "must be a whole number ≥ " + min);
    }
    if (value < min) {
      throw new InvalidSettingException(prefix + key, value, "must be a whole number ≥ " + min);
    }
    return value;
  }

  int port(String key) {
    int value = intAtLeast(key, 1);
    if (value > 65535) {
      throw new InvalidSettingException(prefix + key, value, "must be a TCP port, 1 to 65535");
    }
    return value;
  }

  Duration positiveDuration(String key) {
    Duration value;
    try {
      value = config.getDuration(key);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new InvalidSettingException(prefix + key, raw(key), "must be a duration such as \"30 seconds\" or \"1 hour\"");
    }
    if (value.isNegative() || value.isZero()) {
      throw new InvalidSettingException(prefix + key, raw(key), "must be a positive duration such as \"1 minute\"");
    }
    return value;
  }

  /** An ISO-8601 instant, e.g. 2000-01-01T00:00:00Z. */
  java.time.Instant instant(String key) {
    String value = string(key);
    try {
      return java.time.Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new InvalidSettingException(prefix + key, value, "must be an ISO-8601 instant such as 2000-01-01T00:00:00Z");
    }
  }

  String oneOf(String key, List<String> allowed) {
    String value = string(key);
    if (!allowed.contains(value)) {
      throw new InvalidSettingException(prefix + key, value, "must be one of " + String.join(", ", allowed));
    }
    return value;
  }

  /** An http(s) base URL, without a trailing slash. */
  String httpUrl(String key) {
    String value = string(key);
    URI uri = uri(key, value, "must be an http:// or https:// URL");
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new InvalidSettingException(prefix + key, value, "must be an http:// or https:// URL");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  URI uri(String key, String value, String allowed) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw new InvalidSettingException(prefix + key, value, allowed);
    }
  }

  /** A free-form section passed through to another system, as flat "a.b.c" → value. */
  Map<String, String> passThrough(String key) {
    Map<String, String> values = new LinkedHashMap<>();
    if (!config.hasPath(key)) {
      return values;
    }
    for (Map.Entry<String, ConfigValue> e : config.getConfig(key).entrySet()) {
      Object unwrapped = e.getValue().unwrapped();
      if (unwrapped instanceof Map || unwrapped instanceof java.util.List) {
        throw new InvalidSettingException(prefix + key + "." + e.getKey(), "must be a plain value");
      }
      values.put(String.join(".", ConfigUtil.splitPath(e.getKey())), String.valueOf(unwrapped));
    }
    return values;
  }

  /** A list of strings, each a SQL identifier (letters, digits, underscore; no quoting games). */
  List<String> identifiers(String key, int minSize) {
    List<String> values;
    try {
      values = config.getStringList(key);
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(prefix + key, raw(key), "must be a list of column names, e.g. [unit_id]");
    }
    if (values.size() < minSize) {
      throw new InvalidSettingException(prefix + key, values, "must name at least " + minSize + " column");
    }
    values.forEach(v -> identifier(key, v));
    return List.copyOf(values);
  }

  String identifier(String key) {
    return identifier(key, string(key));
  }

  private String identifier(String key, String value) {
    if (!value.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new InvalidSettingException(prefix + key, value,
          "must be a plain SQL identifier (letters, digits and _, not starting with a digit)");
    }
    return value;
  }

  boolean has(String key) {
    return config.hasPath(key);
  }

  /** The objects of a list, each read by a reader of its own that names it by index in messages. */
  List<SettingsReader> objects(String key) {
    List<? extends Config> items;
    try {
      items = config.getConfigList(key);
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(prefix + key, "must be a list of objects");
    }
    List<SettingsReader> readers = new java.util.ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      readers.add(new SettingsReader(items.get(i), prefix + key + "[" + i + "]."));
    }
    return readers;
  }

  String fullKey(String key) {
    return prefix + key;
  }

  private Object raw(String key) {
    return config.getValue(key).unwrapped();
  }
}
