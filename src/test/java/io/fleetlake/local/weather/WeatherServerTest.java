package io.fleetlake.local.weather;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The local weather server answers in Open-Meteo's real format. */
class WeatherServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HOUR = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:00");
  private static final String ALL = "temperature_2m,precipitation,wind_speed_10m,wind_gusts_10m,visibility,weather_code";
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

  private static WeatherServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    server = WeatherServer.start("127.0.0.1", 0, "none");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void reset() throws Exception {
    post("/admin/reset");
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String forecast(String lats, String lons, LocalDate start, LocalDate end) {
    return "/v1/forecast?latitude=" + lats + "&longitude=" + lons + "&hourly=" + ALL
        + "&start_date=" + start + "&end_date=" + end + "&timezone=GMT";
  }

  private static JsonNode stats() throws Exception {
    return JSON.readTree(get("/admin/stats").body());
  }

  @Test
  void oneLocationIsAnObjectWithHourlyArraysParallelToTime() throws Exception {
    HttpResponse<String> response = get(forecast("52.52", "13.41", TODAY, TODAY.plusDays(1)));
    assertEquals(200, response.statusCode());
    JsonNode answer = JSON.readTree(response.body());
    assertTrue(answer.isObject());
    assertEquals("GMT", answer.get("timezone").asText());
    assertEquals(0, answer.get("utc_offset_seconds").asInt());
    JsonNode hourly = answer.get("hourly");
    JsonNode time = hourly.get("time");
    assertEquals(48, time.size());
    assertEquals(TODAY + "T00:00", time.get(0).asText());
    time.forEach(t -> assertTrue(HOUR.matcher(t.asText()).matches(), t.asText()));
    for (String variable : ALL.split(",")) {
      assertEquals(48, hourly.get(variable).size(), variable);
      assertTrue(answer.get("hourly_units").has(variable), variable);
    }
    assertEquals("°C", answer.get("hourly_units").get("temperature_2m").asText());
    hourly.get("weather_code").forEach(code -> assertTrue(code.isInt(), code.toString()));
    hourly.get("temperature_2m").forEach(t -> assertTrue(t.asDouble() > -60 && t.asDouble() < 60, t.toString()));
  }

  @Test
  void coordinatesAreSnappedToTheGridSoTheyDifferFromTheRequest() throws Exception {
    JsonNode answer = JSON.readTree(get(forecast("52.52", "13.41", TODAY, TODAY)).body());
    double lat = answer.get("latitude").asDouble();
    double lon = answer.get("longitude").asDouble();
    assertNotEquals(52.52, lat);
    assertNotEquals(13.41, lon);
    assertEquals(52.52, lat, 0.02);
    assertEquals(13.41, lon, 0.02);
  }

  @Test
  void severalLocationsAreAnArrayInRequestOrder() throws Exception {
    JsonNode answer = JSON.readTree(get(forecast("52.52,-33.87,48.85", "13.41,151.21,2.35", TODAY, TODAY)).body());
    assertTrue(answer.isArray());
    assertEquals(3, answer.size());
    assertEquals(52.52, answer.get(0).get("latitude").asDouble(), 0.02);
    assertEquals(-33.87, answer.get(1).get("latitude").asDouble(), 0.02);
    assertEquals(2.35, answer.get(2).get("longitude").asDouble(), 0.02);
    // the southern summer is warmer than the northern winter at the same hour, on average
    assertTrue(mean(answer.get(1), "temperature_2m") > mean(answer.get(0), "temperature_2m") || TODAY.getMonthValue() > 4
        && TODAY.getMonthValue() < 10);
  }

  @Test
  void theSamePlaceAndHourAlwaysHasTheSameWeather() throws Exception {
    String first = get(forecast("40.0", "-3.7", TODAY, TODAY)).body();
    String again = get(forecast("40.0", "-3.7", TODAY, TODAY)).body();
    assertEquals(JSON.readTree(first).get("hourly"), JSON.readTree(again).get("hourly"));
  }

  @Test
  void theArchiveHasNullsWhereTheRealOneHasNoData() throws Exception {
    LocalDate start = TODAY.minusDays(3);
    JsonNode answer = JSON.readTree(get("/v1/archive?latitude=52.52&longitude=13.41&hourly=" + ALL
        + "&start_date=" + start + "&end_date=" + TODAY + "&timezone=GMT").body());
    assertEquals(52.5, answer.get("latitude").asDouble(), 1e-6, "ERA5's 0.25° grid");
    JsonNode temperature = answer.get("hourly").get("temperature_2m");
    assertEquals(96, temperature.size());
    assertTrue(temperature.get(0).isNumber(), "three days ago is there");
    assertTrue(temperature.get(95).isNull(), "today is not archived yet");
    answer.get("hourly").get("visibility").forEach(v -> assertTrue(v.isNull(), "ERA5 has no visibility"));
  }

  @Test
  void errorsAre400WithAReason() throws Exception {
    assertError("/v1/forecast?latitude=91&longitude=13&hourly=temperature_2m", "Latitude must be in range of -90 to 90°. Given: 91.0.");
    assertError("/v1/forecast?latitude=52,53&longitude=13&hourly=temperature_2m",
        "Parameter 'latitude' and 'longitude' must have the same number of elements");
    assertError("/v1/forecast?latitude=52&longitude=13&hourly=sunshine",
        "Cannot initialize ForecastVariable from invalid String value sunshine for key hourly");
    assertError(forecast("52", "13", TODAY, TODAY.minusDays(1)), "End-date must be larger or equals than start-date");
    assertError("/v1/archive?latitude=52&longitude=13&hourly=temperature_2m&end_date=" + TODAY, "Parameter 'start_date' is required");
    assertError(forecast("52", "13", TODAY.minusYears(1), TODAY), "Parameter 'start_date' is out of allowed range from "
        + TODAY.minusDays(93) + " to " + TODAY.plusDays(15));
    String many = "1" + ",1".repeat(WeatherServer.MAX_LOCATIONS);
    assertError("/v1/forecast?latitude=" + many + "&longitude=" + many + "&hourly=temperature_2m",
        "Only up to 1000 locations can be requested at once");
  }

  private static void assertError(String request, String reason) throws Exception {
    HttpResponse<String> response = get(request);
    assertEquals(400, response.statusCode(), request);
    JsonNode body = JSON.readTree(response.body());
    assertTrue(body.get("error").asBoolean());
    assertEquals(reason, body.get("reason").asText());
  }

  @Test
  void itCountsCallsAndLocationsAsked() throws Exception {
    get(forecast("52.52,48.85", "13.41,2.35", TODAY, TODAY.plusDays(2)));
    get(forecast("40.0", "-3.7", TODAY, TODAY));
    JsonNode stats = stats();
    assertEquals(2, stats.get("calls").asInt());
    assertEquals(2, stats.get("forecast_calls").asInt());
    assertEquals(3, stats.get("locations").asInt());
    assertEquals(2 * 3 + 1, stats.get("location_days").asInt());
    assertEquals(3.0, stats.get("weight").asDouble(), "a location weighs 1 up to 23 days of 6 variables");
  }

  @Test
  void aRequestWeighsEachLocationByItsVariablesAndDays() throws Exception {
    String all = "temperature_2m,precipitation,wind_speed_10m,wind_gusts_10m,visibility,weather_code,"
        + "relative_humidity_2m,cloud_cover,pressure_msl";
    get("/v1/archive?latitude=52,48&longitude=13,2&hourly=" + all + "&start_date=" + TODAY.minusDays(60)
        + "&end_date=" + TODAY.minusDays(33) + "&timezone=GMT");
    // 9 variables over 28 days: max(0.9, 2 × 0.9) = 1.8 a location, as open-meteo's calculateQueryWeight
    assertEquals(3.6, stats().get("weight").asDouble(), 1e-5);
    assertEquals(400, get(forecast("52", "13", TODAY.plusDays(40), TODAY.plusDays(40))).statusCode());
    assertEquals(4.6, stats().get("weight").asDouble(), 1e-5, "a refused request counts 1");
  }

  @Test
  void itLimitsInWeightWithThreeWindowsAndNoRetryAfter() throws Exception {
    try (WeatherServer limited = WeatherServer.start("127.0.0.1", 0, "3,4,100")) {
      String base = "http://127.0.0.1:" + limited.port();
      int[] statuses = new int[3];
      HttpResponse<String> refused = null;
      for (int i = 0; i < 3; i++) {
        // two locations: weight 2; the second request crosses the minute's 3 and is still answered
        refused = HTTP.send(HttpRequest.newBuilder(URI.create(base + forecast("52,53", "13,14", TODAY, TODAY))).build(),
            HttpResponse.BodyHandlers.ofString());
        statuses[i] = refused.statusCode();
      }
      assertEquals("200 200 429", statuses[0] + " " + statuses[1] + " " + statuses[2]);
      assertEquals("Minutely API request limit exceeded. Please try again in one minute.",
          JSON.readTree(refused.body()).get("reason").asText());
      assertTrue(refused.headers().firstValue("Retry-After").isEmpty(), "Open-Meteo sends no Retry-After");
      JsonNode stats = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/stats")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertEquals(4.0, stats.get("weight").asDouble(), "a refused request adds nothing");
      assertEquals(1, stats.get("rate_limited").asInt());
      assertEquals(4.0, stats.get("peak_weight_per_minute").asDouble());
    }
  }

  @Test
  void aUrlOverEightThousandCharactersIsRefusedAsAProxyWould() throws Exception {
    String lats = "52.1234," .repeat(600);
    HttpResponse<String> response = get(forecast(lats + "52", lats + "13", TODAY, TODAY).replace("13,", "13.4321,"));
    assertEquals(414, response.statusCode());
    assertTrue(response.body().contains("414 Request-URI Too Large"));
  }

  @Test
  void withAKeyItRefusesRequestsWithoutItOrWithAnother() throws Exception {
    try (WeatherServer customer = WeatherServer.start("127.0.0.1", 0, "none", "k3y", java.time.Clock.systemUTC())) {
      String base = "http://127.0.0.1:" + customer.port() + forecast("52", "13", TODAY, TODAY);
      assertEquals(401, HTTP.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(400, HTTP.send(HttpRequest.newBuilder(URI.create(base + "&apikey=other")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(base + "&apikey=k3y")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  @Test
  void injectedStatusFaultsLastForTheirCountThenItRecovers() throws Exception {
    assertEquals(200, post("/admin/faults?kind=status&status=503&count=2").statusCode());
    assertEquals(503, get(forecast("52", "13", TODAY, TODAY)).statusCode());
    assertEquals(503, get(forecast("52", "13", TODAY, TODAY)).statusCode());
    assertEquals(200, get(forecast("52", "13", TODAY, TODAY)).statusCode());
    assertEquals(2, stats().get("faults_served").asInt());
  }

  @Test
  void rateLimitFaultAnswers429AsTheProviderDoes() throws Exception {
    post("/admin/faults?kind=rate-limit&count=1");
    HttpResponse<String> response = get(forecast("52", "13", TODAY, TODAY));
    assertEquals(429, response.statusCode());
    assertTrue(response.headers().firstValue("Retry-After").isEmpty());
    assertTrue(JSON.readTree(response.body()).get("error").asBoolean());
  }

  @Test
  void brokenJsonFaultIsNotParseable() throws Exception {
    post("/admin/faults?kind=broken-json&count=1");
    HttpResponse<String> response = get(forecast("52", "13", TODAY, TODAY));
    assertEquals(200, response.statusCode());
    assertThrows(JsonProcessingException.class, () -> JSON.readTree(response.body()));
  }

  @Test
  void delayFaultAnswersLate() throws Exception {
    post("/admin/faults?kind=delay&ms=300&count=1");
    long start = System.nanoTime();
    assertEquals(200, get(forecast("52", "13", TODAY, TODAY)).statusCode());
    assertTrue((System.nanoTime() - start) / 1_000_000 >= 300);
  }


  @Test
  void anUnknownFaultKindIsRefused() throws Exception {
    assertEquals(400, post("/admin/faults?kind=meteor").statusCode());
  }

  private static double mean(JsonNode location, String variable) {
    double sum = 0;
    for (JsonNode v : location.get("hourly").get(variable)) {
      sum += v.asDouble();
    }
    return sum / location.get("hourly").get(variable).size();
  }
}
