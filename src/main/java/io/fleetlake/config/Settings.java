package io.fleetlake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of fleetlake, typed and validated once at start; see reference.conf for the keys, their
 * defaults and {@link ConfigLoader} for the precedence of files and environment.
 */
public record Settings(
    LakeSettings lake,
    SparkSettings spark,
    S3Settings s3,
    KafkaSettings kafka,
    PostgresSettings postgres,
    WeatherSettings weather,
    StreamingSettings streaming,
    IngestSettings ingest,
    PollSettings poll,
    GoldSettings gold,
    ModelSettings model,
    ReportSettings report,
    MaintainSettings maintain,
    CatalogSettings catalog,
    LocalStackSettings localStack,
    Config config) {

  public static Settings load(List<Path> files, Map<String, String> env) {
    return from(ConfigLoader.load(files, env), env);
  }

  public static Settings from(Config config, Map<String, String> env) {
    SettingsReader root = SettingsReader.of(config, ConfigLoader.ROOT);
    boolean devCredentials = root.flag("dev-credentials");
    S3Settings s3 = S3Settings.read(SettingsReader.of(config, "fleetlake.s3"), env, devCredentials);
    SecretsManagerSettings secretsManager = SecretsManagerSettings.read(SettingsReader.of(config, "fleetlake.secrets-manager"), s3);
    return new Settings(
        LakeSettings.read(SettingsReader.of(config, "fleetlake.lake")),
        SparkSettings.read(SettingsReader.of(config, "fleetlake.spark")),
        s3,
        KafkaSettings.read(SettingsReader.of(config, "fleetlake.kafka")),
        PostgresSettings.read(SettingsReader.of(config, "fleetlake.postgres"), env, devCredentials, secretsManager),
        WeatherSettings.read(SettingsReader.of(config, "fleetlake.weather"), env, secretsManager),
        StreamingSettings.read(SettingsReader.of(config, "fleetlake.streaming")),
        IngestSettings.read(SettingsReader.of(config, "fleetlake.ingest")),
        PollSettings.read(SettingsReader.of(config, "fleetlake.poll")),
        GoldSettings.read(SettingsReader.of(config, "fleetlake.gold")),
        ModelSettings.read(SettingsReader.of(config, "fleetlake.model")),
        ReportSettings.read(SettingsReader.of(config, "fleetlake.report")),
        MaintainSettings.read(SettingsReader.of(config, "fleetlake.maintain")),
        CatalogSettings.read(SettingsReader.of(config, "fleetlake.catalog")),
        LocalStackSettings.read(SettingsReader.of(config, "fleetlake.local-stack")),
        config);
  }

  /**
   * The effective config as HOCON, each secret shown as {@code ****} with where it came from. Pass-through
   * options whose key suggests a credential are masked too.
   */
  public String render() {
    Config printable = config.getConfig(ConfigLoader.ROOT);
    for (Map.Entry<String, ConfigValue> entry : printable.entrySet()) {
      // the entry's key is a path expression, quoted where a key holds dots ("sasl.jaas.config")
      if (Secret.isSensitiveKey(entry.getKey())) {
        printable = printable.withValue(entry.getKey(), ConfigValueFactory.fromAnyRef(Secret.MASK));
      }
    }
    String body = printable.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(false));
    return "fleetlake " + body + "\n"
        + "# secrets (environment only)\n"
        + secretLine(Secrets.S3_ACCESS_KEY, s3.accessKey())
        + secretLine(Secrets.S3_SECRET_KEY, s3.secretKey())
        + secretLine(Secrets.POSTGRES_PASSWORD, postgres.password())
        + secretLine(Secrets.WEATHER_API_KEY, weather.apiKey());
  }

  /** The same as {@link #render()}: the raw config may hold credentials in pass-through options. */
  @Override
  public String toString() {
    return render();
  }

  private static String secretLine(String name, Optional<Secret> secret) {
    return "# " + name + " = " + secret.map(s -> s + " (" + s.source() + ")").orElse("(not set)") + "\n";
  }
}
