package io.fleetlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.enrich.WeatherEnrichment;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulated 2-day, 60-unit fleet from Kafka to silver/locations_enriched through every job, on the real
 * servers; then a second day produced while the weather server fails, and the backfill.
 */
@ExtendWith(LocalStackExtension.class)
class SilverLocationsIT {
  private static final String ROOT = "s3a://fleet-lake/silver-it";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void theFleetGetsItsWeatherInFewCallsAndFailedWeatherIsFilledInLater() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    Map<String, String> env = TestStack.isolatedEnv("silver.it", ROOT);
    env.put("FLEETLAKE_WEATHER_BACKOFF", "20 milliseconds");
    env.put("FLEETLAKE_WEATHER_READ_TIMEOUT", "1 second");
    Path manifestFile = TestStack.projectDir().resolve("target/silver-it-manifest.json");
    stack.run(env, "simulate", "--units", "60", "--days", "2", "--duplicates", "1", "--malformed", "1",
        "--manifest", manifestFile.toString());
    JsonNode manifest = new ObjectMapper().readTree(manifestFile.toFile());
    stack.run(env, "ingest-locations", "--available-now");
    stack.run(env, "poll-sources", "--available-now");
    stack.run(env, "silver-dimensions", "--available-now");
    admin(stack, "/admin/reset");
    Command.Result silver = stack.run(env, "silver-locations", "--available-now");

    Dataset<Row> table = spark.read().format("delta").load(ROOT + "/silver/locations_enriched");
    long pings = manifest.get("pings").asLong();
    assertEquals(pings, table.count(), "each ping once: the duplicates are gone");
    assertEquals(pings, table.select("event_id").distinct().count());
    // today's hours are the forecast model's until the archive has the day: provisional, not yet ok
    assertEquals(pings, table.filter("weather_status = 'ok' OR (weather_status = 'provisional' AND event_date = "
        + "current_date())").count(), "100 % of the fleet has its weather");
    assertEquals(pings, table.filter("unit_known").count());
    long cellDays = table.selectExpr("floor(lat / 0.25 + 0.5)", "floor(lon / 0.25 + 0.5)", "event_date").distinct().count();
    JsonNode stats = stats(stack);
    double weight = stats.get("weight").asDouble();
    System.out.printf("weather: weight %.0f in %d requests for %d distinct (cell, day) keys: %.4f; peak %.0f a minute; %s%n",
        weight, stats.get("calls").asInt(), cellDays, weight / cellDays, stats.get("peak_weight_per_minute").asDouble(),
        silver.out().lines().filter(l -> l.startsWith("silver-locations: batch")).toList());
    assertTrue(weight <= cellDays, "weight " + weight + " for " + cellDays + " cell-days");
    assertEquals(0, stats.get("rate_limited").asInt(), "no request answered 429");
    assertEquals(table.filter("prev_event_time IS NULL").count(), 60, "only each unit's first ping has no previous");

    // another day of pings while the weather server fails
    LocalDate earlier = LocalDate.now(ZoneOffset.UTC).minusDays(4);
    stack.run(env, "simulate", "--units", "60", "--days", "1", "--start", earlier.toString(), "--seed", "7",
        "--duplicates", "0", "--late", "0", "--malformed", "0", "--manifest", manifestFile.toString());
    stack.run(env, "ingest-locations", "--available-now");
    admin(stack, "/admin/faults?kind=delay&ms=2500&count=2");
    admin(stack, "/admin/faults?kind=status&status=503&count=8");
    admin(stack, "/admin/faults?kind=broken-json&count=4");
    admin(stack, "/admin/faults?kind=status&status=500&count=200");
    stack.run(env, "silver-locations", "--available-now");
    Dataset<Row> during = spark.read().format("delta").load(ROOT + "/silver/locations_enriched");
    long failed = during.filter("weather_status = 'failed'").count();
    assertEquals(pings + 60 * 96, during.count(), "no row held back or lost while the API failed");
    assertTrue(failed > 0, "the outage shows as failed rows");
    assertEquals(0, during.filter("weather_status = 'failed' AND weather_error IS NULL").count());

    admin(stack, "/admin/reset");
    Command.Result backfill = stack.run(env, "silver-locations", "--backfill-weather");
    assertTrue(backfill.out().contains("silver-locations: weather changed for " + String.format("%,d", failed) + " rows"),
        backfill::toString);
    Dataset<Row> after = spark.read().format("delta").load(ROOT + "/silver/locations_enriched");
    assertEquals(pings + 60 * 96, after.count());
    assertEquals(0, after.filter(WeatherEnrichment.refillable()).count(), "none pending or failed");
  }

  private static void admin(TestStack stack, String pathAndQuery) throws Exception {
    HTTP.send(HttpRequest.newBuilder(URI.create(stack.weatherUrl() + pathAndQuery))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
  }

  private static JsonNode stats(TestStack stack) throws Exception {
    return new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create(stack.weatherUrl() + "/admin/stats"))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
  }
}
