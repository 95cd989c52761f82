package io.fleetlake.enrich;

import java.util.ArrayList;
import java.util.List;

/**
 * At most {@code perMinute} calls in any 60 seconds, which is what a provider's per-minute limit counts: a
 * batch that needs 50 calls makes them at once, instead of one every 60/perMinute seconds as even spacing
 * would, and a long run is still held to the budget.
 */
final class CallBudget {
  private static final long MINUTE_MS = 60_000L;
  private final int perMinute;
  /** When each call of the last minute was, or is to be, made; oldest first. */
  private final List<Long> slots = new ArrayList<>();

  CallBudget(int perMinute) {
    this.perMinute = perMinute;
  }

  /** Takes the earliest slot at or after {@code nowMs} within the budget and returns it (epoch ms). */
  synchronized long reserve(long nowMs) {
    while (!slots.isEmpty() && slots.get(0) <= nowMs - MINUTE_MS) {
      slots.remove(0);
    }
    // the budget is spent: the call waits for the slot that the budget's oldest call frees a minute after it
    long at = slots.size() < perMinute ? nowMs : Math.max(nowMs, slots.get(slots.size() - perMinute) + MINUTE_MS);
    slots.add(at);
    return at;
  }
}
