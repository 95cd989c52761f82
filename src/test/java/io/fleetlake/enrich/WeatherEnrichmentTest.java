package io.fleetlake.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.config.WeatherSettings;
import io.fleetlake.local.weather.WeatherServer;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestWeather;
import io.fleetlake.testing.WeatherAdmin;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Enrichment per partition and the weather_at UDF, on Spark, against the real weather server on loopback. */
class WeatherEnrichmentTest {
  private static WeatherServer server;
  private static WeatherAdmin admin;
  private static WeatherSettings settings;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    spark = TestSpark.session();
    server = WeatherServer.start("127.0.0.1", 0, "none");
    String url = "http://127.0.0.1:" + server.port();
    admin = new WeatherAdmin(url);
    settings = TestWeather.settings(server, Map.of("FLEETLAKE_WEATHER_BACKOFF", "10 milliseconds",
        "FLEETLAKE_WEATHER_MAX_ATTEMPTS", "2", "FLEETLAKE_WEATHER_CIRCUIT_FAILURES", "100")).weather();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void reset() throws Exception {
    admin.reset();
  }

  private static int calls() throws Exception {
    return admin.calls();
  }

  /** Pings on {@code day}: four in one 0.1° cell at different hours, two in another, one without position. */
  private static Dataset<Row> pings(LocalDate day, double lat) {
    return spark.sql(String.format(java.util.Locale.ROOT, """
        SELECT * FROM VALUES
          ('e1', %1$.2f, 13.41D, TIMESTAMP '%2$s 00:10:00'), ('e2', %1$.2f, 13.42D, TIMESTAMP '%2$s 06:10:00'),
          ('e3', %3$.2f, 13.40D, TIMESTAMP '%2$s 12:10:00'), ('e4', %1$.2f, 13.41D, TIMESTAMP '%2$s 23:59:00'),
          ('e5', 48.85D, 2.35D, TIMESTAMP '%2$s 09:00:00'), ('e6', 48.86D, 2.36D, TIMESTAMP '%2$s 10:00:00'),
          ('e7', CAST(NULL AS DOUBLE), 2.35D, TIMESTAMP '%2$s 10:00:00')
        AS t(event_id, lat, lon, event_time)""", lat, day, lat + 0.01));
  }

  /** The pings enriched as silver-locations does: the driver supplies their keys, the rows join the table. */
  private static Dataset<Row> enrich(Dataset<Row> pings, WeatherHourlyTable table) {
    List<WeatherCell> keys = WeatherEnrichment.keys(pings, "lat", "lon", "event_time", settings);
    WeatherSupply.Outcome outcome = WeatherSupply.shared(settings).supply(spark, table, keys, Duration.ZERO, System.out);
    return WeatherEnrichment.enrich(pings, "lat", "lon", "event_time", settings, table, outcome, keys);
  }

  private static WeatherHourlyTable table(String name) throws Exception {
    return new WeatherHourlyTable(Files.createTempDirectory("weather-hourly-" + name).toUri().toString());
  }

  /**
   * The live job's hourly look for provisional days reads the week the archive got last, not the table's
   * history (a boolean has no file statistics: only the dates bound the read). Days left provisional before
   * that week wait for the backfill, which makes every day final.
   */
  @Test
  void theLiveFinaliserLooksBackAWeekAndTheBackfillAtTheWholeHistory() throws Exception {
    WeatherHourlyTable table = table("finalise");
    WeatherSupply supply = WeatherSupply.onClock(settings, java.time.Clock.systemUTC());
    LocalDate finalBefore = supply.finalBefore();
    java.util.function.IntFunction<WeatherCell> daysBefore =
        days -> WeatherCell.of(52.52, 13.41, finalBefore.minusDays(days), settings.gridDegrees());
    WeatherCell recent = daysBefore.apply(2);
    WeatherCell firstOfTheWeek = daysBefore.apply(WeatherSupply.FINALISE_LOOKBACK_DAYS);
    WeatherCell beforeTheWeek = daysBefore.apply(WeatherSupply.FINALISE_LOOKBACK_DAYS + 1);
    WeatherCell monthsAgo = daysBefore.apply(120);
    List<HourlyWeather> hours = java.util.Collections.nCopies(24, new HourlyWeather(4.0, 0.0, 10.0, 15.0, 9000.0, 3));
    List<WeatherHourlyTable.Fetched> forecasts = java.util.stream.Stream.of(recent, firstOfTheWeek, beforeTheWeek, monthsAgo)
        .map(cell -> new WeatherHourlyTable.Fetched(new DayWeather(cell, hours), false,
            cell.day().atTime(12, 0).toInstant(ZoneOffset.UTC)))
        .toList();
    table.write(spark, forecasts);
    assertEquals(4, table.provisional(spark, null, finalBefore).size(), "each fetched before its day ended");

    assertEquals(java.util.Set.of(recent, firstOfTheWeek), supply.finalise(spark, table, false, System.out));
    assertEquals(java.util.Set.of(beforeTheWeek, monthsAgo), java.util.Set.copyOf(table.provisional(spark, null, finalBefore)));
    assertEquals(java.util.Set.of(beforeTheWeek, monthsAgo), supply.finalise(spark, table, true, System.out),
        "the backfill looks at every day, and does not wait an hour after the live look");
    assertEquals(List.of(), table.provisional(spark, null, finalBefore));
  }

  @Test
  void rowsSharingACellAndDayCostOneRequestBetweenThemAndTheTableServesThemAgain() throws Exception {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    WeatherHourlyTable table = table("shared");
    Dataset<Row> enriched = enrich(pings(day, 52.52).repartition(1), table);
    List<Row> rows = enriched.orderBy("event_id").collectAsList();
    assertEquals(7, rows.size());
    assertEquals(1, calls(), "two cells of one day: one request");
    for (Row row : rows.subList(0, 6)) {
      // yesterday's hours, fetched after yesterday ended: final
      assertEquals(WeatherEnrichment.OK, row.getString(row.fieldIndex(WeatherEnrichment.STATUS)), row.toString());
      assertTrue(!row.isNullAt(row.fieldIndex("temperature_c")), row.toString());
    }
    assertEquals(WeatherEnrichment.MISSING, rows.get(6).getString(rows.get(6).fieldIndex(WeatherEnrichment.STATUS)));
    assertEquals(48, spark.read().format("delta").load(table.path()).count(), "two cell-days of 24 hours");
    enrich(pings(day, 52.52), table).count();
    assertEquals(1, calls(), "again: all from silver/weather_hourly");
  }

  @Test
  void whenTheApiFailsNoRowIsLostAndALaterRunFillsThemIn() throws Exception {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(2);
    WeatherHourlyTable table = table("failing");
    admin.fault("kind=status&status=500&count=10");
    Dataset<Row> failed = enrich(pings(day, 47.0).repartition(1), table).localCheckpoint();
    assertEquals(7, failed.count());
    assertEquals(6, failed.filter("weather_status = 'failed' AND temperature_c IS NULL").count());
    assertTrue(failed.filter("weather_status = 'failed'").first().getString(failed.schema().fieldIndex("weather_error"))
        .startsWith("HTTP 500"));
    admin.reset();
    Dataset<Row> again = enrich(failed, table);
    assertEquals(6, again.filter("weather_status = 'ok'").count());
    assertEquals(7, again.count());
  }

  @Test
  void weatherAtReadsTheLakeFirstAndAsksTheProviderOnlyForWhatItLacks() throws Exception {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    WeatherHourlyTable table = table("weather-at");
    Dataset<Row> pings = pings(day, 40.0);
    List<Row> enriched = enrich(pings, table).filter("lat IS NOT NULL").orderBy("event_id")
        .select("event_id", "temperature_c").collectAsList();
    admin.reset();
    WeatherEnrichment.registerFunction(spark, settings, table);
    pings.createOrReplaceTempView("pings_for_udf");
    List<Row> rows = spark.sql("SELECT event_id, weather_at(lat, lon, event_time).temperature_c AS t, "
        + "weather_at(lat, lon, event_time).weather_status AS s FROM pings_for_udf WHERE lat IS NOT NULL "
        + "ORDER BY event_id").collectAsList();
    assertEquals(6, rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(WeatherEnrichment.OK, rows.get(i).getString(2), rows.get(i).toString());
      assertEquals(enriched.get(i).getDouble(1), rows.get(i).getDouble(1), 1e-9, "the lake's value, as silver's");
    }
    assertEquals(0, calls(), "every cell-day from silver/weather_hourly");
    long okFromDatasetApi = spark.table("pings_for_udf").filter("lat IS NOT NULL")
        .select(WeatherEnrichment.weatherAt("lat", "lon", "event_time").getField(WeatherEnrichment.STATUS).as("s"))
        .filter("s = 'ok'").count();
    assertEquals(6, okFromDatasetApi);
    Row elsewhere = spark.sql("SELECT weather_at(10.0D, 10.0D, TIMESTAMP '" + day + " 12:00:00').weather_status").first();
    assertEquals(WeatherEnrichment.OK, elsewhere.getString(0));
    assertEquals(1, calls(), "a cell-day the lake lacks: asked of the provider");
  }
}
