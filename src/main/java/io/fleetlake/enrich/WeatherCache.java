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
 * others wait for its answer. A cell the API refused (HTTP 400) is cached too, with the API's reason, since
 * asking again would get the same refusal; a cell that could not be fetched this time is not, so a later batch
 * asks again.
 */
public final class WeatherCache {
  private static final ConcurrentMap<WeatherSettings, WeatherCache> SHARED = new ConcurrentHashMap<>();

  /** The cells found, and the reason for each the API refused for good or could not answer this time. */
  public record Lookup(Map<WeatherCell, DayWeather> weather, Map<WeatherCell, String> missing,
                       Map<WeatherCell, String> failed) {}

  /** What the cache did, for progress lines and the benchmark. */
  public record Counters(long hits, long misses, WeatherClient.Counters client) {}

  /** One cell's weather, or the reason it is missing (for good) or failed (this time); exactly one is set. */
  private record Answer(DayWeather weather, String missing, String failed) {
    static Answer of(WeatherClient.Fetched fetched, WeatherCell cell) {
      if (fetched == null) {
        return new Answer(null, null, "no answer"); // the fetch itself threw
      }
      if (fetched.weather().containsKey(cell)) {
        return new Answer(fetched.weather().get(cell), null, null);
      }
      if (fetched.missing().containsKey(cell)) {
        return new Answer(null, fetched.missing().get(cell), null);
      }
      return new Answer(null, null, fetched.failed().getOrDefault(cell, "no answer"));
    }

    /** Weather, or a refusal: asking again would get the same. */
    boolean lasting() {
      return failed == null;
    }

    void into(WeatherCell cell, Lookup lookup) {
      if (weather != null) {
        lookup.weather().put(cell, weather);
      } else if (missing != null) {
        lookup.missing().put(cell, missing);
      } else {
        lookup.failed().put(cell, failed);
      }
    }
  }

  private final WeatherClient client;
  private final Map<WeatherCell, Answer> entries;
  private final ConcurrentMap<WeatherCell, CompletableFuture<Answer>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  WeatherCache(WeatherClient client, int maxEntries) {
    this.client = client;
    this.entries = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<WeatherCell, Answer> eldest) {
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
    Lookup found = new Lookup(new HashMap<>(), new HashMap<>(), new HashMap<>());
    List<WeatherCell> mine = new ArrayList<>();
    Map<WeatherCell, CompletableFuture<Answer>> theirs = new HashMap<>();
    Map<WeatherCell, CompletableFuture<Answer>> promised = new HashMap<>();
    for (WeatherCell cell : new java.util.LinkedHashSet<>(cells)) {
      Answer cached = entries.get(cell);
      if (cached != null) {
        hits.incrementAndGet();
        cached.into(cell, found);
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
      WeatherClient.Fetched fetched = null;
      try {
        fetched = client.fetch(mine);
      } finally {
        for (WeatherCell cell : mine) {
          Answer answer = Answer.of(fetched, cell);
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
