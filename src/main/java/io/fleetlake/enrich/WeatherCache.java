package io.fleetlake.enrich;

import io.fleetlake.config.WeatherSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The weather of cell-days, shared by every task of an executor (one per JVM and API endpoint), bounded (least
 * recently used out), and single-flight: tasks that need the same cell at the same time cause one call, the
 * others wait for its answer. A cell that could not be fetched is not cached, so a later batch asks again.
 */
public final class WeatherCache {
  private static final ConcurrentMap<WeatherSettings, WeatherCache> SHARED = new ConcurrentHashMap<>();

  /** The cells found, and the reason for each that could not be had. */
  public record Lookup(Map<WeatherCell, DayWeather> weather, Map<WeatherCell, String> failed) {}

  /** What the cache did, for progress lines and the benchmark. */
  public record Counters(long hits, long misses, WeatherClient.Counters client) {}

  private record Answer(DayWeather weather, String failure) {}

  private final WeatherClient client;
  private final Map<WeatherCell, DayWeather> entries;
  private final ConcurrentMap<WeatherCell, CompletableFuture<Answer>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  WeatherCache(WeatherClient client, int maxEntries) {
    this.client = client;
    this.entries = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<WeatherCell, DayWeather> eldest) {
        return size() > maxEntries;
      }
    });
  }

  /** This JVM's cache for these settings. */
  public static WeatherCache shared(WeatherSettings settings) {
    return SHARED.computeIfAbsent(settings, s -> new WeatherCache(new WeatherClient(s), s.cacheEntries()));
  }

  /**
   * Forgets every cache of this JVM: the benchmark counts the calls a fleet costs from a cold start, not what
   * an earlier fleet of the same run left cached.
   */
  public static void forgetShared() {
    SHARED.clear();
  }

  public Counters counters() {
    return new Counters(hits.get(), misses.get(), client.counters());
  }

  public Lookup lookup(Collection<WeatherCell> cells) {
    Map<WeatherCell, DayWeather> weather = new HashMap<>();
    Map<WeatherCell, String> failed = new HashMap<>();
    List<WeatherCell> mine = new ArrayList<>();
    Map<WeatherCell, CompletableFuture<Answer>> theirs = new HashMap<>();
    Map<WeatherCell, CompletableFuture<Answer>> promised = new HashMap<>();
    for (WeatherCell cell : new java.util.LinkedHashSet<>(cells)) {
      DayWeather cached = entries.get(cell);
      if (cached != null) {
        hits.incrementAndGet();
        weather.put(cell, cached);
        continue;
      }
      CompletableFuture<Answer> promise = new CompletableFuture<>();
      CompletableFuture<Answer> running = inFlight.putIfAbsent(cell, promise);
      if (running != null) {
        hits.incrementAndGet(); // another task is fetching it: no call of ours
        theirs.put(cell, running);
      } else {
        misses.incrementAndGet();
        mine.add(cell);
        promised.put(cell, promise);
      }
    }
    if (!mine.isEmpty()) {
      Map<WeatherCell, String> reasons = new HashMap<>();
      Map<WeatherCell, DayWeather> fetched = Map.of();
      try {
        fetched = client.fetch(mine, reasons);
      } finally {
        for (WeatherCell cell : mine) {
          DayWeather day = fetched.get(cell);
          if (day != null) {
            entries.put(cell, day);
            weather.put(cell, day);
          } else {
            failed.put(cell, reasons.getOrDefault(cell, "no answer"));
          }
          inFlight.remove(cell);
          promised.get(cell).complete(new Answer(day, failed.get(cell)));
        }
      }
    }
    theirs.forEach((cell, running) -> {
      Answer answer = running.join();
      if (answer.weather() != null) {
        weather.put(cell, answer.weather());
      } else {
        failed.put(cell, answer.failure());
      }
    });
    return new Lookup(weather, failed);
  }
}
