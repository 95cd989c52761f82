package io.fleetlake.local.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.bronze.LocationPingParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static final LocalDate START = LocalDate.of(2026, 11, 20);
  private static final Simulation.Options OPTIONS = new Simulation.Options(60, 2, 42, START, 1, 1, 2, 1);

  private static Simulation plan(Simulation.Options options) {
    return Simulation.plan(options, START.plusDays(options.days()).atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
  }

  @Test
  void theSameSeedGivesTheSameRecords() {
    List<Simulation.Outgoing> first = plan(OPTIONS).records();
    List<Simulation.Outgoing> again = plan(OPTIONS).records();
    assertEquals(first.size(), again.size());
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i).value(), again.get(i).value());
    }
  }

  @Test
  void aPingPerUnitEveryFifteenMinutesPlusTheUglyParts() {
    Simulation simulation = plan(OPTIONS);
    Map<String, Object> manifest = simulation.manifest("fleet.locations");
    assertEquals(60 * 2 * 96, manifest.get("pings"));
    assertEquals(115, manifest.get("duplicate_pings"));
    assertEquals(115, manifest.get("late_pings"));
    assertEquals(230, manifest.get("malformed_records"));
    assertEquals(11520 + 115 + 230, simulation.records().size());
    assertEquals(120, simulation.performance().size());
  }

  /** Every record, parsed by ingestion's own rules, ends where the manifest says. */
  @Test
  void ingestionRulesAgreeWithTheManifest() {
    Simulation simulation = plan(OPTIONS);
    Instant now = Instant.parse("2026-11-23T00:00:00Z");
    Map<String, Integer> reasons = new HashMap<>();
    Set<String> eventIds = new HashSet<>();
    int accepted = 0;
    for (Simulation.Outgoing record : simulation.records()) {
      LocationPingParser.Outcome outcome = LocationPingParser.parse(record.key().getBytes(StandardCharsets.UTF_8),
          record.value(), now);
      if (record.kind().startsWith("malformed:")) {
        RecordKind kind = RecordKind.valueOf(record.kind().substring("malformed:".length()));
        assertEquals(kind.expectedReason(), outcome.accepted() ? "accepted" : outcome.rejection().reason().name(),
            kind + ": " + new String(record.value(), StandardCharsets.UTF_8));
        reasons.merge(kind.expectedReason(), 1, Integer::sum);
      } else {
        assertTrue(outcome.accepted(), () -> record.kind() + " " + outcome.rejection());
        eventIds.add(outcome.ping().eventId());
        accepted++;
      }
    }
    Map<String, Object> manifest = simulation.manifest("fleet.locations");
    assertEquals(manifest.get("expected_bronze_rows"), accepted);
    assertEquals(manifest.get("pings"), eventIds.size(), "duplicates repeat an event_id");
    assertEquals(manifest.get("quarantine_reasons_expected"), new java.util.TreeMap<String, Object>(reasons));
  }

  @Test
  void unitsMoveAsTheirKindDoes() {
    Simulation simulation = plan(new Simulation.Options(30, 2, 7, START, 0, 0, 0, 0));
    Map<UnitType, Double> maxSpeed = new HashMap<>();
    for (Fleet.Member member : simulation.fleet().members()) {
      java.util.SplittableRandom noise = new java.util.SplittableRandom(1);
      for (Instant t = simulation.start(); t.isBefore(simulation.end()); t = t.plus(Duration.ofMinutes(15))) {
        Itinerary.Fix fix = member.itinerary().at(t, noise);
        maxSpeed.merge(member.unit().type(), fix.speedKmh(), Math::max);
        assertTrue(Math.abs(fix.lat()) <= 90 && Math.abs(fix.lon()) <= 180);
        assertTrue(fix.headingDeg() >= 0 && fix.headingDeg() < 360);
        if (member.unit().type() != UnitType.AERIAL) {
          assertEquals(null, fix.altitudeM());
        }
      }
    }
    assertTrue(maxSpeed.get(UnitType.AERIAL) > 650 && maxSpeed.get(UnitType.AERIAL) < 950, maxSpeed.toString());
    assertTrue(maxSpeed.get(UnitType.MARITIME) > 18 && maxSpeed.get(UnitType.MARITIME) <= 47, maxSpeed.toString());
    assertTrue(maxSpeed.get(UnitType.TERRESTRIAL) > 60 && maxSpeed.get(UnitType.TERRESTRIAL) <= 110, maxSpeed.toString());
  }

  @Test
  void fuelFollowsDistanceAndElectricTrucksUseEnergy() {
    for (Simulation.PerformanceDay day : plan(OPTIONS).performance()) {
      if (day.energyUsedKwh() != null) {
        assertEquals(null, day.fuelUsedL(), day.toString());
      } else if (day.distanceKm() > 0) {
        assertTrue(day.fuelUsedL() > 0, day.toString());
      }
    }
  }
}
