package io.fleetlake.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.config.WeatherSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One request to an Open-Meteo-compatible API: the hourly weather of many cells over one date range, answers
 * matched to cells by position (the API snaps coordinates to its grid, so they differ from the request). Which
 * requests to make, and when, is {@link WeatherSupply}'s: this class only sends them. Transient failures (5xx, a
 * timeout, a broken answer, "Too many concurrent requests") are retried with backoff and jitter; a 429 past a
 * limit is not (the budget is spent: {@link RateLimitedException}); a 400 is the API refusing the request for
 * good: not retried, not counted toward the circuit breaker (the provider answered), and its cells are
 * {@code missing} with the API's reason. A circuit breaker stops calling a provider that keeps failing.
 */
public final class WeatherClient {
  static final String VARIABLES = "temperature_2m,precipitation,wind_speed_10m,wind_gusts_10m,visibility,weather_code";
  /** The hourly variables asked: what a location entry weighs depends on how many. */
  public static final int VARIABLE_COUNT = VARIABLES.split(",").length;
  /** The API's limit of locations in one request. */
  public static final int MAX_LOCATIONS = 1000;
  /** Open-Meteo's guidance for GET requests; the local server refuses longer ones (414) as a proxy would. */
  public static final int MAX_URL_CHARS = 8000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the client did, for progress lines and the benchmark; {@code rejected} counts the 400s. */
  public record Counters(long calls, long locations, double weight, long failures, long retries, long rejected,
                         long rateLimited) {}

  /** The API could not answer for these cells; the reason says why. */
  public static class WeatherUnavailableException extends IOException {
    WeatherUnavailableException(String message) {
      super(message);
    }
  }

  /** HTTP 429 past one of the provider's limits: the reason names the window. */
  public static final class RateLimitedException extends WeatherUnavailableException {
    final String reason;

    RateLimitedException(String reason) {
      super("HTTP 429: " + reason);
      this.reason = reason;
    }
  }

  /** HTTP 400: the request itself is wrong, so no retry, now or later, would get another answer. */
  static final class RejectedException extends WeatherUnavailableException {
    /** Open-Meteo names the coordinate at fault ("Latitude must be in range of -90 to 90°. Given: 91.0."). */
    final boolean aboutALocation;

    RejectedException(String reason) {
      super("HTTP 400: " + reason);
      String lower = reason.toLowerCase(java.util.Locale.ROOT);
      this.aboutALocation = lower.contains("latitude") || lower.contains("longitude");
    }
  }

  private final WeatherSettings settings;
  private final OkHttpClient http;
  private final Clock clock;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong locations = new AtomicLong();
  private final java.util.concurrent.atomic.DoubleAdder weight = new java.util.concurrent.atomic.DoubleAdder();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final Object limiter = new Object();
  private int consecutiveFailures;
  private long circuitOpenUntilMs;

  public WeatherClient(WeatherSettings settings) {
    this(settings, Clock.systemUTC());
  }

  WeatherClient(WeatherSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = new OkHttpClient.Builder()
        .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(settings.connectTimeout().plus(settings.readTimeout()).toMillis(), TimeUnit.MILLISECONDS)
        .build();
  }

  public Counters counters() {
    return new Counters(calls.get(), locations.get(), weight.sum(), failures.get(), retries.get(), rejected.get(),
        rateLimited.get());
  }

  /** How many of {@code entries}, from the first, one request of {@code group} can carry (≥ 1). */
  public static int fitting(WeatherSettings settings, WeatherPlan.Group group, List<WeatherPlan.Entry> entries) {
    int length = url(settings, group, List.of()).toString().length();
    int n = 0;
    for (WeatherPlan.Entry entry : entries) {
      int more = format(entry.cell().lat()).length() + format(entry.cell().lon()).length() + (n == 0 ? 0 : 2);
      if (n > 0 && (n >= MAX_LOCATIONS || length + more > MAX_URL_CHARS)) {
        break;
      }
      length += more;
      n++;
    }
    return n;
  }

  /**
   * One request for {@code entries} (all of {@code group}'s range): the weather of each entry's needed days,
   * keyed by (cell, day).
   */
  public Map<WeatherCell, DayWeather> fetch(WeatherPlan.Group group, List<WeatherPlan.Entry> entries)
      throws WeatherUnavailableException {
    HttpUrl url = url(settings, group, entries);
    String lastProblem = "no attempt";
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      if (attempt > 1) {
        retries.incrementAndGet();
      }
      openCircuitGuard();
      calls.incrementAndGet();
      locations.addAndGet(entries.size());
      try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
        String body = response.body().string();
        if (response.isSuccessful()) {
          Map<WeatherCell, DayWeather> parsed = parse(body, entries);
          weight.add(entries.size() * WeightBudget.weight(VARIABLE_COUNT, entries.get(0).days()));
          callSucceeded();
          return parsed;
        }
        if (response.code() == 400) {
          // the provider is up and answered: neither a failure for the circuit breaker nor worth a retry
          rejected.incrementAndGet();
          weight.add(1);
          throw new RejectedException(reason(body));
        }
        String reason = reason(body);
        lastProblem = "HTTP " + response.code() + ": " + reason;
        if (response.code() == 429 && reason.contains("limit exceeded")) {
          rateLimited.incrementAndGet();
          throw new RateLimitedException(reason); // retrying before the window turns only gets more 429s
        }
        if (response.code() < 500 && response.code() != 429) {
          callFailed();
          throw new WeatherUnavailableException(lastProblem);
        }
      } catch (WeatherUnavailableException e) {
        throw e; // decided above: not worth another try
      } catch (IOException e) {
        lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
      } catch (AnswerException e) {
        lastProblem = "unreadable answer: " + e.getMessage();
      }
      callFailed();
      if (attempt < settings.maxAttempts()) {
        pause(backoffMs(attempt));
      }
    }
    throw new WeatherUnavailableException(lastProblem + " (after " + settings.maxAttempts() + " attempts)");
  }

  private static HttpUrl url(WeatherSettings settings, WeatherPlan.Group group, List<WeatherPlan.Entry> entries) {
    // commas left as they are: encoded (%2C) they would take three times the URL's room
    HttpUrl.Builder url = HttpUrl.get(group.archive() ? settings.archiveUrl() : settings.forecastUrl()).newBuilder()
        .addEncodedQueryParameter("latitude", entries.stream().map(e -> format(e.cell().lat())).collect(Collectors.joining(",")))
        .addEncodedQueryParameter("longitude", entries.stream().map(e -> format(e.cell().lon())).collect(Collectors.joining(",")))
        .addEncodedQueryParameter("hourly", VARIABLES)
        .addQueryParameter("start_date", group.from().toString())
        .addQueryParameter("end_date", group.to().toString())
        .addQueryParameter("timezone", "GMT");
    // a customer plan's key: in the request only, never in a message (the URL is not logged anywhere)
    settings.apiKey().ifPresent(key -> url.addQueryParameter("apikey", key.reveal()));
    return url.build();
  }

  /** The answer in request order: one object for one location, an array for several. */
  static Map<WeatherCell, DayWeather> parse(String body, List<WeatherPlan.Entry> entries) throws AnswerException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AnswerException("not JSON (" + e.getOriginalMessage() + ")");
    }
    List<JsonNode> answered = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(answered::add);
    } else if (root != null && root.isObject()) {
      answered.add(root);
    }
    if (answered.size() != entries.size()) {
      throw new AnswerException(answered.size() + " locations answered for " + entries.size() + " asked");
    }
    Map<WeatherCell, DayWeather> result = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      WeatherPlan.Entry entry = entries.get(i);
      Map<LocalDate, HourlyWeather[]> days = days(answered.get(i), entry);
      HourlyWeather none = new HourlyWeather(null, null, null, null, null, null);
      for (LocalDate day : entry.needed()) {
        HourlyWeather[] hours = days.getOrDefault(day, new HourlyWeather[24]);
        WeatherCell key = entry.cell().withDay(day);
        result.put(key, new DayWeather(key, Arrays.stream(hours).map(h -> h == null ? none : h).toList()));
      }
    }
    return result;
  }

  private static Map<LocalDate, HourlyWeather[]> days(JsonNode location, WeatherPlan.Entry entry) throws AnswerException {
    JsonNode hourly = location.path("hourly");
    JsonNode time = hourly.path("time");
    if (!time.isArray()) {
      throw new AnswerException("no hourly.time");
    }
    Map<LocalDate, HourlyWeather[]> days = new HashMap<>();
    for (int i = 0; i < time.size(); i++) {
      LocalDateTime at;
      try {
        at = LocalDateTime.parse(time.get(i).asText());
      } catch (RuntimeException e) {
        throw new AnswerException("hourly.time '" + time.get(i).asText() + "' is not YYYY-MM-DDTHH:MM");
      }
      if (at.toLocalDate().isBefore(entry.from()) || at.toLocalDate().isAfter(entry.to())) {
        continue;
      }
      days.computeIfAbsent(at.toLocalDate(), d -> new HourlyWeather[24])[at.getHour()] = new HourlyWeather(
          number(hourly, "temperature_2m", i), number(hourly, "precipitation", i), number(hourly, "wind_speed_10m", i),
          number(hourly, "wind_gusts_10m", i), number(hourly, "visibility", i),
          number(hourly, "weather_code", i) == null ? null : number(hourly, "weather_code", i).intValue());
    }
    return days;
  }

  private static Double number(JsonNode hourly, String variable, int index) {
    JsonNode value = hourly.path(variable).path(index);
    return value.isNumber() ? value.asDouble() : null;
  }

  private static String reason(String body) {
    try {
      JsonNode reason = JSON.readTree(body).path("reason");
      if (reason.isTextual()) {
        return reason.asText();
      }
    } catch (IOException e) {
      // not JSON: show the start of it
    }
    return body.length() > 200 ? body.substring(0, 200) + "…" : body;
  }

  /** Four decimals at most, trailing zeros dropped: 52.25, not 52.2500 (the URL has room for more cells). */
  static String format(double degrees) {
    return new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.4f", degrees)).stripTrailingZeros()
        .toPlainString();
  }

  private long backoffMs(int attempt) {
    long base = settings.backoff().toMillis() << Math.min(attempt - 1, 10);
    return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  private void openCircuitGuard() throws WeatherUnavailableException {
    synchronized (limiter) {
      if (clock.millis() < circuitOpenUntilMs) {
        throw new WeatherUnavailableException("circuit open after " + settings.circuitFailures()
            + " failed calls in a row; calls resume at " + Instant.ofEpochMilli(circuitOpenUntilMs));
      }
    }
  }

  private void callSucceeded() {
    synchronized (limiter) {
      consecutiveFailures = 0;
    }
  }

  private void callFailed() {
    failures.incrementAndGet();
    synchronized (limiter) {
      if (++consecutiveFailures >= settings.circuitFailures()) {
        circuitOpenUntilMs = clock.millis() + settings.circuitCooldown().toMillis();
        consecutiveFailures = 0;
      }
    }
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis); // backoff and rate limit: the provider asks us to wait
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The answer is not what Open-Meteo sends. */
  static final class AnswerException extends Exception {
    AnswerException(String message) {
      super(message);
    }
  }
}
