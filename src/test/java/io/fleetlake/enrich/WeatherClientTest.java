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

/** The weather client, its plan and budget, and the cache, against fleetlake's real Open-Meteo-compatible server on loopback. */
class WeatherClientTest {
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  private static WeatherServer server;
  private static WeatherSettings settings;
  private static WeatherAdmin admin;

  @BeforeAll
  static void start() throws Exception {
    server = WeatherServer.start("127.0.0.1", 0, "none", null, java.time.Clock.systemUTC());
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
        "FLEETLAKE_WEATHER_CIRCUIT_FAILURES", "6"));
    env.putAll(more);
    return Settings.load(List.of(), env).weather();
  }

  private static WeatherSupply supply(WeatherSettings settings) {
    return new WeatherSupply(settings, new WeatherClient(settings), java.time.Clock.systemUTC());
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
  void cellsWithTheSameDaysShareARequestAndACellsDaysShareALocation() throws Exception {
    List<WeatherCell> cells = List.of(cell(52.52, 13.41, TODAY), cell(48.85, 2.35, TODAY), cell(40.42, -3.70, TODAY),
        cell(41.90, 12.50, TODAY), cell(52.52, 13.41, TODAY.minusDays(1)));
    Map<WeatherCell, DayWeather> weather = new HashMap<>();
    WeatherSupply.Outcome outcome = supply(settings).direct(cells, weather);
    assertEquals(Map.of(), outcome.failed());
    assertEquals(5, weather.size());
    assertEquals(2, stats().get("calls").asInt(), "today's 3 cells in 1 request; Berlin's two days in 1");
    assertEquals(4, stats().get("locations").asInt());
    assertEquals(4.0, stats().get("weight").asDouble(), "weight by location, not by request or by day");
    DayWeather berlin = weather.get(cell(52.52, 13.41, TODAY));
    assertEquals(24, berlin.hours().size());
    assertNotNull(berlin.at(12).temperatureC());
    assertNotNull(berlin.at(12).weatherCode());
  }

  @Test
  void aFortnightOfOneCellWeighsOne() throws Exception {
    List<WeatherCell> cells = new ArrayList<>();
    for (int d = 20; d < 34; d++) {
      cells.add(cell(45.0, 7.0, TODAY.minusDays(d)));
    }
    Map<WeatherCell, DayWeather> weather = new HashMap<>();
    supply(settings).direct(cells, weather);
    assertEquals(14, weather.size());
    assertEquals(1, stats().get("calls").asInt());
    assertEquals(1.0, stats().get("weight").asDouble());
  }

  @Test
  void answersAreMatchedByPositionNotBySnappedCoordinates() throws Exception {
    List<WeatherPlan.Entry> entries = List.of(
        new WeatherPlan.Entry(cell(10.0, 10.0, null), TODAY, TODAY, List.of(TODAY)),
        new WeatherPlan.Entry(cell(-33.9, 151.2, null), TODAY, TODAY, List.of(TODAY)));
    String body = """
        [{"latitude":10.02,"longitude":9.98,"hourly":{"time":["%1$sT00:00","%1$sT01:00"],"temperature_2m":[30.1,null]}},
         {"latitude":-33.88,"longitude":151.19,"hourly":{"time":["%1$sT00:00"],"temperature_2m":[18.5]}}]
        """.formatted(TODAY);
    Map<WeatherCell, DayWeather> parsed = WeatherClient.parse(body, entries);
    DayWeather first = parsed.get(cell(10.0, 10.0, TODAY));
    assertEquals(30.1, first.at(0).temperatureC());
    assertNull(first.at(1).temperatureC(), "null inside an array stays null");
    assertNull(first.at(5).temperatureC(), "an hour not answered is missing");
    assertEquals(18.5, parsed.get(cell(-33.9, 151.2, TODAY)).at(0).temperatureC());
    String single = "{\"latitude\":10.02,\"longitude\":9.98,\"hourly\":{\"time\":[\"" + TODAY + "T03:00\"],\"visibility\":[24140]}}";
    assertEquals(24140.0, WeatherClient.parse(single, entries.subList(0, 1)).get(cell(10.0, 10.0, TODAY)).at(3).visibilityM());
    assertThrows(WeatherClient.AnswerException.class, () -> WeatherClient.parse(single, entries));
  }

  @Test
  void theArchiveAnswersNullsWhereItHasNoData() {
    LocalDate old = TODAY.minusDays(30);
    Map<WeatherCell, DayWeather> weather = new HashMap<>();
    supply(settings).direct(List.of(cell(52.5, 13.4, old)), weather);
    DayWeather day = weather.get(cell(52.5, 13.4, old));
    assertNotNull(day.at(10).temperatureC());
    assertNull(day.at(10).visibilityM(), "ERA5 has no visibility");
  }

  @Test
  void aDayTheApiRefusesIsMissingOnceAndTheOtherDaysStillGetTheirWeather() throws Exception {
    // one failed call opens this circuit: were the 400 counted, every call after it would be refused
    WeatherSettings oneFailure = settings(Map.of("FLEETLAKE_WEATHER_CIRCUIT_FAILURES", "1"));
    WeatherSupply supply = supply(oneFailure);
    WeatherCache cache = new WeatherCache(supply, 1000);
    WeatherCell tooFarAhead = cell(52.5, 13.4, TODAY.plusDays(40));
    // days that are over: their hours are final, and so kept (a day not over would be asked again)
    LocalDate yesterday = TODAY.minusDays(1);
    List<WeatherCell> good = List.of(cell(52.52, 13.41, yesterday), cell(48.85, 2.35, yesterday),
        cell(40.42, -3.70, yesterday), cell(45.52, 13.41, TODAY.minusDays(2)));
    List<WeatherCell> batch = new ArrayList<>(List.of(tooFarAhead));
    batch.addAll(good);

    WeatherCache.Lookup lookup = cache.lookup(batch);
    assertEquals(3, admin.calls(), "the refused day 1 (no retry), yesterday's 3 cells 1, the day before 1");
    assertEquals(Set.copyOf(good), lookup.weather().keySet());
    assertEquals(Map.of(), lookup.failed());
    String reason = lookup.missing().get(tooFarAhead);
    assertTrue(reason.startsWith("HTTP 400: Parameter 'start_date' is out of allowed range from "), reason);
    good.forEach(cell -> assertEquals(WeatherEnrichment.OK, status(row(lookup, cell)), cell.toString()));
    assertEquals(WeatherEnrichment.MISSING, status(row(lookup, tooFarAhead)));
    assertEquals(reason, error(row(lookup, tooFarAhead)), "the API's reason is kept for weather_error");
    assertEquals(0, supply.counters().failures(), "a 400 is not a failed call");
    assertEquals(1, supply.counters().rejected());

    assertEquals(lookup, cache.lookup(batch), "the next batch gets the same answers");
    assertEquals(3, admin.calls(), "from the cache: the refused day is not asked again");
    assertEquals(1, cache.lookup(List.of(cell(41.90, 12.50, TODAY))).weather().size(), "the circuit is closed");
    assertEquals(4, admin.calls());
  }

  @Test
  void aYearTheApiCannotReadIsMissingWithItsReason() throws Exception {
    WeatherCell farFuture = cell(52.5, 13.4, LocalDate.of(300000, 1, 1));
    WeatherSupply.Outcome outcome = supply(settings).direct(List.of(farFuture), new HashMap<>());
    assertEquals("HTTP 400: Invalid date format. Make sure to use 'YYYY-MM-DD'", outcome.missing().get(farFuture));
  }

  @Test
  void aLocationTheApiRefusesIsFoundBySmallerRequestsAndTheOthersStillGetTheirWeather() throws Exception {
    WeatherSupply supply = supply(settings(Map.of("FLEETLAKE_WEATHER_CIRCUIT_FAILURES", "1")));
    List<WeatherCell> cells = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      cells.add(cell(44.0 + i, 7.0, TODAY));
    }
    // longitude 600 (which bronze would have refused) wraps once, to 240: a coordinate the API refuses
    WeatherCell offTheMap = cell(49.0, 600.0, TODAY);
    cells.set(5, offTheMap);

    Map<WeatherCell, DayWeather> weather = new HashMap<>();
    WeatherSupply.Outcome outcome = supply.direct(cells, weather);
    assertEquals(7, weather.size());
    assertEquals(Set.of(offTheMap), outcome.missing().keySet());
    assertTrue(outcome.missing().get(offTheMap).startsWith("HTTP 400: Longitude must be in range of -180 to 180°"),
        outcome.missing().toString());
    assertEquals(Map.of(), outcome.failed());
    assertEquals(0, supply.counters().failures());
    assertEquals(1, supply.direct(List.of(cell(60.0, 10.0, TODAY)), new HashMap<>()).held().size(), "the circuit is closed");
  }

  @Test
  void transientFailuresAreRetried() throws Exception {
    admin.fault("kind=status&status=503&count=1");
    admin.fault("kind=broken-json&count=1");
    WeatherSupply supply = supply(settings);
    Map<WeatherCell, DayWeather> weather = new HashMap<>();
    WeatherSupply.Outcome outcome = supply.direct(List.of(cell(45.0, 7.0, TODAY)), weather);
    assertEquals(Map.of(), outcome.failed());
    assertEquals(1, weather.size());
    assertEquals(3, stats().get("calls").asInt());
    assertEquals(2, supply.counters().retries());
  }

  @Test
  void a429PastALimitIsNotRetriedTheKeysWaitAndTheBudgetWaitsForTheWindow() throws Exception {
    admin.fault("kind=rate-limit&count=1");
    WeatherSupply supply = supply(settings);
    WeatherCell cell = cell(45.0, 7.0, TODAY);
    WeatherSupply.Outcome outcome = supply.direct(List.of(cell), new HashMap<>());
    assertEquals(Set.of(cell), outcome.pending(), "pending, not failed: filled in once the window turns");
    assertEquals(1, stats().get("calls").asInt(), "no retry into a spent window");
    assertEquals(0, supply.budget().available(System.currentTimeMillis()));
    assertTrue(supply.budget().spentUntil() > System.currentTimeMillis());
  }

  @Test
  void aProviderThatKeepsFailingOpensTheCircuit() throws Exception {
    admin.fault("kind=status&status=500&count=100");
    WeatherSupply supply = supply(settings);
    Map<WeatherCell, String> failed = new HashMap<>(supply.direct(List.of(cell(1, 1, TODAY)), new HashMap<>()).failed());
    assertTrue(failed.get(cell(1, 1, TODAY)).startsWith("HTTP 500: Injected fault: HTTP 500 (after 4 attempts)"), failed.toString());
    failed.putAll(supply.direct(List.of(cell(2, 2, TODAY), cell(3, 3, TODAY.minusDays(1))), new HashMap<>()).failed());
    assertEquals(6, stats().get("calls").asInt(), "4 + 2 calls, then the circuit opened");
    assertTrue(failed.get(cell(3, 3, TODAY.minusDays(1))).startsWith("circuit open after 6 failed calls in a row"),
        failed.toString());
  }

  @Test
  void requestsStayWithinTheUrlAndLocationLimits() throws Exception {
    List<WeatherCell> cells = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      cells.add(new WeatherCell(-800 + i, 1700 - i, 100, TODAY)); // long coordinates: -80.0 … 69.9, 170.0 … 20.1
    }
    Map<WeatherCell, DayWeather> weather = new HashMap<>();
    WeatherSupply.Outcome outcome = supply(settings(Map.of("FLEETLAKE_WEATHER_LIMITS_MINUTE", "0"))).direct(cells, weather);
    assertEquals(Map.of(), outcome.failed(), "no 414, no 400 for too many locations");
    assertEquals(1500, weather.size());
    assertTrue(stats().get("calls").asInt() >= 3, "1,500 cells of 9-11 URL characters each need 3 requests or more");
    assertEquals(0, stats().get("refused_otherwise").asInt());
  }

  @Test
  void whatTheMinutesBudgetCannotPayForIsPendingNotAsked() throws Exception {
    List<WeatherCell> cells = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      cells.add(new WeatherCell(i, i, 100, TODAY));
    }
    Map<WeatherCell, DayWeather> weather = new HashMap<>();
    WeatherSupply.Outcome outcome = supply(settings).direct(cells, weather); // the free tier's 600 a minute
    assertEquals(600, weather.size());
    assertEquals(900, outcome.pending().size());
    assertEquals(600.0, stats().get("weight").asDouble());
    assertEquals(0, stats().get("rate_limited").asInt());
  }

  @Test
  void twoTasksNeedingTheSameCellsAtOnceCauseOneRequest() throws Exception {
    admin.fault("kind=delay&ms=400&count=1");
    WeatherCache cache = new WeatherCache(supply(settings), 1000);
    // yesterday's hours are final, and so kept: today's would be asked again until the day is over
    List<WeatherCell> cells = List.of(cell(50.1, 8.7, TODAY.minusDays(1)), cell(50.2, 8.8, TODAY.minusDays(1)));
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
  }

  @Test
  void aFailedCellIsNotCachedSoALaterLookupAsksAgain() throws Exception {
    admin.fault("kind=status&status=500&count=4");
    WeatherCache cache = new WeatherCache(supply(settings), 1000);
    WeatherCell cell = cell(60.0, 10.0, TODAY);
    assertEquals(List.of(cell), List.copyOf(cache.lookup(List.of(cell)).failed().keySet()));
    assertEquals(1, cache.lookup(List.of(cell)).weather().size());
    assertEquals(5, stats().get("calls").asInt());
  }

  @Test
  void aCustomerPlansKeyGoesWithEveryRequestAndNeverIntoAReason() throws Exception {
    try (WeatherServer customer = WeatherServer.start("127.0.0.1", 0, "none", "s3cr3t-key", java.time.Clock.systemUTC())) {
      String url = "http://127.0.0.1:" + customer.port();
      Map<String, String> env = Map.of("FLEETLAKE_WEATHER_BASE_URL", url, "FLEETLAKE_WEATHER_ARCHIVE_BASE_URL", url);
      WeatherSettings keyed = Settings.load(List.of(), new HashMap<>(Map.of("FLEETLAKE_WEATHER_BASE_URL", url,
          "FLEETLAKE_WEATHER_ARCHIVE_BASE_URL", url, "FLEETLAKE_WEATHER_API_KEY", "s3cr3t-key"))).weather();
      Map<WeatherCell, DayWeather> weather = new HashMap<>();
      supply(keyed).direct(List.of(cell(45.0, 7.0, TODAY)), weather);
      assertEquals(1, weather.size());
      assertTrue(!keyed.toString().contains("s3cr3t"), keyed.toString());

      WeatherSupply.Outcome without = supply(Settings.load(List.of(), env).weather())
          .direct(List.of(cell(45.0, 7.0, TODAY)), new HashMap<>());
      assertEquals("HTTP 401: API key required. Please add &apikey= to the URL.", without.failed().get(cell(45.0, 7.0, TODAY)));
    }
  }

  @Test
  void aDayNotOverIsProvisionalAndAskedAgainNotKept() throws Exception {
    WeatherCache cache = new WeatherCache(supply(settings), 1000);
    WeatherCell today = cell(50.1, 8.7, TODAY);
    WeatherCache.Lookup lookup = cache.lookup(List.of(today));
    assertEquals(WeatherEnrichment.PROVISIONAL, status(row(lookup, today)));
    cache.lookup(List.of(today));
    assertEquals(2, stats().get("calls").asInt(), "the forecast of a day not over may still change");
  }
}
