package io.fleetlake.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlake.config.Settings;
import io.fleetlake.config.WeatherSettings;
import io.fleetlake.local.weather.WeatherServer;
import io.fleetlake.testing.WeatherAdmin;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The weather client and cache against fleetlake's real Open-Meteo-compatible server on loopback. */
class WeatherClientTest {
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  private static WeatherServer server;
  private static WeatherSettings settings;
  private static WeatherAdmin admin;

  @BeforeAll
  static void start() throws Exception {
    server = WeatherServer.start("127.0.0.1", 0, 0);
    admin = new WeatherAdmin("http://127.0.0.1:" + server.port());
    settings = settings(Map.of());
  }

  /** The suite's settings, with {@code more} FLEETLAKE_ variables over them. */
  private static WeatherSettings settings(Map<String, String> more) {
    String url = "http://127.0.0.1:" + server.port();
    Map<String, String> env = new HashMap<>(Map.of(
        "FLEETLAKE_WEATHER_BASE_URL", url,
        "FLEETLAKE_WEATHER_ARCHIVE_BASE_URL", url,
        "FLEETLAKE_WEATHER_BACKOFF", "10 milliseconds",
        "FLEETLAKE_WEATHER_CALLS_PER_MINUTE", "60000",
        "FLEETLAKE_WEATHER_CELLS_PER_CALL", "3",
        "FLEETLAKE_WEATHER_CIRCUIT_FAILURES", "6"));
    env.putAll(more);
    return Settings.load(List.of(), env).weather();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void reset() throws Exception {
    admin.reset();
  }

  private static JsonNode stats() throws Exception {
    return admin.stats();
  }

  private static WeatherCell cell(double lat, double lon, LocalDate day) {
    return WeatherCell.of(lat, lon, day, settings.gridDegrees());
  }

  /** The weather columns a row at noon of the cell's day gets from this lookup. */
  private static Object[] row(WeatherCache.Lookup lookup, WeatherCell cell) {
    return WeatherEnrichment.weatherValues(lookup, cell, Timestamp.from(cell.day().atTime(12, 0).toInstant(ZoneOffset.UTC)));
  }

  private static Object status(Object[] row) {
    return row[WeatherEnrichment.WEATHER.fieldIndex(WeatherEnrichment.STATUS)];
  }

  private static Object error(Object[] row) {
    return row[WeatherEnrichment.WEATHER.fieldIndex("weather_error")];
  }

  @Test
  void cellsOfADayShareCallsUpToTheLimitPerCall() throws Exception {
    WeatherClient client = new WeatherClient(settings);
    List<WeatherCell> cells = List.of(cell(52.52, 13.41, TODAY), cell(48.85, 2.35, TODAY), cell(40.42, -3.70, TODAY),
        cell(41.90, 12.50, TODAY), cell(52.52, 13.41, TODAY.minusDays(1)));
    WeatherClient.Fetched fetched = client.fetch(cells);
    assertEquals(Map.of(), fetched.failed());
    Map<WeatherCell, DayWeather> weather = fetched.weather();
    assertEquals(5, weather.size());
    assertEquals(3, stats().get("calls").asInt(), "today: 3 + 1 cells in 2 calls; yesterday: 1 call");
    assertEquals(5, stats().get("locations").asInt());
    DayWeather berlin = weather.get(cell(52.52, 13.41, TODAY));
    assertEquals(24, berlin.hours().size());
    assertNotNull(berlin.at(12).temperatureC());
    assertNotNull(berlin.at(12).weatherCode());
  }

  @Test
  void answersAreMatchedByPositionNotBySnappedCoordinates() throws Exception {
    List<WeatherCell> cells = List.of(cell(10.0, 10.0, TODAY), cell(-33.9, 151.2, TODAY));
    String body = """
        [{"latitude":10.02,"longitude":9.98,"hourly":{"time":["%1$sT00:00","%1$sT01:00"],"temperature_2m":[30.1,null]}},
         {"latitude":-33.88,"longitude":151.19,"hourly":{"time":["%1$sT00:00"],"temperature_2m":[18.5]}}]
        """.formatted(TODAY);
    List<DayWeather> parsed = WeatherClient.parse(body, cells);
    assertEquals(cells.get(0), parsed.get(0).cell());
    assertEquals(30.1, parsed.get(0).at(0).temperatureC());
    assertNull(parsed.get(0).at(1).temperatureC(), "null inside an array stays null");
    assertNull(parsed.get(0).at(5).temperatureC(), "an hour not answered is missing");
    assertEquals(18.5, parsed.get(1).at(0).temperatureC());
    String single = "{\"latitude\":10.02,\"longitude\":9.98,\"hourly\":{\"time\":[\"" + TODAY + "T03:00\"],\"visibility\":[24140]}}";
    assertEquals(24140.0, WeatherClient.parse(single, cells.subList(0, 1)).get(0).at(3).visibilityM());
    assertThrows(WeatherClient.AnswerException.class, () -> WeatherClient.parse(single, cells));
  }

  @Test
  void theArchiveAnswersNullsWhereItHasNoData() {
    WeatherClient client = new WeatherClient(settings);
    LocalDate old = TODAY.minusDays(30);
    DayWeather day = client.fetch(List.of(cell(52.5, 13.4, old))).weather().get(cell(52.5, 13.4, old));
    assertNotNull(day.at(10).temperatureC());
    assertNull(day.at(10).visibilityM(), "ERA5 has no visibility");
  }

  @Test
  void a400IsMissingAtOnceWithTheApisReason() throws Exception {
    WeatherClient client = new WeatherClient(settings);
    WeatherCell tooFarAhead = cell(52.5, 13.4, TODAY.plusDays(40));
    WeatherClient.Fetched fetched = client.fetch(List.of(tooFarAhead));
    assertTrue(fetched.missing().get(tooFarAhead).startsWith("HTTP 400: Parameter 'start_date' is out of allowed range"),
        fetched.toString());
    assertEquals(Map.of(), fetched.failed(), "refused for good, not failed for now");
    assertEquals(1, stats().get("calls").asInt(), "no retry of a bad request");
  }

  @Test
  void aDayTheApiRefusesIsMissingOnceAndTheOtherDaysOfTheBatchStillGetTheirWeather() throws Exception {
    // one failed call opens this circuit: were the 400 counted, every call after it would be refused
    WeatherClient client = new WeatherClient(settings(Map.of("FLEETLAKE_WEATHER_CIRCUIT_FAILURES", "1")));
    WeatherCache cache = new WeatherCache(client, 1000);
    WeatherCell tooFarAhead = cell(52.5, 13.4, TODAY.plusDays(40));
    List<WeatherCell> good = List.of(cell(52.52, 13.41, TODAY), cell(48.85, 2.35, TODAY), cell(40.42, -3.70, TODAY),
        cell(52.52, 13.41, TODAY.minusDays(1)));
    List<WeatherCell> batch = new ArrayList<>(List.of(tooFarAhead));
    batch.addAll(good);

    WeatherCache.Lookup lookup = cache.lookup(batch);
    assertEquals(3, admin.calls(), "the refused day 1 (no retry), today's 3 cells 1, yesterday 1");
    assertEquals(Set.copyOf(good), lookup.weather().keySet());
    assertEquals(Map.of(), lookup.failed());
    String reason = lookup.missing().get(tooFarAhead);
    assertTrue(reason.startsWith("HTTP 400: Parameter 'start_date' is out of allowed range from "), reason);
    good.forEach(cell -> assertEquals(WeatherEnrichment.OK, status(row(lookup, cell)), cell.toString()));
    assertEquals(WeatherEnrichment.MISSING, status(row(lookup, tooFarAhead)));
    assertEquals(reason, error(row(lookup, tooFarAhead)), "the API's reason is kept for weather_error");
    assertEquals(0, client.counters().failures(), "a 400 is not a failed call");
    assertEquals(1, client.counters().rejected());

    assertEquals(lookup, cache.lookup(batch), "the next batch gets the same answers");
    assertEquals(3, admin.calls(), "from the cache: the refused day is not asked again");

    assertEquals(1, cache.lookup(List.of(cell(41.90, 12.50, TODAY))).weather().size(), "the circuit is closed");
    assertEquals(4, admin.calls());
  }

  @Test
  void aLocationTheApiRefusesIsFoundByHalvingTheCallAndTheOthersStillGetTheirWeather() throws Exception {
    WeatherClient client = new WeatherClient(settings(Map.of("FLEETLAKE_WEATHER_CELLS_PER_CALL", "8",
        "FLEETLAKE_WEATHER_CIRCUIT_FAILURES", "1")));
    List<WeatherCell> cells = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      cells.add(cell(44.0 + i, 7.0, TODAY));
    }
    // longitude 600 (which bronze would have refused) wraps once, to 240: a coordinate the API refuses
    WeatherCell offTheMap = cell(49.0, 600.0, TODAY);
    cells.set(5, offTheMap);

    WeatherClient.Fetched fetched = client.fetch(cells);
    assertEquals(7, admin.calls(), "all 8: 400; 0-3 ok, 4-7: 400; 4-5: 400, 6-7 ok; 4 ok, 5: 400");
    assertEquals(7, fetched.weather().size());
    assertEquals(Set.of(offTheMap), fetched.missing().keySet());
    assertTrue(fetched.missing().get(offTheMap).startsWith("HTTP 400: Longitude must be in range of -180 to 180°"),
        fetched.missing().toString());
    assertEquals(Map.of(), fetched.failed());
    assertEquals(4, client.counters().rejected());
    assertEquals(0, client.counters().failures());
    assertEquals(1, client.fetch(List.of(cell(60.0, 10.0, TODAY))).weather().size(), "the circuit is closed");
  }

  @Test
  void transientFailuresAreRetriedAndA429sRetryAfterHonoured() throws Exception {
    admin.fault("kind=status&status=503&count=1");
    admin.fault("kind=broken-json&count=1");
    admin.fault("kind=rate-limit&retry_after=1&count=1");
    WeatherClient client = new WeatherClient(settings);
    long start = System.nanoTime();
    WeatherClient.Fetched fetched = client.fetch(List.of(cell(45.0, 7.0, TODAY)));
    assertEquals(Map.of(), fetched.failed());
    assertEquals(1, fetched.weather().size());
    assertEquals(4, stats().get("calls").asInt());
    assertEquals(3, client.counters().retries());
    assertTrue((System.nanoTime() - start) / 1_000_000 >= 1000, "waited the Retry-After second");
  }

  @Test
  void aProviderThatKeepsFailingOpensTheCircuit() throws Exception {
    admin.fault("kind=status&status=500&count=100");
    WeatherClient client = new WeatherClient(settings);
    Map<WeatherCell, String> failed = new HashMap<>(client.fetch(List.of(cell(1, 1, TODAY))).failed());
    assertTrue(failed.get(cell(1, 1, TODAY)).startsWith("HTTP 500: Injected fault: HTTP 500 (after 4 attempts)"), failed.toString());
    failed.putAll(client.fetch(List.of(cell(2, 2, TODAY), cell(3, 3, TODAY.minusDays(1)))).failed());
    assertEquals(6, stats().get("calls").asInt(), "4 + 2 calls, then the circuit opened");
    assertTrue(failed.get(cell(3, 3, TODAY.minusDays(1))).startsWith("circuit open after 6 failed calls in a row"),
        failed.toString());
  }

  @Test
  void twoTasksNeedingTheSameCellsAtOnceCauseOneCall() throws Exception {
    admin.fault("kind=delay&ms=400&count=1");
    WeatherCache cache = new WeatherCache(new WeatherClient(settings), 1000);
    List<WeatherCell> cells = List.of(cell(50.1, 8.7, TODAY), cell(50.2, 8.8, TODAY));
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService tasks = Executors.newFixedThreadPool(2);
    try {
      List<Future<WeatherCache.Lookup>> lookups = List.of(
          tasks.submit(() -> {
            go.await();
            return cache.lookup(cells);
          }),
          tasks.submit(() -> {
            go.await();
            return cache.lookup(cells);
          }));
      go.countDown();
      for (Future<WeatherCache.Lookup> lookup : lookups) {
        assertEquals(2, lookup.get().weather().size());
      }
    } finally {
      tasks.shutdown();
    }
    assertEquals(1, stats().get("calls").asInt());
    cache.lookup(cells);
    assertEquals(1, stats().get("calls").asInt(), "then from the cache");
    assertEquals(2, cache.counters().misses());
    assertEquals(4, cache.counters().hits());
  }

  @Test
  void aFailedCellIsNotCachedSoALaterLookupAsksAgain() throws Exception {
    admin.fault("kind=status&status=500&count=4");
    WeatherCache cache = new WeatherCache(new WeatherClient(settings), 1000);
    WeatherCell cell = cell(60.0, 10.0, TODAY);
    assertEquals(List.of(cell), List.copyOf(cache.lookup(List.of(cell)).failed().keySet()));
    assertEquals(1, cache.lookup(List.of(cell)).weather().size());
    assertEquals(5, stats().get("calls").asInt());
  }
}
