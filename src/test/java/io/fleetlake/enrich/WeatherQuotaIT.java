package io.fleetlake.enrich;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlake.local.weather.WeatherServer;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import io.fleetlake.testing.WeatherAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The weather within a provider that limits as Open-Meteo does, scaled down with the fleet: 75 weight units a
 * minute against a fleet that needs about one and a half times that (enough to cross a minute window; each
 * minute more of demand is a minute more of waiting, and of a test's time). silver-locations --available-now waits for the
 * budget, never gets a 429, never passes the minute's limit, and ends with every ping's weather; a second run
 * meanwhile is refused; a rebuild, a backfill and weather_at in the sql job cost nothing more (a fortnight's backfill
 * of one unit at most its distinct cells: LocationsEnrichedTest). The server's values encode the hour and the
 * latitude asked: every row is checked.
 */
@ExtendWith(LocalStackExtension.class)
class WeatherQuotaIT {
  private static final String ROOT = "s3a://fleet-lake/weather-quota-it";
  private static final int PER_MINUTE = 75;
  /** weather.grid-degrees' default. */
  private static final double GRID = 0.25;

  @Test
  void aFleetWithinTheProvidersLimitsGetsAllItsWeatherOnceAndNeverA429() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    try (WeatherServer provider = WeatherServer.start("127.0.0.1", 0, PER_MINUTE + ",200,2000", null, Clock.systemUTC())
        .encodingHourAndLatitude()) {
      String url = "http://127.0.0.1:" + provider.port();
      WeatherAdmin admin = new WeatherAdmin(url);
      Map<String, String> env = TestStack.isolatedEnv("weather.quota.it", ROOT);
      env.put("FLEETLAKE_WEATHER_BASE_URL", url);
      env.put("FLEETLAKE_WEATHER_ARCHIVE_BASE_URL", url);
      env.put("FLEETLAKE_WEATHER_LIMITS_MINUTE", Integer.toString(PER_MINUTE));
      env.put("FLEETLAKE_WEATHER_LIMITS_HOUR", "200");
      env.put("FLEETLAKE_WEATHER_LIMITS_DAY", "2000");
      // a day that is over: its hours are final when fetched
      LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(2);
      stack.run(env, "simulate", "--units", "3", "--days", "1", "--start", day.toString(), "--duplicates", "0",
          "--late", "0", "--malformed", "0");
      // no poll-sources or silver-dimensions: the weather does not depend on what the units are
      stack.run(env, "ingest-locations", "--available-now");
      admin.reset();

      Path log = TestStack.projectDir().resolve("target/weather-quota-it/silver-locations.log");
      Files.deleteIfExists(log);
      Process first = Command.startSparkSubmit(env, stack.jobArguments("silver-locations", "--available-now"), log);
      try {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
            .until(() -> Files.exists(log) && Files.readString(log).contains("for the provider's budget"));
        Command.Result second = stack.runInJvm(env, "silver-locations", "--available-now");
        assertEquals(1, second.exitCode(), second::toString);
        assertTrue(second.err().contains("silver/locations_enriched is written by silver-locations"), second::toString);
        assertTrue(first.waitFor(15, TimeUnit.MINUTES), "silver-locations ended");
        assertEquals(0, first.exitValue(), () -> read(log));
      } finally {
        Command.stop(first, 30);
      }
      String out = read(log);
      assertTrue(out.matches("(?s).*weather: waiting \\d+ s for the provider's budget: [\\d,]+ cell-days left.*"), out);

      Dataset<Row> silver = spark.read().format("delta").load(ROOT + "/silver/locations_enriched");
      long pings = silver.count();
      assertTrue(pings >= 3 * 90, pings + " pings");
      assertEquals(pings, silver.filter("weather_status = 'ok'").count(), "every ping's weather, final");
      assertEveryValueAtItsHourAndPlace(silver);
      JsonNode stats = admin.stats();
      long cellDays = cellDays(silver);
      assertTrue(cellDays > PER_MINUTE, "demand " + cellDays + " is more than a minute of the budget");
      assertEquals(0, stats.get("rate_limited").asInt(), "no request answered 429");
      assertTrue(stats.get("peak_weight_per_minute").asDouble() <= PER_MINUTE, stats.toString());
      assertTrue(stats.get("weight").asDouble() <= cellDays, stats + " for " + cellDays + " cell-days");

      // silver rebuilt from bronze, and a backfill: both from silver/weather_hourly, no weight at all
      admin.reset();
      FileSystem fs = new org.apache.hadoop.fs.Path(ROOT).getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(new org.apache.hadoop.fs.Path(ROOT + "/silver/locations_enriched"), true);
      fs.delete(new org.apache.hadoop.fs.Path(new io.fleetlake.config.LakeSettings(ROOT).checkpoint("silver-locations",
          "locations_enriched")), true);
      // (each in-JVM job starts without the weather this JVM fetched before: only the lake's silver/weather_hourly answers)
      stack.run(env, "silver-locations", "--available-now");
      stack.run(env, "silver-locations", "--backfill-weather");
      assertEquals(pings, spark.read().format("delta").load(ROOT + "/silver/locations_enriched")
          .filter("weather_status = 'ok'").count());
      Command.Result sql = stack.run(env, "sql", "SELECT count(*) AS answered FROM silver.locations_enriched "
          + "WHERE weather_at(lat, lon, event_time).temperature_c = temperature_c", "--format", "csv");
      assertEquals("answered\r\n" + pings + "\r\n", sql.out(), sql::toString);
      assertEquals(0.0, admin.stats().get("weight").asDouble(), "the rebuild, the backfill and weather_at fetched nothing");
    }
  }

  /** The encoding server: temperature is the UTC hour plus the day of month / 100, precipitation the latitude asked. */
  private static void assertEveryValueAtItsHourAndPlace(Dataset<Row> silver) {
    for (Row row : silver.select("event_id", "event_time", "lat", "temperature_c", "precipitation_mm").collectAsList()) {
      LocalDateTime at = row.getTimestamp(1).toInstant().atZone(ZoneOffset.UTC).toLocalDateTime();
      assertEquals(at.getHour() + at.getDayOfMonth() / 100.0, row.getDouble(3), 1e-9, row.toString());
      assertEquals(WeatherCell.of(row.getDouble(2), 0, at.toLocalDate(), GRID).lat(), row.getDouble(4), 1e-4, row.toString());
    }
  }

  private static long cellDays(Dataset<Row> silver) {
    Set<WeatherCell> keys = new HashSet<>();
    for (Row row : silver.select("lat", "lon", "event_time").collectAsList()) {
      keys.add(WeatherCell.of(row.getDouble(0), row.getDouble(1),
          row.getTimestamp(2).toInstant().atZone(ZoneOffset.UTC).toLocalDate(), GRID));
    }
    return keys.size();
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
