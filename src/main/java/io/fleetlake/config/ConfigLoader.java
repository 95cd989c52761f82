package io.fleetlake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the effective config. Precedence, highest first:
 * <ol>
 *   <li>environment variables {@code FLEETLAKE_<KEY>}: the key below {@code fleetlake.} in upper case with
 *       dots and dashes as underscores ({@code fleetlake.kafka.bootstrap-servers} ←
 *       {@code FLEETLAKE_KAFKA_BOOTSTRAP_SERVERS});</li>
 *   <li>the {@code --config} files, a later one over an earlier one;</li>
 *   <li>{@code reference.conf}, which holds every key and its default.</li>
 * </ol>
 * Substitutions ({@code ${fleetlake.local-stack.kafka-port}}) are resolved after merging, so an overlay may
 * refer to a key another layer sets. A key that reference.conf does not know is refused (a typo would
 * otherwise be ignored silently), except inside the free-form sections that pass options through.
 */
public final class ConfigLoader {
  static final String ROOT = "fleetlake";
  /** Sections whose keys belong to another system (Spark, the Kafka client, the JDBC driver). */
  static final List<String> FREE_FORM_SECTIONS =
      List.of("fleetlake.spark.conf", "fleetlake.kafka.options", "fleetlake.postgres.options");

  private ConfigLoader() {}

  public static Config load(List<Path> files, Map<String, String> env) {
    Config reference = ConfigFactory.parseResources("reference.conf");
    Config merged = ConfigFactory.empty();
    Map<String, Path> besideTheRoot = new TreeMap<>();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new InvalidSettingException("--config", file.toString(), "no such file");
      }
      Config parsed;
      try {
        parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new InvalidSettingException("--config", file.toString(), e.getMessage());
      }
      parsed.root().keySet().stream().filter(top -> !top.equals(ROOT)).forEach(top -> besideTheRoot.putIfAbsent(top, file));
      merged = parsed.withFallback(merged);
    }
    Config overrides = environmentOverrides(reference, env);
    Config resolved;
    try {
      resolved = overrides.withFallback(merged).withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new InvalidSettingException(ROOT, e.getMessage());
    }
    for (Map.Entry<String, Path> top : besideTheRoot.entrySet()) {
      refuseUnlessReferred(top.getKey(), top.getValue(), merged, overrides, reference);
    }
    refuseUnknownKeys(resolved, reference);
    return resolved;
  }

  /** The environment variable that overrides a key, e.g. FLEETLAKE_LAKE_ROOT for fleetlake.lake.root. */
  public static String environmentVariable(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  static Config environmentOverrides(Config reference, Map<String, String> env) {
    Map<String, String> keyByVariable = new TreeMap<>();
    for (String key : leafKeys(reference)) {
      if (!inFreeFormSection(key)) {
        keyByVariable.put(environmentVariable(key), key);
      }
    }
    Config overrides = ConfigFactory.empty();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String key = keyByVariable.get(e.getKey());
      if (key != null) {
        overrides = overrides.withValue(key,
            ConfigValueFactory.fromAnyRef(e.getValue(), "environment variable " + e.getKey()));
      }
    }
    return overrides;
  }

  /** FLEETLAKE_ variables that neither override a key nor carry a secret: most likely a typo. */
  public static List<String> unusedEnvironmentVariables(Map<String, String> env) {
    Config reference = ConfigFactory.parseResources("reference.conf");
    Set<String> known = new TreeSet<>();
    for (String key : leafKeys(reference)) {
      known.add(environmentVariable(key));
    }
    List<String> unused = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (name.startsWith("FLEETLAKE_") && !known.contains(name) && !Secrets.isSecretVariable(name)) {
        unused.add(name);
      }
    }
    return unused;
  }

  /**
   * A key beside {@code fleetlake { }} in a file ({@code lake.root = …} at the top, or {@code fleetlak { … }}) is
   * merged and never read, unless a substitution refers to it ({@code bucket = …} for
   * {@code fleetlake.lake.root = "s3a://"${bucket}"/lake"}): refused then, naming the key it was most likely meant
   * to be and its file.
   */
  private static void refuseUnlessReferred(String top, Path file, Config merged, Config overrides, Config reference) {
    String topPath = ConfigUtil.joinPath(top);
    try {
      overrides.withFallback(merged.withoutPath(topPath)).withFallback(reference).resolve();
    } catch (ConfigException.UnresolvedSubstitution referredTo) {
      return;
    }
    List<String> path = new ArrayList<>(List.of(top));
    try {
      for (ConfigValue value = merged.root().get(top); value instanceof ConfigObject object && !object.isEmpty(); ) {
        String first = new TreeSet<>(object.keySet()).first();
        path.add(first);
        value = object.get(first);
      }
    } catch (ConfigException notResolvedYet) {
      // an object merged with a substitution: its path so far names it
    }
    String key = ConfigUtil.joinPath(path);
    String below = ROOT + "." + key;
    Set<String> known = leafKeys(reference);
    // the key as written may be a misspelt full key (fleetlak.lake.root); failing that, one below the root
    String asWritten = suggestion(key, known);
    String hint = known.contains(below) || inFreeFormSection(below) ? "; did you mean " + below + "?"
        : asWritten.startsWith(";") ? asWritten : suggestion(below, known);
    throw new InvalidSettingException(key, "outside " + ROOT + " { } in " + file + ", where it would be ignored" + hint);
  }

  private static void refuseUnknownKeys(Config config, Config reference) {
    Set<String> known = leafKeys(reference);
    for (String key : leafKeys(config)) {
      if (key.startsWith(ROOT + ".") && !known.contains(key) && !inFreeFormSection(key)) {
        throw new InvalidSettingException(key, "unknown key" + suggestion(key, known));
      }
    }
  }

  private static String suggestion(String key, Set<String> known) {
    return known.stream()
        .min(Comparator.comparingInt(k -> editDistance(k, key)))
        .filter(k -> editDistance(k, key) <= 3)
        .map(k -> "; did you mean " + k + "?")
        .orElse(" (every key is listed with its default in reference.conf)");
  }

  static Set<String> leafKeys(Config config) {
    Set<String> keys = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      keys.add(String.join(".", ConfigUtil.splitPath(e.getKey())));
    }
    return keys;
  }

  static boolean inFreeFormSection(String key) {
    return FREE_FORM_SECTIONS.stream().anyMatch(section -> key.startsWith(section + "."));
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
