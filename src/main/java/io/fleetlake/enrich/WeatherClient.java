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
 * Calls an Open-Meteo-compatible API for whole days of hourly weather of many cells at once: one call per day
 * and up to {@code cells-per-call} cells, answers matched to cells by position (the API snaps coordinates to
 * its grid, so they differ from the request). Transient failures (5xx, 429, timeouts, a broken answer) are
 * retried with backoff and jitter, a 429's Retry-After honoured. A 400 is the API refusing the request for
 * good: it is not retried, not counted toward the circuit breaker (the provider answered), and its cells are
 * {@code missing} with the API's reason rather than {@code failed}. A client-side rate limit keeps under the
 * provider's, and a circuit breaker stops calling a provider that keeps failing.
 */
public final class WeatherClient {
  static final String VARIABLES = "temperature_2m,precipitation,wind_speed_10m,wind_gusts_10m,visibility,weather_code";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_RETRY_AFTER_MS = 120_000;

  /** What the client did, for progress lines and the benchmark; {@code rejected} counts the 400s. */
  public record Counters(long calls, long cellsAsked, long failures, long retries, long rejected) {}

  /**
   * What a fetch found: the weather of cells, and the reason for each cell the API refused for good (HTTP
   * 400: asking again gets the same answer) or could not answer this time (worth asking again later).
   */
  public record Fetched(Map<WeatherCell, DayWeather> weather, Map<WeatherCell, String> missing,
                        Map<WeatherCell, String> failed) {}

  /** The API could not answer for these cells; the reason says why. */
  public static class WeatherUnavailableException extends IOException {
    WeatherUnavailableException(String message) {
      super(message);
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
  private final AtomicLong cellsAsked = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final Object limiter = new Object();
  private final CallBudget budget;
  private int consecutiveFailures;
  private long circuitOpenUntilMs;

  public WeatherClient(WeatherSettings settings) {
    this(settings, Clock.systemUTC());
  }

  WeatherClient(WeatherSettings settings, Clock clock) {
    this.settings = settings;
    this.budget = new CallBudget(settings.callsPerMinute());
    this.clock = clock;
    this.http = new OkHttpClient.Builder()
        .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(settings.connectTimeout().plus(settings.readTimeout()).toMillis(), TimeUnit.MILLISECONDS)
        .build();
  }

  public Counters counters() {
    return new Counters(calls.get(), cellsAsked.get(), failures.get(), retries.get(), rejected.get());
  }

  /**
   * The weather of every cell, in as few calls as the API allows; each cell not found is in {@code missing}
   * (refused by the API) or {@code failed} (not answered this time), with the reason.
   */
  public Fetched fetch(List<WeatherCell> cells) {
    Map<LocalDate, List<WeatherCell>> byDay = cells.stream().distinct()
        .collect(Collectors.groupingBy(WeatherCell::day, LinkedHashMap::new, Collectors.toList()));
    Fetched result = new Fetched(new HashMap<>(), new HashMap<>(), new HashMap<>());
    for (Map.Entry<LocalDate, List<WeatherCell>> day : byDay.entrySet()) {
      List<WeatherCell> all = day.getValue();
      for (int from = 0; from < all.size(); from += settings.cellsPerCall()) {
        ask(day.getKey(), all.subList(from, Math.min(all.size(), from + settings.cellsPerCall())), result);
      }
    }
    return result;
  }

  /**
   * One call for cells of one day. A call shares everything but the coordinates between its cells, so a 400
   * not about a coordinate (the day out of the API's range, above all) is every cell's, and splitting the
   * call would only hear it again. A 400 about a coordinate is one location's: the call is split in halves
   * until the bad cells are alone, so the others still get their weather, at most 2·⌈log2(cells)⌉ more
   * calls per bad cell.
   */
  private void ask(LocalDate day, List<WeatherCell> cells, Fetched into) {
    try {
      call(day, cells).forEach(a -> into.weather().put(a.cell(), a));
    } catch (RejectedException e) {
      if (e.aboutALocation && cells.size() > 1) {
        int half = cells.size() / 2;
        ask(day, cells.subList(0, half), into);
        ask(day, cells.subList(half, cells.size()), into);
      } else {
        cells.forEach(c -> into.missing().put(c, e.getMessage()));
      }
    } catch (WeatherUnavailableException e) {
      cells.forEach(c -> into.failed().put(c, e.getMessage()));
    }
  }

  private List<DayWeather> call(LocalDate day, List<WeatherCell> cells) throws WeatherUnavailableException {
    boolean archive = day.isBefore(LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(settings.archiveAfterDays()));
    HttpUrl url = HttpUrl.get(archive ? settings.archiveUrl() : settings.forecastUrl()).newBuilder()
        .addQueryParameter("latitude", cells.stream().map(c -> format(c.lat())).collect(Collectors.joining(",")))
        .addQueryParameter("longitude", cells.stream().map(c -> format(c.lon())).collect(Collectors.joining(",")))
        .addQueryParameter("hourly", VARIABLES)
        .addQueryParameter("start_date", day.toString())
        .addQueryParameter("end_date", day.toString())
        .addQueryParameter("timezone", "GMT")
        .build();
    String lastProblem = "no attempt";
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      if (attempt > 1) {
        retries.incrementAndGet();
      }
      openCircuitGuard();
      awaitRateLimit();
      calls.incrementAndGet();
      cellsAsked.addAndGet(cells.size());
      long pauseMs = backoffMs(attempt);
      try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
        String body = response.body().string();
        if (response.isSuccessful()) {
          List<DayWeather> parsed = parse(body, cells);
          callSucceeded();
          return parsed;
        }
        if (response.code() == 400) {
          // the provider is up and answered: neither a failure for the circuit breaker nor worth a retry
          rejected.incrementAndGet();
          throw new RejectedException(reason(body));
        }
        lastProblem = "HTTP " + response.code() + ": " + reason(body);
        if (response.code() == 429) {
          pauseMs = retryAfterMs(response.header("Retry-After"), pauseMs);
        } else if (response.code() < 500) {
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
        pause(pauseMs);
      }
    }
    throw new WeatherUnavailableException(lastProblem + " (after " + settings.maxAttempts() + " attempts)");
  }

  /** The answer in request order: one object for one location, an array for several. */
  static List<DayWeather> parse(String body, List<WeatherCell> cells) throws AnswerException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AnswerException("not JSON (" + e.getOriginalMessage() + ")");
    }
    List<JsonNode> locations = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(locations::add);
    } else if (root != null && root.isObject()) {
      locations.add(root);
    }
    if (locations.size() != cells.size()) {
      throw new AnswerException(locations.size() + " locations answered for " + cells.size() + " asked");
    }
    List<DayWeather> result = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      result.add(day(cells.get(i), locations.get(i)));
    }
    return result;
  }

  private static DayWeather day(WeatherCell cell, JsonNode location) throws AnswerException {
    JsonNode hourly = location.path("hourly");
    JsonNode time = hourly.path("time");
    if (!time.isArray()) {
      throw new AnswerException("no hourly.time");
    }
    HourlyWeather[] hours = new HourlyWeather[24];
    for (int i = 0; i < time.size(); i++) {
      LocalDateTime at;
      try {
        at = LocalDateTime.parse(time.get(i).asText());
      } catch (RuntimeException e) {
        throw new AnswerException("hourly.time '" + time.get(i).asText() + "' is not YYYY-MM-DDTHH:MM");
      }
      if (!at.toLocalDate().equals(cell.day())) {
        continue;
      }
      hours[at.getHour()] = new HourlyWeather(number(hourly, "temperature_2m", i), number(hourly, "precipitation", i),
          number(hourly, "wind_speed_10m", i), number(hourly, "wind_gusts_10m", i), number(hourly, "visibility", i),
          number(hourly, "weather_code", i) == null ? null : number(hourly, "weather_code", i).intValue());
    }
    HourlyWeather none = new HourlyWeather(null, null, null, null, null, null);
    return new DayWeather(cell, Arrays.stream(hours).map(h -> h == null ? none : h).toList());
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

  private static String format(double degrees) {
    return String.format(java.util.Locale.ROOT, "%.4f", degrees);
  }

  private long backoffMs(int attempt) {
    long base = settings.backoff().toMillis() << Math.min(attempt - 1, 10);
    return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  private static long retryAfterMs(String header, long fallback) {
    if (header == null) {
      return fallback;
    }
    try {
      return Math.min(MAX_RETRY_AFTER_MS, Long.parseLong(header.trim()) * 1000);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** Within the budget of calls-per-minute in any minute, shared by every thread of this JVM. */
  private void awaitRateLimit() {
    long now = clock.millis();
    pause(budget.reserve(now) - now);
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
