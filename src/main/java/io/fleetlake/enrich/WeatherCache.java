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

/**
 * {@code weather_at}'s memory: the weather of cell-days, shared by every task of a JVM, bounded (least recently
 * used out), and single-flight: tasks that need the same cell at the same time cause one fetch, the others wait
 * for its answer. What it lacks is fetched through the JVM's {@link WeatherSupply}, within its budget. A cell the
 * API refused (HTTP 400) is cached too, with the API's reason, since asking again would get the same refusal; a
 * cell that failed or waits for budget is not, so a later call asks again.
 */
public final class WeatherCache {
  private static final ConcurrentMap<WeatherSettings, WeatherCache> SHARED = new ConcurrentHashMap<>();

  /** The cells found, and the reason for each the API refused for good or could not answer this time. */
  public record Lookup(Map<WeatherCell, DayWeather> weather, Map<WeatherCell, String> missing,
                       Map<WeatherCell, String> failed) {}

  /**
   * One cell's weather, or the reason it is missing (for good) or failed (this time); none of the three when
   * it waits for budget.
   */
  private record Answer(DayWeather weather, String missing, String failed) {
    static Answer of(Map<WeatherCell, DayWeather> weather, WeatherSupply.Outcome outcome, WeatherCell cell) {
      if (weather.containsKey(cell)) {
        return new Answer(weather.get(cell), null, null);
      }
      if (outcome == null) {
        return new Answer(null, null, "no answer"); // the fetch itself threw
      }
      return new Answer(null, outcome.missing().get(cell), outcome.failed().get(cell));
    }

    /** Final weather, or a refusal: asking again would get the same (a provisional day would not). */
    boolean lasting() {
      return (weather != null && !weather.provisional()) || missing != null;
    }

    void into(WeatherCell cell, Lookup lookup) {
      if (weather != null) {
        lookup.weather().put(cell, weather);
      } else if (missing != null) {
        lookup.missing().put(cell, missing);
      } else if (failed != null) {
        lookup.failed().put(cell, failed);
      }
    }
  }

  private final WeatherSupply supply;
  private final Map<WeatherCell, Answer> entries;
  private final ConcurrentMap<WeatherCell, CompletableFuture<Answer>> inFlight = new ConcurrentHashMap<>();

  WeatherCache(WeatherSupply supply, int maxEntries) {
    this.supply = supply;
    this.entries = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<WeatherCell, Answer> eldest) {
        return size() > maxEntries;
      }
    });
  }

  /** This JVM's cache for these settings. */
  public static WeatherCache shared(WeatherSettings settings) {
    return SHARED.computeIfAbsent(settings, s -> new WeatherCache(WeatherSupply.shared(s), s.cacheEntries()));
  }

  public Lookup lookup(Collection<WeatherCell> cells) {
    Lookup found = new Lookup(new HashMap<>(), new HashMap<>(), new HashMap<>());
    List<WeatherCell> mine = new ArrayList<>();
    Map<WeatherCell, CompletableFuture<Answer>> theirs = new HashMap<>();
    Map<WeatherCell, CompletableFuture<Answer>> promised = new HashMap<>();
    for (WeatherCell cell : new java.util.LinkedHashSet<>(cells)) {
      Answer cached = entries.get(cell);
      if (cached != null) {
        cached.into(cell, found);
        continue;
      }
      CompletableFuture<Answer> promise = new CompletableFuture<>();
      CompletableFuture<Answer> running = inFlight.putIfAbsent(cell, promise);
      if (running != null) {
        theirs.put(cell, running); // another task is fetching it: no call of ours
      } else {
        mine.add(cell);
        promised.put(cell, promise);
      }
    }
    if (!mine.isEmpty()) {
      Map<WeatherCell, DayWeather> weather = new HashMap<>();
      WeatherSupply.Outcome outcome = null;
      try {
        outcome = supply.direct(mine, weather);
      } finally {
        for (WeatherCell cell : mine) {
          Answer answer = Answer.of(weather, outcome, cell);
          if (answer.lasting()) {
            entries.put(cell, answer);
          }
          answer.into(cell, found);
          inFlight.remove(cell);
          promised.get(cell).complete(answer);
        }
      }
    }
    theirs.forEach((cell, running) -> running.join().into(cell, found));
    return found;
  }
}
