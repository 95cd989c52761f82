package io.fleetlake.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallBudgetTest {
  @Test
  void callsWithinTheBudgetGoAtOnceTheRestWaitForTheMinuteToPass() {
    CallBudget budget = new CallBudget(3);
    assertEquals(1_000, budget.reserve(1_000));
    assertEquals(1_000, budget.reserve(1_000));
    assertEquals(1_500, budget.reserve(1_500));
    assertEquals(61_000, budget.reserve(2_000), "the fourth call of the minute waits for the first one's minute");
    assertEquals(61_000, budget.reserve(2_000));
    assertEquals(61_500, budget.reserve(2_000));
    assertEquals(121_000, budget.reserve(2_000));
    assertEquals(200_000, budget.reserve(200_000), "an idle minute frees the whole budget");
  }

  @Test
  void noMinuteEverHoldsMoreThanTheBudget() {
    int perMinute = 7;
    CallBudget budget = new CallBudget(perMinute);
    List<Long> slots = new ArrayList<>();
    long now = 0;
    for (int call = 0; call < 200; call++) {
      now += (call * 7919L) % 9_000; // uneven arrivals, bursts and gaps
      long at = budget.reserve(now);
      assertTrue(at >= now, "never before it was asked");
      slots.add(at);
    }
    for (long start : slots) {
      long inWindow = slots.stream().filter(t -> t >= start && t < start + 60_000).count();
      assertTrue(inWindow <= perMinute, inWindow + " calls in the minute from " + start);
    }
  }
}
