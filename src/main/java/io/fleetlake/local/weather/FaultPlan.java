package io.fleetlake.local.weather;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Faults the weather server serves instead of (or before) a normal answer, each for a number of calls, in
 * the order they were added: tests and demos use it to show what the weather client does under failure.
 */
final class FaultPlan {
  enum Kind {
    /** answer with an HTTP status and an Open-Meteo error body */
    STATUS,
    /** 429 with the minutely reason and no Retry-After, as the free tier answers past its limit */
    RATE_LIMIT,
    /** answer normally, but only after a pause (client timeouts) */
    DELAY,
    /** HTTP 200 with a body cut off in the middle of the JSON */
    BROKEN_JSON
  }

  /**
   * @param status for STATUS
   * @param millis pause for DELAY
   */
  record Fault(Kind kind, int status, int millis, int remaining) {
    Map<String, Object> describe() {
      return Map.of("kind", kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), "status", status,
          "delay_ms", millis, "remaining", remaining);
    }
  }

  private final Deque<Fault> faults = new ArrayDeque<>();

  synchronized void add(Fault fault) {
    if (fault.remaining() > 0) {
      faults.addLast(fault);
    }
  }

  /** The fault the next call gets, if any; using it counts one call off it. */
  synchronized Fault next() {
    Fault head = faults.pollFirst();
    if (head == null) {
      return null;
    }
    if (head.remaining() > 1) {
      faults.addFirst(new Fault(head.kind(), head.status(), head.millis(), head.remaining() - 1));
    }
    return head;
  }

  synchronized void clear() {
    faults.clear();
  }

  synchronized List<Map<String, Object>> describe() {
    List<Map<String, Object>> result = new ArrayList<>();
    faults.forEach(f -> result.add(f.describe()));
    return result;
  }
}
