package io.fleetlake.enrich;

import io.fleetlake.config.WeatherSettings;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.spark.sql.SparkSession;

/**
 * Brings (cell, day) keys into silver/weather_hourly from the provider, within its budget: the driver's work,
 * once per micro-batch, for the few keys the batch lacks. Keys the table holds cost nothing; the rest are
 * planned into the fewest weight units ({@link WeatherPlan}) and fetched while the {@link WeightBudget} has
 * room. What the budget cannot pay for now is left {@code pending}, for a later batch, or waited for up to a
 * deadline. One supply (client and budget) per application and provider, so that every query of run-all
 * spends the same budget.
 */
public final class WeatherSupply {
  private static final ConcurrentMap<WeatherSettings, WeatherSupply> SHARED = new ConcurrentHashMap<>();

  /** What became of the keys asked: held (now in the table), refused for good (400), failed now, or pending. */
  public record Outcome(Set<WeatherCell> held, Map<WeatherCell, String> missing, Map<WeatherCell, String> failed,
                        Set<WeatherCell> pending, double weight, int requests, int fromLake) {
    public static Outcome none() {
      return new Outcome(Set.of(), Map.of(), Map.of(), Set.of(), 0, 0, 0);
    }
  }

  private final WeatherSettings settings;
  private final WeatherClient client;
  private final WeightBudget budget;
  private final Clock clock;
  private static final Duration FINALISE_EVERY = Duration.ofHours(1);
  /**
   * The days before {@link #finalBefore} a live job keeps trying to make final: a week of hourly tries after the
   * archive got a day. Older provisional days (the archive failed all that week) wait for
   * {@code silver-locations --backfill-weather}, so that the hourly look reads a week, not the lake's history.
   */
  public static final int FINALISE_LOOKBACK_DAYS = 7;
  private long lastFinaliseMs = Long.MIN_VALUE / 2;
  /** Keys the provider refused (400) in this application: asking again gets the same answer. */
  private final Map<WeatherCell, String> refused = new ConcurrentHashMap<>();

  WeatherSupply(WeatherSettings settings, WeatherClient client, Clock clock) {
    this.settings = settings;
    this.client = client;
    this.clock = clock;
    this.budget = new WeightBudget(settings.limits().minute(), settings.limits().hour(), settings.limits().day());
  }

  /** This application's supply for these settings. */
  public static WeatherSupply shared(WeatherSettings settings) {
    return SHARED.computeIfAbsent(settings, s -> new WeatherSupply(s, new WeatherClient(s), Clock.systemUTC()));
  }

  /** A supply of its own on {@code clock}, for tests that move time: the provider's today, its windows. */
  public static WeatherSupply onClock(WeatherSettings settings, Clock clock) {
    return new WeatherSupply(settings, new WeatherClient(settings, clock), clock);
  }

  /** Forgets every supply of this JVM: the benchmark measures a fleet from a cold start. */
  public static void forgetShared() {
    SHARED.clear();
  }

  public WeatherClient.Counters counters() {
    return client.counters();
  }

  public WeightBudget budget() {
    return budget;
  }

  /**
   * Brings {@code keys} into the table. Waits for budget until {@code wait} has passed (zero: not at all),
   * saying so on {@code out} when it does.
   */
  public synchronized Outcome supply(SparkSession spark, WeatherHourlyTable table, Collection<WeatherCell> keys,
                                     Duration wait, PrintStream out) {
    Set<WeatherCell> wanted = new LinkedHashSet<>(keys);
    Map<WeatherCell, String> missing = new HashMap<>();
    for (WeatherCell key : keys) {
      String reason = refused.get(key);
      if (reason != null) {
        missing.put(key, reason);
        wanted.remove(key);
      }
    }
    Set<WeatherCell> held = new HashSet<>(table.held(spark, wanted));
    int fromLake = held.size();
    wanted.removeAll(held);
    Fetching fetching = fetch(spark, table, wanted, false, wait, out);
    held.addAll(fetching.written);
    missing.putAll(fetching.missing);
    return new Outcome(held, missing, fetching.failed, fetching.pending, fetching.weight, fetching.requests, fromLake);
  }

  /**
   * Fetches again, from the archive, the days the table holds as provisional that the archive has final by now;
   * within the budget left, without waiting. Returns the keys made final. A live job looks at the
   * {@link #FINALISE_LOOKBACK_DAYS} days the archive got last, hourly; {@code wholeHistory} (a backfill) looks at
   * every day, at once.
   */
  public synchronized Set<WeatherCell> finalise(SparkSession spark, WeatherHourlyTable table, boolean wholeHistory,
                                                PrintStream out) {
    if (!wholeHistory && clock.millis() - lastFinaliseMs < FINALISE_EVERY.toMillis()) {
      return Set.of(); // the archive moves by the day: an hourly look is plenty, and each look costs a scan
    }
    lastFinaliseMs = clock.millis();
    List<WeatherCell> provisional = new ArrayList<>(table.provisional(spark, finaliseFrom(wholeHistory), finalBefore()));
    provisional.removeIf(refused::containsKey);
    if (provisional.isEmpty()) {
      return Set.of();
    }
    Fetching fetching = fetch(spark, table, provisional, true, Duration.ZERO, out);
    return fetching.written;
  }

  /**
   * {@code weather_at}'s way, outside the lake: fetches {@code keys} within this JVM's budget, without waiting,
   * and returns what it got; a key not in the answer was refused ({@code missing}), failed or is pending.
   */
  public synchronized Outcome direct(Collection<WeatherCell> keys, Map<WeatherCell, DayWeather> into) {
    Fetching f = fetch(null, null, keys, false, Duration.ZERO, System.out);
    f.unwritten.forEach(got -> into.put(got.day().cell(),
        new DayWeather(got.day().cell(), got.day().hours(), got.provisional())));
    return new Outcome(into.keySet(), f.missing, f.failed, f.pending, f.weight, f.requests, 0);
  }

  /** The first day the archive may not have yet: the days before it are final there. */
  public LocalDate finalBefore() {
    return today().minusDays(settings.archiveAfterDays());
  }

  /**
   * The first day a look for provisional days reads: {@link #FINALISE_LOOKBACK_DAYS} before {@link #finalBefore}
   * for a live job, {@code null} (the whole history) for a backfill.
   */
  public LocalDate finaliseFrom(boolean wholeHistory) {
    return wholeHistory ? null : finalBefore().minusDays(FINALISE_LOOKBACK_DAYS);
  }

  /** The provider's today (UTC), on this supply's clock. */
  public LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  /** One round of fetching: what it wrote, what it could not. */
  private final class Fetching {
    final Set<WeatherCell> written = new HashSet<>();
    final Map<WeatherCell, String> missing = new HashMap<>();
    final Map<WeatherCell, String> failed = new HashMap<>();
    final Set<WeatherCell> pending = new HashSet<>();
    final List<WeatherHourlyTable.Fetched> unwritten = new ArrayList<>();
    double weight;
    int requests;

    void flush(SparkSession spark, WeatherHourlyTable table) {
      if (table == null) {
        return; // direct: the caller takes the answers
      }
      table.write(spark, unwritten);
      unwritten.forEach(got -> written.add(got.day().cell()));
      unwritten.clear();
    }
  }

  private Fetching fetch(SparkSession spark, WeatherHourlyTable table, Collection<WeatherCell> keys, boolean archiveOnly,
                         Duration wait, PrintStream out) {
    Fetching f = new Fetching();
    if (keys.isEmpty()) {
      return f;
    }
    long deadline = clock.millis() + wait.toMillis();
    int archiveAfter = archiveOnly ? 0 : settings.archiveAfterDays();
    List<WeatherPlan.Group> groups = WeatherPlan.plan(keys, WeatherClient.VARIABLE_COUNT, archiveAfter, today());
    long lastSaid = 0;
    for (WeatherPlan.Group group : groups) {
      List<WeatherPlan.Entry> left = new ArrayList<>(group.entries());
      double perEntry = WeightBudget.weight(WeatherClient.VARIABLE_COUNT, left.get(0).days());
      int cap = WeatherClient.MAX_LOCATIONS;
      int split = 0; // locations of the request a 400 about one location is being narrowed down in
      while (!left.isEmpty()) {
        long now = clock.millis();
        int affordable = (int) Math.floor(budget.available(now) / perEntry);
        if (affordable < 1) {
          long at = budget.availableAt(now, perEntry * Math.min(left.size(), budget.largestRequest() / perEntry));
          if (at > deadline) {
            break; // the rest of this group, and every group after it, waits for a later batch
          }
          f.flush(spark, table); // what was fetched is kept, whatever happens during the wait
          if (now - lastSaid >= 10_000) {
            out.printf("weather: waiting %d s for the provider's budget: %,d cell-days left%n",
                Math.max(1, (at - now + 999) / 1000), remaining(groups, group, left));
            out.flush();
            lastSaid = now;
          }
          sleep(Math.min(at - now, 10_000));
          continue;
        }
        int n = Math.min(Math.min(affordable, cap), WeatherClient.fitting(settings, group, left));
        List<WeatherPlan.Entry> request = List.copyOf(left.subList(0, n));
        double weight = n * perEntry;
        budget.spend(now, weight); // reserved; given back below where the provider counts less
        f.requests++;
        long retriesBefore = client.counters().retries();
        try {
          Map<WeatherCell, DayWeather> answer = client.fetch(group, request);
          // a retried request may have been counted by the provider at each try
          double counted = (1 + client.counters().retries() - retriesBefore) * weight;
          budget.settle(now, weight, clock.millis(), counted);
          f.weight += counted;
          Instant at = clock.instant();
          for (DayWeather day : answer.values()) {
            WeatherHourlyTable.Fetched got = new WeatherHourlyTable.Fetched(day, group.archive(), at);
            if (archiveOnly && got.empty()) {
              f.pending.add(day.cell()); // the archive has not got the day yet: the provisional hours stay
            } else {
              f.unwritten.add(got);
            }
          }
          left.subList(0, n).clear();
          if (split > 0 && (split -= n) <= 0) {
            cap = WeatherClient.MAX_LOCATIONS; // past the narrowed-down request: whole requests again
          }
        } catch (WeatherClient.RateLimitedException e) {
          budget.settle(now, weight, clock.millis(), 0); // a refused request counts nothing
          budget.refused(clock.millis(), e.reason); // the provider counts more than we did: wait for its window
        } catch (WeatherClient.RejectedException e) {
          budget.settle(now, weight, clock.millis(), 1); // a 400 counts 1
          f.weight += 1;
          if (e.aboutALocation && n > 1) {
            // one location is at fault: smaller requests until it is alone, the others answered
            split = split > 0 ? split : n;
            cap = n / 2;
            continue;
          }
          for (WeatherPlan.Entry entry : request) {
            for (LocalDate day : entry.needed()) {
              f.missing.put(entry.cell().withDay(day), e.getMessage());
              refused.put(entry.cell().withDay(day), e.getMessage());
            }
          }
          left.subList(0, n).clear();
          if (split > 0 && (split -= n) <= 0) {
            cap = WeatherClient.MAX_LOCATIONS;
          }
        } catch (WeatherClient.WeatherUnavailableException e) {
          f.weight += weight;
          request.forEach(entry -> entry.needed().forEach(day -> f.failed.put(entry.cell().withDay(day), e.getMessage())));
          left.subList(0, n).clear();
        }
      }
      left.forEach(entry -> entry.needed().forEach(day -> f.pending.add(entry.cell().withDay(day))));
    }
    f.flush(spark, table);
    return f;
  }

  private static long remaining(List<WeatherPlan.Group> groups, WeatherPlan.Group current, List<WeatherPlan.Entry> left) {
    long count = left.stream().mapToLong(e -> e.needed().size()).sum();
    boolean after = false;
    for (WeatherPlan.Group group : groups) {
      if (after) {
        count += group.entries().stream().mapToLong(e -> e.needed().size()).sum();
      }
      after |= group == current;
    }
    return count;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(Math.max(1, millis)); // the provider's budget is spent: nothing to do but wait for it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the weather budget", e);
    }
  }
}
