package io.fleetlake.enrich;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The weather provider's budget, in its own units: the weight of a request is the sum over its locations of
 * max(1, variables/10 × max(1, days/14)) ({@link #weight}), counted against a limit per minute, per hour and per
 * day. Open-Meteo clears its windows at whole UTC minutes, hours and days; this budget holds every rolling
 * window of those lengths to the limit, which keeps every fixed window under it too, whatever the two clocks
 * say. One per application and provider: the driver spends it, the executors only read the lake.
 *
 * <p>A 429 means the provider counts more than this budget does (another client on the same address or key, a
 * restart within the window): the window it names is then taken as spent until it turns.
 */
public final class WeightBudget {
  /** A window: its length, its limit (0: none), and until when the provider said it was spent. */
  private static final class Window {
    final long lengthMs;
    final double limit;
    long spentUntilMs;

    Window(Duration length, double limit) {
      this.lengthMs = length.toMillis();
      this.limit = limit;
    }
  }

  private record Spent(long atMs, double weight) {}

  /** How far apart this host's clock and the provider's may be. */
  private static final long CLOCK_MARGIN_MS = 5_000;

  private final Window[] windows;
  private final Deque<Spent> spent = new ArrayDeque<>();

  public WeightBudget(double perMinute, double perHour, double perDay) {
    this.windows = new Window[] {new Window(Duration.ofMinutes(1), perMinute), new Window(Duration.ofHours(1), perHour),
        new Window(Duration.ofDays(1), perDay)};
  }

  /** Open-Meteo's weight of one location entry asking {@code variables} hourly variables over {@code days} days. */
  public static double weight(int variables, long days) {
    float variablesFraction = variables / 10f;
    return Math.max(1f, Math.max(variablesFraction, days / 14f * variablesFraction));
  }

  /** The longest date range one location entry may cover at weight 1. */
  public static int daysAtWeightOne(int variables) {
    int days = 1;
    while (days < 366 && weight(variables, days + 1) <= 1) {
      days++;
    }
    return days;
  }

  /** The weight that may be spent at {@code nowMs} without passing any window's limit. */
  public synchronized double available(long nowMs) {
    forgetBefore(nowMs - windows[windows.length - 1].lengthMs);
    double available = Double.MAX_VALUE;
    for (Window window : windows) {
      if (nowMs < window.spentUntilMs) {
        return 0; // the provider said so, whatever limit we know of
      }
      if (window.limit <= 0) {
        continue;
      }
      available = Math.min(available, window.limit - spentSince(nowMs - window.lengthMs));
    }
    return Math.max(0, available);
  }

  /** The smallest limit: no one request may weigh more. */
  public double largestRequest() {
    double largest = Double.MAX_VALUE;
    for (Window window : windows) {
      if (window.limit > 0) {
        largest = Math.min(largest, window.limit);
      }
    }
    return largest;
  }

  /** When {@code weight} will be available, at the earliest (epoch ms; {@code nowMs} if it is now). */
  public synchronized long availableAt(long nowMs, double weight) {
    long at = nowMs;
    for (Window window : windows) {
      at = Math.max(at, window.spentUntilMs);
      if (window.limit <= 0) {
        continue;
      }
      // the window frees what was spent in it as that leaves it, oldest first
      double over = spentSince(nowMs - window.lengthMs) + weight - window.limit;
      for (Spent s : spent) {
        if (over <= 0) {
          break;
        }
        if (s.atMs() > nowMs - window.lengthMs) {
          over -= s.weight();
          at = Math.max(at, s.atMs() + window.lengthMs);
        }
      }
    }
    return at;
  }

  public synchronized void spend(long nowMs, double weight) {
    spent.addLast(new Spent(nowMs, weight));
  }

  /**
   * Replaces a reservation with what the provider counted, when it counted it: Open-Meteo adds a request's
   * weight once its answer is built (a 429 adds nothing, a 400 one), so a request reserved at the end of one
   * of its minutes may count in the next; counted at the answer, every minute of the provider's holds what
   * this budget allowed.
   */
  public synchronized void settle(long reservedAtMs, double reserved, long countedAtMs, double counted) {
    for (java.util.Iterator<Spent> it = spent.descendingIterator(); it.hasNext(); ) {
      Spent s = it.next();
      if (s.atMs() == reservedAtMs && s.weight() == reserved) {
        it.remove();
        break;
      }
    }
    if (counted > 0) {
      spent.addLast(new Spent(countedAtMs, counted));
    }
  }

  /**
   * The provider answered 429 with {@code reason}: the window it names ("Minutely …", "Hourly …", "Daily …")
   * is spent until it turns; an unnamed one is taken for the minute.
   */
  public synchronized void refused(long nowMs, String reason) {
    String lower = reason == null ? "" : reason.toLowerCase(java.util.Locale.ROOT);
    int index = lower.startsWith("daily") ? 2 : lower.startsWith("hourly") ? 1 : 0;
    Window window = windows[index];
    // the provider's window turns at its next whole UTC minute, hour or day, a little later for the clocks; just
    // after our boundary, the provider's clock may not have reached it yet: then that boundary is the one
    long boundary = nowMs / window.lengthMs * window.lengthMs;
    long turns = nowMs - boundary < CLOCK_MARGIN_MS ? boundary + CLOCK_MARGIN_MS
        : boundary + window.lengthMs + CLOCK_MARGIN_MS;
    window.spentUntilMs = Math.max(window.spentUntilMs, turns);
  }

  /** When the window a 429 named turns, for progress lines; 0 if none is marked spent. */
  public synchronized long spentUntil() {
    long until = 0;
    for (Window window : windows) {
      until = Math.max(until, window.spentUntilMs);
    }
    return until;
  }

  private double spentSince(long fromMs) {
    double sum = 0;
    for (Spent s : spent) {
      if (s.atMs() > fromMs) {
        sum += s.weight();
      }
    }
    return sum;
  }

  private void forgetBefore(long ms) {
    while (!spent.isEmpty() && spent.peekFirst().atMs() <= ms) {
      spent.pollFirst();
    }
  }
}
