package io.fleetlake.enrich;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which requests fetch a set of (cell, day) keys for the fewest weight units. A location entry of a request
 * covers the request's whole date range, and weighs 1 up to {@link WeightBudget#daysAtWeightOne} days: so each
 * cell's days are covered by as few ranges of at most that many days as possible (greedy from its earliest day,
 * which is optimal for intervals), each range as tight as its days allow; entries of the same range share
 * requests. Days older than {@code archiveAfterDays} are asked of the archive, newer ones of the forecast.
 */
public final class WeatherPlan {
  /** One location entry: a cell's centre over [from, to], and the keys it serves. */
  public record Entry(WeatherCell cell, LocalDate from, LocalDate to, List<LocalDate> needed) {
    long days() {
      return ChronoUnit.DAYS.between(from, to) + 1;
    }
  }

  /** Entries that may go in one request: same API, same date range. */
  public record Group(boolean archive, LocalDate from, LocalDate to, List<Entry> entries) {}

  private WeatherPlan() {}

  /**
   * @param keys (cell, day) keys; the cell's own day is ignored in favour of the key's
   * @param today the provider's today (UTC)
   */
  public static List<Group> plan(Collection<WeatherCell> keys, int variables, int archiveAfterDays, LocalDate today) {
    int span = WeightBudget.daysAtWeightOne(variables);
    LocalDate archiveBefore = today.minusDays(archiveAfterDays);
    Map<Boolean, Map<WeatherCell, TreeSet<LocalDate>>> byApi = new LinkedHashMap<>();
    for (WeatherCell key : keys) {
      boolean archive = key.day().isBefore(archiveBefore);
      byApi.computeIfAbsent(archive, a -> new LinkedHashMap<>())
          .computeIfAbsent(key.withDay(null), c -> new TreeSet<>()).add(key.day());
    }
    Map<List<Object>, Group> groups = new LinkedHashMap<>();
    byApi.forEach((archive, cells) -> cells.forEach((cell, days) -> {
      List<LocalDate> needed = new ArrayList<>();
      for (LocalDate day : days) {
        if (!needed.isEmpty() && ChronoUnit.DAYS.between(needed.get(0), day) >= span) {
          add(groups, archive, cell, needed);
          needed = new ArrayList<>();
        }
        needed.add(day);
      }
      add(groups, archive, cell, needed);
    }));
    List<Group> result = new ArrayList<>(groups.values());
    // the largest groups first: they carry most keys per request
    result.sort(Comparator.comparingInt((Group g) -> -g.entries().size()));
    return result;
  }

  private static void add(Map<List<Object>, Group> groups, boolean archive, WeatherCell cell, List<LocalDate> needed) {
    LocalDate from = needed.get(0);
    LocalDate to = needed.get(needed.size() - 1);
    groups.computeIfAbsent(List.of(archive, from, to), k -> new Group(archive, from, to, new ArrayList<>()))
        .entries().add(new Entry(cell, from, to, List.copyOf(needed)));
  }
}
