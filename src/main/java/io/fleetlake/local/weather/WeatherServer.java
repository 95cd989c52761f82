package io.fleetlake.local.weather;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * An Open-Meteo-compatible weather server for the local stack and the tests.
 *
 * <pre>
 * GET /v1/forecast?latitude=52.52,48.85&amp;longitude=13.41,2.35&amp;hourly=temperature_2m,precipitation
 *     &amp;start_date=2026-11-23&amp;end_date=2026-11-23&amp;timezone=GMT
 * → [{"latitude":52.52667,"longitude":13.406667,…,"hourly":{"time":["2026-11-23T00:00",…],"temperature_2m":[4.1,…]}}, {…}]
 * </pre>
 *
 * As the real service: one location gives an object, several an array in request order; coordinates are
 * snapped to the model's grid (so they differ from the request); {@code /v1/archive} (0.25° grid) has no
 * data for the last two days and no visibility (nulls); errors are HTTP 400 {@code {"error":true,"reason":…}}.
 * It limits as Open-Meteo's free tier does ({@link ProviderLimits}): each request weighs its locations, not
 * one; 429 past a window's limit, without Retry-After; at most 1,000 locations; and, standing in for the
 * front proxy, 414 for a URL over 8,000 characters. With an API key set, as the customer hosts, a request
 * without it is refused (401) and one with another key too (400).
 * The weather itself is synthetic and deterministic in (grid point, hour).
 *
 * <p>For tests: {@code GET /admin/stats} counts calls, locations, weight and 429s; {@code POST /admin/faults?kind=…}
 * queues faults ({@code status&status=500}, {@code rate-limit}, {@code delay&ms=3000}, {@code broken-json},
 * each with {@code count=N}); {@code POST /admin/reset} clears both.
 */
public final class WeatherServer implements AutoCloseable {
  static final int MAX_LOCATIONS = 1000;
  /** Where fleetlake's requests must stay: the local server refuses longer ones as a proxy would. */
  static final int MAX_URL_CHARS = 8000;
  private static final int ARCHIVE_DELAY_DAYS = 2;
  private static final int FORECAST_PAST_DAYS = 93;
  private static final int FORECAST_DAYS = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The two APIs, with the grids of their models. */
  enum Api {
    FORECAST(0.02, 0.02 / 3),
    ARCHIVE(0.25, 0);

    final double gridStep;
    final double gridOffset;

    Api(double gridStep, double gridOffset) {
      this.gridStep = gridStep;
      this.gridOffset = gridOffset;
    }

    double snap(double degrees) {
      return (float) (gridOffset + Math.round((degrees - gridOffset) / gridStep) * gridStep);
    }
  }

  private record Variable(String unit, ToDoubleFunction<SyntheticWeather.Hour> value, boolean inArchive) {}

  private static final Map<String, Variable> VARIABLES = variables();

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final ProviderLimits limits;
  private final String apiKey;
  private final FaultPlan faults = new FaultPlan();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong forecastCalls = new AtomicLong();
  private final AtomicLong archiveCalls = new AtomicLong();
  private final AtomicLong locations = new AtomicLong();
  private final AtomicLong locationDays = new AtomicLong();
  private final AtomicLong faultsServed = new AtomicLong();
  private final AtomicLong refusedOtherwise = new AtomicLong();
  private volatile boolean encoded;

  private WeatherServer(HttpServer server, Clock clock, ProviderLimits.Limits limits, String apiKey) {
    this.server = server;
    this.clock = clock;
    this.limits = new ProviderLimits(limits);
    this.apiKey = apiKey;
    this.executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "weather-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/v1/forecast", exchange -> serveApi(exchange, Api.FORECAST));
    server.createContext("/v1/archive", exchange -> serveApi(exchange, Api.ARCHIVE));
    server.createContext("/admin/stats", this::serveStats);
    server.createContext("/admin/faults", this::serveFaults);
    server.createContext("/admin/reset", this::serveReset);
    server.createContext("/health", exchange -> send(exchange, 200, "{\"status\":\"ok\"}", Map.of()));
  }

  /** A server without API key, on the system clock. @param limits as {@link #start(String, int, String, String, Clock)} */
  public static WeatherServer start(String host, int port, String limits) throws IOException {
    return start(host, port, limits, null, Clock.systemUTC());
  }

  /**
   * @param port 0 for any free port
   * @param limits weight units a minute, an hour and a day ({@code 600,5000,10000} as the free tier), or
   *     {@code none}
   * @param apiKey the key every request must carry as {@code apikey}, or null for none
   * @param clock the server's time: its windows, today, and what the archive has yet
   */
  public static WeatherServer start(String host, int port, String limits, String apiKey, Clock clock) throws IOException {
    WeatherServer weather = new WeatherServer(HttpServer.create(new InetSocketAddress(host, port), 64), clock,
        ProviderLimits.Limits.parse(limits), apiKey);
    weather.server.start();
    return weather;
  }

  /**
   * For tests that check every value landed at its place and hour: from now on temperature_2m is the UTC hour
   * of the value plus its day of month / 100 (13.27 is 13:00 on the 27th), and precipitation the latitude asked.
   */
  public WeatherServer encodingHourAndLatitude() {
    encoded = true;
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * {@code WeatherServer [--host 127.0.0.1] [--port 8089] [--limits 600,5000,10000|none]}: runs until stopped.
   * The API key, if any, comes from FLEETLAKE_WEATHER_API_KEY, never from the command line (ps shows that).
   */
  public static void main(String[] args) throws IOException {
    String host = "127.0.0.1";
    int port = 8089;
    String limits = "600,5000,10000";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--host" -> host = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--limits" -> limits = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String key = System.getenv("FLEETLAKE_WEATHER_API_KEY");
    WeatherServer weather = start(host, port, limits, key == null || key.isBlank() ? null : key, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(weather::close, "weather-server-stop"));
    ProviderLimits.Limits l = weather.limits.limits();
    System.out.println("weather server listening on http://" + host + ":" + weather.port() + ", limits "
        + (l.minute() == 0 ? "none" : String.format(Locale.ROOT, "%.0f a minute, %.0f an hour, %.0f a day (weight units)",
        l.minute(), l.hour(), l.day())) + (weather.apiKey == null ? "" : ", API key required"));
  }

  private void serveApi(HttpExchange exchange, Api api) throws IOException {
    try (exchange) {
      calls.incrementAndGet();
      (api == Api.FORECAST ? forecastCalls : archiveCalls).incrementAndGet();
      if (exchange.getRequestURI().toString().length() > MAX_URL_CHARS) {
        refusedOtherwise.incrementAndGet();
        send(exchange, 414, "<html><head><title>414 Request-URI Too Large</title></head><body>"
            + "<center><h1>414 Request-URI Too Large</h1></center></body></html>", Map.of(), "text/html");
        return;
      }
      Map<String, String> query = query(exchange);
      if (apiKey != null && !apiKey.equals(query.get("apikey"))) {
        refusedOtherwise.incrementAndGet();
        boolean none = query.get("apikey") == null;
        send(exchange, none ? 401 : 400, error(none ? "API key required. Please add &apikey= to the URL."
            : "The supplied API key is invalid."), Map.of());
        return;
      }
      String refusal = limits.refusal(clock.millis());
      if (refusal != null) {
        send(exchange, 429, error(refusal), Map.of());
        return;
      }
      FaultPlan.Fault fault = faults.next();
      if (fault != null) {
        faultsServed.incrementAndGet();
        switch (fault.kind()) {
          case STATUS -> {
            send(exchange, fault.status(), error("Injected fault: HTTP " + fault.status()), Map.of());
            return;
          }
          case RATE_LIMIT -> {
            send(exchange, 429, error(ProviderLimits.MINUTELY), Map.of());
            return;
          }
          case BROKEN_JSON -> {
            send(exchange, 200, "{\"latitude\":52.52,\"longitude\":13.4,\"hourly\":{\"time\":[\"2026-", Map.of());
            return;
          }
          case DELAY -> pause(fault.millis());
        }
      }
      Answer answer;
      try {
        answer = answer(api, query);
      } catch (BadRequest e) {
        limits.add(clock.millis(), 1); // open-meteo: "In an error case, also increment to API rate limiter by 1"
        send(exchange, 400, error(e.getMessage()), Map.of());
        return;
      }
      limits.add(clock.millis(), answer.weight());
      send(exchange, 200, answer.body(), Map.of());
    }
  }

  private record Answer(String body, double weight) {}

  private Answer answer(Api api, Map<String, String> query) throws BadRequest {
    double[] lats = coordinates(query, "latitude", 90);
    double[] lons = coordinates(query, "longitude", 180);
    if (lats.length != lons.length) {
      throw new BadRequest("Parameter 'latitude' and 'longitude' must have the same number of elements");
    }
    if (lats.length > MAX_LOCATIONS) {
      throw new BadRequest("Only up to " + MAX_LOCATIONS + " locations can be requested at once");
    }
    String timezone = query.getOrDefault("timezone", "GMT");
    if (!List.of("GMT", "UTC", "Etc/UTC").contains(timezone)) {
      throw new BadRequest("Invalid timezone '" + timezone + "': the local weather server answers in GMT only");
    }
    List<String> hourly = variables(query, api);
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    LocalDate start = date(query, "start_date", api == Api.FORECAST ? today : null);
    LocalDate end = date(query, "end_date", api == Api.FORECAST ? today.plusDays(6) : null);
    if (end.isBefore(start)) {
      throw new BadRequest("End-date must be larger or equals than start-date");
    }
    // open-meteo's ForecastapiController: history start ..< today + forecast days, in UTC
    LocalDate first = api == Api.FORECAST ? today.minusDays(FORECAST_PAST_DAYS) : LocalDate.of(1940, 1, 1);
    LocalDate last = api == Api.FORECAST ? today.plusDays(FORECAST_DAYS - 1) : today;
    if (start.isBefore(first) || start.isAfter(last)) {
      throw new BadRequest("Parameter 'start_date' is out of allowed range from " + first + " to " + last);
    }
    if (end.isAfter(last)) {
      throw new BadRequest("Parameter 'end_date' is out of allowed range from " + first + " to " + last);
    }
    long days = ChronoUnit.DAYS.between(start, end) + 1;
    double weight = ProviderLimits.weight(lats.length, hourly.size(), days);
    double tooMuch = limits.limits().hour() > 0 ? limits.limits().hour() : 5_000;
    if (weight > tooMuch) {
      throw new BadRequest("Your API call requests too much data. Please reduce the number of variables, locations "
          + "and/or weather models.");
    }
    locations.addAndGet(lats.length);
    locationDays.addAndGet(lats.length * days);

    LocalDateTime archiveHorizon = LocalDateTime.now(clock.withZone(ZoneOffset.UTC)).minusDays(ARCHIVE_DELAY_DAYS);
    ArrayNode answers = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < lats.length; i++) {
      answers.add(location(api, lats[i], lons[i], hourly, start, days, archiveHorizon));
    }
    try {
      return new Answer(JSON.writeValueAsString(lats.length == 1 ? answers.get(0) : answers), weight);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode location(Api api, double lat, double lon, List<String> hourly, LocalDate start, long days,
                              LocalDateTime archiveHorizon) {
    double gridLat = api.snap(lat);
    double gridLon = api.snap(lon);
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("latitude", (float) gridLat);
    node.put("longitude", (float) gridLon);
    node.put("generationtime_ms", 0.1);
    node.put("utc_offset_seconds", 0);
    node.put("timezone", "GMT");
    node.put("timezone_abbreviation", "GMT");
    node.put("elevation", SyntheticWeather.elevation(gridLat, gridLon));
    ObjectNode units = node.putObject("hourly_units");
    units.put("time", "iso8601");
    hourly.forEach(name -> units.put(name, VARIABLES.get(name).unit()));
    ObjectNode values = node.putObject("hourly");
    ArrayNode times = values.putArray("time");
    Map<String, ArrayNode> series = new LinkedHashMap<>();
    hourly.forEach(name -> series.put(name, values.putArray(name)));
    LocalDateTime hour = start.atStartOfDay();
    for (long h = 0; h < days * 24; h++, hour = hour.plusHours(1)) {
      times.add(hour.toString());
      boolean noData = api == Api.ARCHIVE && hour.isAfter(archiveHorizon);
      SyntheticWeather.Hour weather = noData ? null : SyntheticWeather.at(gridLat, gridLon, hour);
      for (Map.Entry<String, ArrayNode> e : series.entrySet()) {
        Variable variable = VARIABLES.get(e.getKey());
        if (weather == null || (api == Api.ARCHIVE && !variable.inArchive())) {
          e.getValue().addNull();
        } else if (e.getKey().equals("weather_code")) {
          e.getValue().add(weather.weatherCode());
        } else if (encoded && e.getKey().equals("temperature_2m")) {
          e.getValue().add(hour.getHour() + hour.getDayOfMonth() / 100.0);
        } else if (encoded && e.getKey().equals("precipitation")) {
          e.getValue().add(lat);
        } else {
          e.getValue().add(variable.value().applyAsDouble(weather));
        }
      }
    }
    return node;
  }

  private static double[] coordinates(Map<String, String> query, String name, double limit) throws BadRequest {
    String raw = query.get(name);
    if (raw == null || raw.isBlank()) {
      throw new BadRequest("Parameter '" + name + "' is required");
    }
    String[] parts = raw.split(",");
    double[] values = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        values[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new BadRequest("Value of type 'Float' required for key '" + name + "'.");
      }
      if (!(Math.abs(values[i]) <= limit)) {
        String title = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        throw new BadRequest(title + " must be in range of -" + (int) limit + " to " + (int) limit + "°. Given: " + values[i] + ".");
      }
    }
    return values;
  }

  private static List<String> variables(Map<String, String> query, Api api) throws BadRequest {
    String raw = query.get("hourly");
    if (raw == null || raw.isBlank()) {
      throw new BadRequest("Parameter 'hourly' is required by the local weather server");
    }
    List<String> names = List.of(raw.split(","));
    for (String name : names) {
      if (!VARIABLES.containsKey(name)) {
        String type = api == Api.FORECAST ? "ForecastVariable" : "ArchiveVariable";
        throw new BadRequest("Cannot initialize " + type + " from invalid String value " + name + " for key hourly");
      }
    }
    return names;
  }

  private static LocalDate date(Map<String, String> query, String name, LocalDate fallback) throws BadRequest {
    String raw = query.get(name);
    if (raw == null) {
      if (fallback == null) {
        throw new BadRequest("Parameter '" + name + "' is required");
      }
      return fallback;
    }
    if (!raw.matches("\\d{4}-\\d{2}-\\d{2}")) {
      throw new BadRequest("Invalid date format. Make sure to use 'YYYY-MM-DD'");
    }
    try {
      LocalDate date = LocalDate.parse(raw);
      if (date.getYear() < 1900 || date.getYear() > 2050) {
        throw new BadRequest("Invalid date"); // open-meteo's IsoDate accepts the years 1900 to 2050
      }
      return date;
    } catch (DateTimeParseException e) {
      throw new BadRequest("Invalid date");
    }
  }

  private void serveStats(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("calls", calls.get());
      stats.put("forecast_calls", forecastCalls.get());
      stats.put("archive_calls", archiveCalls.get());
      stats.put("locations", locations.get());
      stats.put("location_days", locationDays.get());
      stats.put("faults_served", faultsServed.get());
      stats.put("refused_otherwise", refusedOtherwise.get());
      stats.putAll(limits.stats());
      stats.put("faults_pending", faults.describe());
      send(exchange, 200, JSON.writeValueAsString(stats), Map.of());
    }
  }

  private void serveFaults(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 200, JSON.writeValueAsString(faults.describe()), Map.of());
        return;
      }
      Map<String, String> query = query(exchange);
      FaultPlan.Kind kind;
      try {
        kind = FaultPlan.Kind.valueOf(query.getOrDefault("kind", "").toUpperCase(Locale.ROOT).replace('-', '_'));
        faults.add(new FaultPlan.Fault(kind, intParam(query, "status", 500), intParam(query, "ms", 1000),
            intParam(query, "count", 1)));
      } catch (IllegalArgumentException e) {
        send(exchange, 400, error("kind must be status, rate-limit, delay or broken-json; numbers for status, "
            + "ms, count"), Map.of());
        return;
      }
      send(exchange, 200, JSON.writeValueAsString(faults.describe()), Map.of());
    }
  }

  private void serveReset(HttpExchange exchange) throws IOException {
    try (exchange) {
      faults.clear();
      for (AtomicLong counter : List.of(calls, forecastCalls, archiveCalls, locations, locationDays, faultsServed,
          refusedOtherwise)) {
        counter.set(0);
      }
      limits.reset();
      send(exchange, 200, "{\"reset\":true}", Map.of());
    }
  }

  private static int intParam(Map<String, String> query, String name, int fallback) {
    String raw = query.get(name);
    return raw == null ? fallback : Integer.parseInt(raw);
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.put(key, value);
    }
    return query;
  }

  private static String error(String reason) {
    try {
      return JSON.writeValueAsString(Map.of("error", true, "reason", reason));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers) throws IOException {
    send(exchange, status, body, headers, "application/json");
  }

  private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void pause(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, Variable> variables() {
    Map<String, Variable> v = new LinkedHashMap<>();
    v.put("temperature_2m", new Variable("°C", SyntheticWeather.Hour::temperatureC, true));
    v.put("precipitation", new Variable("mm", SyntheticWeather.Hour::precipitationMm, true));
    v.put("wind_speed_10m", new Variable("km/h", SyntheticWeather.Hour::windKmh, true));
    v.put("wind_gusts_10m", new Variable("km/h", SyntheticWeather.Hour::gustKmh, true));
    // ERA5, behind the archive, has no visibility: the archive answers nulls for it
    v.put("visibility", new Variable("m", SyntheticWeather.Hour::visibilityM, false));
    v.put("weather_code", new Variable("wmo code", h -> h.weatherCode(), true));
    v.put("relative_humidity_2m", new Variable("%", SyntheticWeather.Hour::humidityPct, true));
    v.put("cloud_cover", new Variable("%", SyntheticWeather.Hour::cloudCoverPct, true));
    v.put("pressure_msl", new Variable("hPa", SyntheticWeather.Hour::pressureHpa, true));
    return Map.copyOf(v);
  }

  private static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message);
    }
  }
}
