package io.fleetlake.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightBudgetTest {
  @Test
  void aLocationWeighsItsVariablesAndDaysAsOpenMeteoCounts() {
    assertEquals(1.0, WeightBudget.weight(6, 1));
    assertEquals(1.0, WeightBudget.weight(6, 23), "6 variables: 0.6 × 23/14 = 0.986");
    assertEquals(0.6f * (24 / 14f), WeightBudget.weight(6, 24), 1e-6);
    assertEquals(1.0, WeightBudget.weight(10, 14));
    assertEquals(2.0, WeightBudget.weight(20, 7), "more than 10 variables weigh more, whatever the days");
    assertEquals(23, WeightBudget.daysAtWeightOne(6));
    assertEquals(14, WeightBudget.daysAtWeightOne(10));
  }

  @Test
  void everyWindowHoldsToItsLimitAndA429SpendsTheNamedWindowUntilItTurns() {
    WeightBudget budget = new WeightBudget(10, 25, 40);
    assertEquals(10, budget.available(0));
    budget.spend(0, 8);
    assertEquals(2, budget.available(1_000));
    assertEquals(60_000, budget.availableAt(1_000, 5), "the 8 leave the minute a minute after they were spent");
    budget.spend(60_000, 10);
    budget.spend(120_000, 7);
    assertEquals(0, budget.available(180_000), "the hour holds 25: 8 + 10 + 7");
    assertEquals(3_600_000, budget.availableAt(180_000, 1));
    budget.refused(200_000, "Minutely API request limit exceeded. Please try again in one minute.");
    assertEquals(245_000, budget.spentUntil(), "to the next whole minute, and 5 s for the clocks");
    budget.refused(3_700_000, "Daily API request limit exceeded. Please try again tomorrow.");
    assertEquals(0, budget.available(86_000_000));
    assertEquals(10, budget.available(86_405_000), "a new UTC day: the minute limit again");
  }

  @Test
  void a429JustPastOurBoundaryIsTheProvidersWindowBeforeItAndOneForALimitWeDoNotKnowStillStopsUs() {
    WeightBudget plan = new WeightBudget(0, 0, 0); // a customer plan: no limits known
    assertEquals(Double.MAX_VALUE, plan.available(0));
    plan.refused(120_003_000L, "Minutely API request limit exceeded. Please try again in one minute.");
    assertEquals(120_005_000L, plan.spentUntil(), "3 s past our minute: the provider's clock may be 2 s behind");
    assertEquals(0, plan.available(120_004_000L), "the provider said stop: whatever our limits say");
    assertEquals(120_005_000L, plan.availableAt(120_004_000L, 1));
    assertEquals(Double.MAX_VALUE, plan.available(120_005_000L));
    WeightBudget limited = new WeightBudget(5, 0, 0);
    limited.spend(0, 5);
    limited.settle(0, 5, 2_000, 1); // a 400: the provider counted 1 of the 5 reserved, when it answered
    assertEquals(4, limited.available(3_000));
    limited.spend(3_000, 4);
    limited.settle(3_000, 4, 59_500, 4); // a slow answer: counted in the provider's minute it came back in
    assertEquals(1, limited.available(62_500), "the 1 counted at 2 s has left the minute, the 4 at 59.5 s not");
    assertEquals(119_500, limited.availableAt(62_500, 5));
  }

  @Test
  void noRollingMinuteEverHoldsMoreThanTheLimit() {
    WeightBudget budget = new WeightBudget(7, 0, 0);
    List<long[]> spent = new ArrayList<>();
    long now = 0;
    for (int request = 0; request < 300; request++) {
      now += (request * 7919L) % 9_000; // uneven arrivals, bursts and gaps
      long weight = 1 + request % 4;
      long at = budget.availableAt(now, weight);
      assertTrue(at >= now);
      assertTrue(budget.available(at) >= weight, "available when it says: " + at);
      budget.spend(at, weight);
      spent.add(new long[] {at, weight});
      now = at;
    }
    for (long[] first : spent) {
      long inWindow = spent.stream().filter(s -> s[0] >= first[0] && s[0] < first[0] + 60_000).mapToLong(s -> s[1]).sum();
      assertTrue(inWindow <= 7, inWindow + " in the minute from " + first[0]);
    }
  }

  @Test
  void aCellsDaysAreCoveredByTheFewestRangesAndEqualRangesShareARequest() {
    LocalDate today = LocalDate.of(2026, 11, 30);
    List<WeatherCell> keys = new ArrayList<>();
    WeatherCell berlin = new WeatherCell(525, 134, 100, null);
    for (int d = 0; d < 30; d++) {
      keys.add(berlin.withDay(today.minusDays(40 - d))); // 30 days of history: two ranges (23 + 7)
    }
    WeatherCell paris = new WeatherCell(489, 24, 100, null);
    WeatherCell madrid = new WeatherCell(404, -37, 100, null);
    keys.add(paris.withDay(today));
    keys.add(madrid.withDay(today));
    keys.add(madrid.withDay(today.minusDays(1)));
    List<WeatherPlan.Group> groups = WeatherPlan.plan(keys, 6, 5, today);
    double weight = groups.stream().flatMap(g -> g.entries().stream()).mapToDouble(e -> WeightBudget.weight(6, e.days())).sum();
    assertEquals(4.0, weight, "berlin 2, paris 1, madrid 1 (its two days in one entry)");
    WeatherPlan.Group first = groups.stream().filter(g -> g.archive() && g.from().equals(today.minusDays(40))).findFirst()
        .orElseThrow();
    assertEquals(today.minusDays(40 - 22), first.to(), "23 days");
    assertTrue(groups.stream().anyMatch(g -> !g.archive() && g.from().equals(today) && g.entries().size() == 1));
    assertTrue(groups.stream().anyMatch(g -> !g.archive() && g.from().equals(today.minusDays(1)) && g.to().equals(today)));
  }
}
