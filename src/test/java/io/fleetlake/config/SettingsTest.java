package io.fleetlake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  private static final Path LOCAL_CONF = Path.of("conf", "local.conf");
  private static final Path EMR_CONF = Path.of("conf", "emr.conf");

  @TempDir
  Path dir;

  private Path conf(String hocon) throws IOException {
    Path file = Files.createTempFile(dir, "fleetlake", ".conf");
    Files.writeString(file, hocon);
    return file;
  }

  @Test
  void referenceAloneGivesTheDocumentedDefaults() {
    Settings settings = Settings.load(List.of(), Map.of());
    assertEquals("s3a://fleet-lake/lake", settings.lake().root());
    assertEquals("fleet.locations", settings.kafka().topic());
    assertEquals(Duration.ofHours(1), settings.streaming().pollInterval());
    assertEquals("jdbc:postgresql://localhost:5432/fleet", settings.postgres().jdbcUrl());
    assertFalse(settings.s3().hasStaticKeys(), "no keys: the default AWS credential chain");
    assertTrue(settings.postgres().password().isEmpty());
  }

  @Test
  void localOverlayPointsEveryEndpointAtTheLocalStack() {
    Settings settings = Settings.load(List.of(LOCAL_CONF), Map.of());
    assertEquals("s3a://fleet-lake/lake", settings.lake().root());
    assertEquals("http://127.0.0.1:9000", settings.s3().endpoint());
    assertTrue(settings.s3().pathStyleAccess());
    assertEquals("127.0.0.1:9092", settings.kafka().bootstrapServers());
    assertEquals("jdbc:postgresql://127.0.0.1:5432/fleet", settings.postgres().jdbcUrl());
    assertEquals("http://127.0.0.1:8089/v1/archive", settings.weather().archiveUrl());
    assertEquals("the local stack's development defaults", settings.s3().accessKey().orElseThrow().source());
    assertEquals(new WeatherSettings.Limits(6000, 60000, 200000), settings.weather().limits(), "a paid plan's pace");
    assertEquals(settings.weather().limits(), settings.localStack().weatherLimits(), "the client keeps to its server's");
    assertEquals(new WeatherSettings.Limits(600, 5000, 10000), Settings.load(List.of(), Map.of()).weather().limits(),
        "Open-Meteo's free tier by default");
  }

  @Test
  void emrOverlayLeavesStorageAndCredentialsToEmr() {
    Settings settings = Settings.load(List.of(EMR_CONF), Map.of());
    assertTrue(settings.lake().root().startsWith("s3://"), "EMR's connector, the location Athena reads");
    assertFalse(settings.s3().hasStaticKeys());
    assertEquals("require", settings.postgres().sslMode());
    assertTrue(settings.spark().conf().keySet().stream().noneMatch(key -> key.matches(
        "spark\\.(executor|driver|dynamicAllocation)\\..*")), "resources go on each step: EMR's spark-defaults come first");
    assertTrue(settings.spark().conf().keySet().stream().noneMatch(key -> key.contains("credentials.provider")),
        "EMR's credential chain: a forced provider would bypass a step's runtime role");
    assertEquals(java.util.Optional.of(java.time.Duration.ofDays(1)), settings.maintain().every());
    assertTrue(settings.report().output().startsWith("s3://") && settings.catalog().athenaDdlOutput().startsWith("s3://"),
        "a cluster-mode driver's folder goes with its container");
  }

  @Test
  void aLaterFileAndThenTheEnvironmentWin() throws IOException {
    Path ports = conf("fleetlake.local-stack { kafka-port = 19092, s3-port = 19000 }");
    Settings settings = Settings.load(List.of(LOCAL_CONF, ports),
        Map.of("FLEETLAKE_KAFKA_TOPIC", "pings", "FLEETLAKE_SPARK_SHUFFLE_PARTITIONS", "3"));
    assertEquals("127.0.0.1:19092", settings.kafka().bootstrapServers(), "substitutions see the later file");
    assertEquals("http://127.0.0.1:19000", settings.s3().endpoint());
    assertEquals("pings", settings.kafka().topic());
    assertEquals(3, settings.spark().shufflePartitions());
  }

  @Test
  void environmentBeatsAConfigFile() throws IOException {
    Path file = conf("fleetlake.lake.root = \"s3a://from-file/lake\"");
    Settings settings = Settings.load(List.of(file), Map.of("FLEETLAKE_LAKE_ROOT", "s3a://from-env/lake"));
    assertEquals("s3a://from-env/lake", settings.lake().root());
  }

  @Test
  void aLakeRootOfAnotherSchemeIsRefusedNamingKeyValueAndWhatIsAllowed() throws IOException {
    Path file = conf("fleetlake.lake.root = \"ftp://x\"");
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Settings.load(List.of(file), Map.of()));
    assertEquals("fleetlake.lake.root", e.key());
    assertEquals("Invalid setting fleetlake.lake.root = \"ftp://x\": must be a URI with scheme s3a, s3 or file, "
        + "e.g. s3a://fleet-lake/lake or file:/data/lake", e.getMessage());
  }

  @Test
  void aLakeRootWithoutBucketIsRefused() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(), Map.of("FLEETLAKE_LAKE_ROOT", "s3a:///lake")));
    assertEquals("Invalid setting fleetlake.lake.root = \"s3a:///lake\": must name a bucket, e.g. s3a://fleet-lake/lake",
        e.getMessage());
  }

  @Test
  void aNegativeTriggerIsRefused() throws IOException {
    Path file = conf("fleetlake.streaming.trigger-interval = -5 minutes");
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Settings.load(List.of(file), Map.of()));
    assertEquals("Invalid setting fleetlake.streaming.trigger-interval = \"-5 minutes\": "
        + "must be a positive duration such as \"1 minute\"", e.getMessage());
  }

  @Test
  void aDurationThatIsNoDurationIsRefused() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(), Map.of("FLEETLAKE_STREAMING_POLL_INTERVAL", "hourly")));
    assertEquals("Invalid setting fleetlake.streaming.poll-interval = \"hourly\": "
        + "must be a duration such as \"30 seconds\" or \"1 hour\"", e.getMessage());
  }

  @Test
  void portsAndCountsAreChecked() {
    InvalidSettingException port = assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(), Map.of("FLEETLAKE_POSTGRES_PORT", "70000")));
    assertEquals("Invalid setting fleetlake.postgres.port = 70000: must be a TCP port, 1 to 65535", port.getMessage());
    InvalidSettingException partitions = assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(), Map.of("FLEETLAKE_SPARK_SHUFFLE_PARTITIONS", "many")));
    assertEquals("Invalid setting fleetlake.spark.shuffle-partitions = \"many\": must be a whole number ≥ 1",
        partitions.getMessage());
  }

  @Test
  void anSslModeOutsideLibpqsIsRefused() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(), Map.of("FLEETLAKE_POSTGRES_SSLMODE", "on")));
    assertEquals("Invalid setting fleetlake.postgres.sslmode = \"on\": must be one of "
        + "disable, allow, prefer, require, verify-ca, verify-full", e.getMessage());
  }

  @Test
  void aMisspelledKeyIsRefusedWithTheLikelyKey() throws IOException {
    Path file = conf("fleetlake.kafka.bootstrap-server = \"b:9092\"");
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Settings.load(List.of(file), Map.of()));
    assertEquals("Invalid setting fleetlake.kafka.bootstrap-server: unknown key; did you mean fleetlake.kafka.bootstrap-servers?",
        e.getMessage());
  }

  @Test
  void aKeyOutsideTheRootIsRefusedNotIgnored() throws IOException {
    Path top = conf("lake.root = \"s3a://elsewhere/lake\"");
    assertEquals("Invalid setting lake.root: outside fleetlake { } in " + top + ", where it would be ignored; did you "
        + "mean fleetlake.lake.root?", assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(top), Map.of())).getMessage());
    Path misspelled = conf("fleetlak { lake { root = \"s3a://elsewhere/lake\" } }");
    assertEquals("Invalid setting fleetlak.lake.root: outside fleetlake { } in " + misspelled + ", where it would be "
        + "ignored; did you mean fleetlake.lake.root?", assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(misspelled), Map.of())).getMessage());
    Path unknown = conf("fleetlake.lake.root = \"s3a://a/b\"\nretries = 3");
    assertEquals("Invalid setting retries: outside fleetlake { } in " + unknown + ", where it would be ignored (every "
        + "key is listed with its default in reference.conf)", assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(LOCAL_CONF, unknown), Map.of())).getMessage());
    // a value the config refers to is not ignored: a helper beside the root is fine
    Path helper = conf("bucket = fleet-data\nfleetlake.lake.root = \"s3a://\"${bucket}\"/lake\"");
    assertEquals("s3a://fleet-data/lake", Settings.load(List.of(helper), Map.of()).lake().root());
    // and a file that is not HOCON exits 2 naming it, like every other setting
    Path broken = conf("fleetlake { lake.root = ");
    assertTrue(assertThrows(InvalidSettingException.class, () -> Settings.load(List.of(broken), Map.of())).getMessage()
        .startsWith("Invalid setting --config = \"" + broken + "\": "));
  }

  @Test
  void passThroughSectionsTakeAnyKey() throws IOException {
    Path file = conf("""
        fleetlake.kafka.options { "security.protocol" = SASL_SSL, "sasl.mechanism" = AWS_MSK_IAM }
        fleetlake.spark.conf { "spark.sql.adaptive.enabled" = false }
        """);
    Settings settings = Settings.load(List.of(file), Map.of());
    assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "AWS_MSK_IAM"), settings.kafka().options());
    assertEquals(Map.of("spark.sql.adaptive.enabled", "false"), settings.spark().conf());
  }

  @Test
  void aMissingConfigFileIsNamed() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(Path.of("conf/nope.conf")), Map.of()));
    assertEquals("Invalid setting --config = \"conf/nope.conf\": no such file", e.getMessage());
  }

  @Test
  void secretsComeFromTheEnvironmentAndNeverPrint() throws IOException {
    Path file = conf("fleetlake.kafka.options { \"sasl.jaas.config\" = \"x required password=\\\"jaasPass77\\\";\" }");
    Map<String, String> env = Map.of(
        Secrets.S3_ACCESS_KEY, "AKIAEXAMPLE123",
        Secrets.S3_SECRET_KEY, "s3cr3tValue/xyz",
        Secrets.POSTGRES_PASSWORD, "pgPassw0rd!",
        Secrets.WEATHER_API_KEY, "wx-key-4242");
    Settings settings = Settings.load(List.of(LOCAL_CONF, file), env);
    assertEquals("wx-key-4242", settings.weather().apiKey().orElseThrow().reveal());
    assertEquals("pgPassw0rd!", settings.postgres().password().orElseThrow().reveal());
    assertEquals("****", settings.postgres().password().orElseThrow().toString());
    assertEquals("environment variable FLEETLAKE_S3_SECRET_KEY", settings.s3().secretKey().orElseThrow().source());

    String printed = settings.render() + settings + settings.postgres().jdbcUrl() + settings.postgres().jdbcOptions();
    for (String secret : List.of("AKIAEXAMPLE123", "s3cr3tValue/xyz", "pgPassw0rd!", "jaasPass77", "wx-key-4242")) {
      assertFalse(printed.contains(secret), () -> "printed config shows a secret:\n" + printed);
    }
    assertTrue(settings.render().contains(
        "# FLEETLAKE_POSTGRES_PASSWORD = **** (environment variable FLEETLAKE_POSTGRES_PASSWORD)"), settings.render());
    assertTrue(settings.render().contains(
        "# FLEETLAKE_WEATHER_API_KEY = **** (environment variable FLEETLAKE_WEATHER_API_KEY)"), settings.render());
  }

  @Test
  void oneS3KeyWithoutTheOtherIsRefused() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> Settings.load(List.of(), Map.of(Secrets.S3_ACCESS_KEY, "AKIAEXAMPLE123")));
    assertEquals("Invalid setting FLEETLAKE_S3_SECRET_KEY: set both FLEETLAKE_S3_ACCESS_KEY and "
        + "FLEETLAKE_S3_SECRET_KEY, or neither (default AWS credential chain)", e.getMessage());
  }

  @Test
  void everyKeyHasItsOwnEnvironmentVariable() {
    List<String> keys = List.copyOf(ConfigLoader.leafKeys(com.typesafe.config.ConfigFactory.parseResources("reference.conf")));
    long distinct = keys.stream().map(ConfigLoader::environmentVariable).distinct().count();
    assertEquals(keys.size(), distinct);
    assertFalse(keys.stream().map(ConfigLoader::environmentVariable).anyMatch(Secrets::isSecretVariable));
  }

  @Test
  void polledTableNamesMustBePlainIdentifiers() throws IOException {
    Path file = conf("fleetlake.poll.tables = [ { table = \"units; DROP TABLE x\", key = [unit_id], cursor = updated_at } ]");
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Settings.load(List.of(file), Map.of()));
    assertEquals("Invalid setting fleetlake.poll.tables[0].table = \"units; DROP TABLE x\": must be a plain SQL identifier "
        + "(letters, digits and _, not starting with a digit)", e.getMessage());
    Path noKey = conf("fleetlake.poll.tables = [ { table = units, key = [], cursor = updated_at } ]");
    assertEquals("Invalid setting fleetlake.poll.tables[0].key = []: must name at least 1 column",
        assertThrows(InvalidSettingException.class, () -> Settings.load(List.of(noKey), Map.of())).getMessage());
  }

  @Test
  void theDefaultPolledTablesAreTheTwoSourceTables() {
    PollSettings poll = Settings.load(List.of(), Map.of()).poll();
    assertEquals(List.of(new PollSettings.PolledTable("public", "transport_units", List.of("unit_id"), "updated_at", List.of(),
            "transport_units"),
        new PollSettings.PolledTable("public", "unit_performance", List.of("unit_id", "stat_date"), "updated_at",
            List.of("stat_date"), "unit_performance")), poll.tables());
    assertEquals("\"public\".\"transport_units\"", poll.tables().get(0).qualifiedName());
  }

  @Test
  void maintainedTablesNameALayerAndATable() throws IOException {
    MaintainSettings maintain = Settings.load(List.of(), Map.of()).maintain();
    assertEquals(new MaintainSettings.MaintainedTable("bronze", "locations", List.of("unit_id"), true, true), maintain.tables().get(0));
    assertEquals(16, maintain.tables().size(), "every table of the lake");
    Path wrong = conf("fleetlake.maintain.tables = [ { table = platinum/locations } ]");
    assertEquals("Invalid setting fleetlake.maintain.tables[0].table = \"platinum/locations\": must be <layer>/<table> "
            + "with layer bronze, silver, gold, _quality or _ops, e.g. bronze/locations",
        assertThrows(InvalidSettingException.class, () -> Settings.load(List.of(wrong), Map.of())).getMessage());
  }

  /** A list of one's own replaces the registry's; what an entry leaves out is the registry's, or nothing. */
  @Test
  void aMaintainedTableLeftShortTakesTheRegistrysMaintenance() throws IOException {
    Path own = conf("""
        fleetlake.maintain.tables = [
          { table = silver/weather_hourly }
          { table = gold/fleet_daily, zorder-by = [unit_type], manifest = false }
          { table = bronze/fuel_cards }
        ]""");
    assertEquals(List.of(
            new MaintainSettings.MaintainedTable("silver", "weather_hourly", List.of("lat_index", "lon_index"), true, true),
            new MaintainSettings.MaintainedTable("gold", "fleet_daily", List.of("unit_type"), false, false),
            new MaintainSettings.MaintainedTable("bronze", "fuel_cards", List.of(), false, false)),
        Settings.load(List.of(own), Map.of()).maintain().tables());
  }

  @Test
  void strayFleetlakeVariablesAreReported() {
    assertEquals(List.of("FLEETLAKE_KAFKA_TOPICS"), ConfigLoader.unusedEnvironmentVariables(
        Map.of("FLEETLAKE_KAFKA_TOPICS", "x", "FLEETLAKE_KAFKA_TOPIC", "y", Secrets.POSTGRES_PASSWORD, "z", "HOME", "/root")));
  }
}
