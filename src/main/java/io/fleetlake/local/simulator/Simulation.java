package io.fleetlake.local.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.local.weather.SyntheticWeather;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Everything a simulated period produces, decided up front from the seed: the Kafka records in the order they
 * are sent (pings, re-sent duplicates, late pings, malformed records), the versions of transport_units and the
 * unit_performance rows, and the counts the lake must end up with.
 */
public final class Simulation {
  static final Duration PING_INTERVAL = Duration.ofMinutes(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param duplicatePct pings sent a second time (same event_id), percent of pings
   * @param latePct pings sent 2–8 h after their event_time, percent of pings
   * @param malformedPct malformed records added, percent of pings
   * @param oddPct pings with a soft oddity (negative speed, heading 360+, unknown fields, no optional fields)
   */
  public record Options(int units, int days, long seed, LocalDate start, double duplicatePct, double latePct,
                 double malformedPct, double oddPct) {}

  /** One record for Kafka. */
  record Outgoing(Instant sendAt, String key, byte[] value, String kind) {}

  /** A version of a transport_units row, with the time it was written. */
  record UnitVersion(TransportUnit unit, Instant updatedAt, String change) {}

  record PerformanceDay(String unitId, LocalDate statDate, double distanceKm, Double fuelUsedL, Double energyUsedKwh,
                        double engineHours, double idleHours, double avgEngineTempC, int maintenanceEvents,
                        double payloadKg, Instant updatedAt, boolean revised) {}

  private final Options options;
  private final Fleet fleet;
  private final List<Outgoing> records = new ArrayList<>();
  private final List<UnitVersion> unitVersions = new ArrayList<>();
  private final List<PerformanceDay> performance = new ArrayList<>();
  private final Map<String, Integer> malformed = new TreeMap<>();
  private final Map<String, Integer> odd = new TreeMap<>();
  private int pings;
  private int duplicates;
  private int late;

  private Simulation(Options options, Fleet fleet) {
    this.options = options;
    this.fleet = fleet;
  }

  Instant start() {
    return options.start().atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  Instant end() {
    return start().plus(Duration.ofDays(options.days()));
  }

  static Simulation plan(Options options, Instant itinerariesUntil) {
    Simulation simulation = new Simulation(options,
        Fleet.create(options.units(), options.seed(), options.start().atStartOfDay(ZoneOffset.UTC).toInstant(),
            itinerariesUntil));
    simulation.build();
    return simulation;
  }

  Fleet fleet() {
    return fleet;
  }

  List<Outgoing> records() {
    return records;
  }

  List<UnitVersion> unitVersions() {
    return unitVersions;
  }

  List<PerformanceDay> performance() {
    return performance;
  }

  private void build() {
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Outgoing> sent = new ArrayList<>();
    for (Fleet.Member member : fleet.members()) {
      List<Instant> times = new ArrayList<>();
      List<Itinerary.Fix> fixes = new ArrayList<>();
      SplittableRandom noise = new SplittableRandom(options.seed() ^ member.unit().unitId().hashCode());
      double fuel = noise.nextDouble(60, 100);
      Itinerary.Fix previous = null;
      for (Instant t = start().plusSeconds(member.pingOffsetSeconds()); t.isBefore(end()); t = t.plus(PING_INTERVAL)) {
        Itinerary.Fix fix = member.itinerary().at(t, noise);
        if (previous != null) {
          double km = Place.haversineKm(previous.lat(), previous.lon(), fix.lat(), fix.lon());
          fuel -= km * burnPctPerKm(member.unit().type());
          if (!fix.moving() && fuel < 35) {
            fuel = noise.nextDouble(92, 100); // refuelled (or recharged) during the stop
          }
        }
        fuel = Math.max(3, fuel);
        Map<String, Object> ping = ping(member.unit(), t, fix, fuel);
        if (random.nextDouble() * 100 < options.oddPct()) {
          RecordKind.Soft kind = RecordKind.Soft.values()[random.nextInt(RecordKind.Soft.values().length)];
          kind.apply(ping);
          odd.merge(kind.name(), 1, Integer::sum);
        }
        sent.add(new Outgoing(t, member.unit().unitId(), json(ping).getBytes(StandardCharsets.UTF_8), "ping"));
        times.add(t);
        fixes.add(fix);
        previous = fix;
        pings++;
      }
      addPerformance(member.unit(), times, fixes, new SplittableRandom(options.seed() * 31 + member.unit().unitId().hashCode()));
    }
    records.addAll(sent);
    addLate(random);
    addDuplicates(sent, random);
    addMalformed(sent, random);
    records.sort(Comparator.comparing(Outgoing::sendAt));
    addUnitVersions(random);
  }

  private void addLate(SplittableRandom random) {
    int count = (int) Math.min(pings, Math.round(pings * options.latePct() / 100));
    for (int i = 0; i < count; i++) {
      int index = random.nextInt(records.size());
      Outgoing ping = records.get(index);
      if (!ping.kind().equals("ping")) {
        i--;
        continue;
      }
      records.set(index, new Outgoing(ping.sendAt().plus(Duration.ofMinutes(random.nextInt(120, 480))), ping.key(),
          ping.value(), "late"));
      late++;
    }
  }

  private void addDuplicates(List<Outgoing> sent, SplittableRandom random) {
    int count = (int) Math.round(pings * options.duplicatePct() / 100);
    for (int i = 0; i < count; i++) {
      Outgoing original = sent.get(random.nextInt(sent.size()));
      records.add(new Outgoing(original.sendAt().plus(Duration.ofMinutes(random.nextInt(1, 30))), original.key(),
          original.value(), "duplicate"));
      duplicates++;
    }
  }

  private void addMalformed(List<Outgoing> sent, SplittableRandom random) {
    int count = (int) Math.round(pings * options.malformedPct() / 100);
    RecordKind[] kinds = RecordKind.values();
    for (int i = 0; i < count; i++) {
      RecordKind kind = kinds[i % kinds.length];
      Outgoing model = sent.get(random.nextInt(sent.size()));
      byte[] value = kind.breakPing(new String(model.value(), StandardCharsets.UTF_8));
      records.add(new Outgoing(model.sendAt().plusSeconds(random.nextInt(1, 600)), model.key(), value,
          "malformed:" + kind.name()));
      malformed.merge(kind.name(), 1, Integer::sum);
    }
  }

  /** The descriptions as they were a month before the period, then a few changes during it. */
  private void addUnitVersions(SplittableRandom random) {
    for (Fleet.Member member : fleet.members()) {
      unitVersions.add(new UnitVersion(member.unit(), start().minus(Duration.ofDays(30)).plusSeconds(random.nextInt(86_400)),
          "created"));
    }
    int changes = Math.max(3, options.units() / 10);
    long periodSeconds = Duration.between(start(), end()).toSeconds();
    for (int i = 0; i < changes && i < fleet.members().size(); i++) {
      TransportUnit unit = fleet.members().get(random.nextInt(fleet.members().size())).unit();
      TransportUnit latest = unitVersions.stream().filter(v -> v.unit().unitId().equals(unit.unitId()))
          .reduce((a, b) -> b).orElseThrow().unit();
      Instant when = start().plusSeconds(random.nextLong(periodSeconds));
      UnitVersion version = switch (i % 3) {
        case 0 -> {
          int company = latest.companyId() % Fleet.companies() + 1;
          yield new UnitVersion(latest.withCompany(company, Fleet.company(company)), when, "company");
        }
        case 1 -> new UnitVersion(latest.withHomeBase(latest.homeBase() + " North"), when, "home_base");
        default -> new UnitVersion(latest.retired(), when, "retired");
      };
      unitVersions.add(version);
    }
    unitVersions.sort(Comparator.comparing(UnitVersion::updatedAt));
  }

  /**
   * One row per unit and day, written in the evening of that day; fuel (or energy) follows distance, the unit
   * type, the payload and the weather, so that a model has something real to learn. 5 % are revised hours later
   * (within the period).
   */
  private void addPerformance(TransportUnit unit, List<Instant> times, List<Itinerary.Fix> fixes, SplittableRandom random) {
    for (int day = 0; day < options.days(); day++) {
      LocalDate date = options.start().plusDays(day);
      Instant dayStart = date.atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant dayEnd = dayStart.plus(Duration.ofDays(1));
      double km = 0;
      int moving = 0;
      double latSum = 0;
      double lonSum = 0;
      int count = 0;
      for (int i = 0; i < times.size(); i++) {
        if (times.get(i).isBefore(dayStart) || !times.get(i).isBefore(dayEnd)) {
          continue;
        }
        Itinerary.Fix fix = fixes.get(i);
        if (i > 0 && !times.get(i - 1).isBefore(dayStart)) {
          km += Place.haversineKm(fixes.get(i - 1).lat(), fixes.get(i - 1).lon(), fix.lat(), fix.lon());
        }
        moving += fix.moving() ? 1 : 0;
        latSum += fix.lat();
        lonSum += fix.lon();
        count++;
      }
      if (count == 0) {
        continue;
      }
      SyntheticWeather.Hour weather = SyntheticWeather.at(latSum / count, lonSum / count, date.atTime(12, 0));
      double payloadShare = km > 0 ? random.nextDouble(0.3, 0.95) : 0;
      double factor = (1 + payloadFactor(unit.type()) * payloadShare) * (1 + 0.004 * weather.windKmh()
          + 0.015 * weather.precipitationMm()) * random.nextDouble(0.97, 1.03);
      double perKm = litresPerKm(unit);
      Double fuel = unit.electric() ? null : round1(km * perKm * factor);
      Double energy = unit.electric() ? round1(km * 1.25 * factor) : null;
      double engineHours = moving * 0.25;
      boolean revised = random.nextInt(100) < 5;
      Instant written = dayStart.plus(Duration.ofMinutes(random.nextInt(18 * 60, 24 * 60 - 1)));
      double distance = round1(km);
      Instant revisedAt = written.plus(Duration.ofHours(random.nextInt(2, 20)));
      // revisions come later, but never after the simulated period (that would be the future)
      revised = revised && revisedAt.isBefore(end());
      if (revised) {
        // a late correction of the odometer, and so of everything derived from it
        double correction = random.nextDouble(0.97, 1.03);
        distance = round1(km * correction);
        fuel = fuel == null ? null : round1(fuel * correction);
        energy = energy == null ? null : round1(energy * correction);
        written = revisedAt;
      }
      performance.add(new PerformanceDay(unit.unitId(), date, distance, fuel, energy, engineHours,
          round1(random.nextDouble(0.1, 1.5)), round1(engineTemp(unit.type()) + weather.temperatureC() * 0.3),
          random.nextInt(100) < 2 ? 1 : 0, Math.round(unit.maxPayloadKg() * payloadShare), written, revised));
    }
  }

  private static double litresPerKm(TransportUnit unit) {
    return switch (unit.type()) {
      case AERIAL -> unit.maxPayloadKg() > 15000 ? 3.4 : 1.6;
      case MARITIME -> "lng".equals(unit.fuelType()) ? 28 : 34;
      case TERRESTRIAL -> 0.31;
    };
  }

  private static double payloadFactor(UnitType type) {
    return switch (type) {
      case AERIAL -> 0.25;
      case MARITIME -> 0.3;
      case TERRESTRIAL -> 0.35;
    };
  }

  private static double engineTemp(UnitType type) {
    return switch (type) {
      case AERIAL -> 480;
      case MARITIME -> 78;
      case TERRESTRIAL -> 88;
    };
  }

  private static double burnPctPerKm(UnitType type) {
    return switch (type) {
      case AERIAL -> 0.02;
      case MARITIME -> 0.004;
      case TERRESTRIAL -> 0.035;
    };
  }

  static Map<String, Object> ping(TransportUnit unit, Instant t, Itinerary.Fix fix, double fuel) {
    Map<String, Object> ping = new LinkedHashMap<>();
    ping.put("event_id", UUID.nameUUIDFromBytes((unit.unitId() + "@" + t.getEpochSecond()).getBytes(StandardCharsets.UTF_8))
        .toString());
    ping.put("unit_id", unit.unitId());
    ping.put("event_time", t.toString());
    ping.put("lat", Math.round(fix.lat() * 1e5) / 1e5);
    ping.put("lon", Math.round(fix.lon() * 1e5) / 1e5);
    ping.put("speed_kmh", fix.speedKmh());
    ping.put("heading_deg", fix.headingDeg());
    if (fix.altitudeM() != null) {
      ping.put("altitude_m", fix.altitudeM());
    }
    ping.put("fuel_level_pct", Math.round(fuel * 10) / 10.0);
    return ping;
  }

  private static String json(Map<String, Object> value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** What the lake must hold after ingesting these records, and what Postgres holds. */
  Map<String, Object> manifest(String topic) {
    Map<String, Object> expectedReasons = new TreeMap<>();
    malformed.forEach((kind, n) -> expectedReasons.merge(RecordKind.valueOf(kind).expectedReason(), n,
        (a, b) -> (Integer) a + (Integer) b));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seed", options.seed());
    m.put("units", options.units());
    m.put("days", options.days());
    m.put("start", start().toString());
    m.put("end", end().toString());
    m.put("topic", topic);
    m.put("records_produced", records.size());
    m.put("pings", pings);
    m.put("late_pings", late);
    m.put("duplicate_pings", duplicates);
    m.put("malformed_records", malformed.values().stream().mapToInt(Integer::intValue).sum());
    m.put("malformed_by_kind", malformed);
    m.put("quarantine_reasons_expected", expectedReasons);
    m.put("odd_pings_by_kind", odd);
    m.put("expected_bronze_rows", pings + duplicates);
    m.put("expected_quarantine_rows", malformed.values().stream().mapToInt(Integer::intValue).sum());
    m.put("transport_units", options.units());
    m.put("transport_unit_changes", unitVersions.size() - options.units());
    m.put("unit_performance_rows", performance.size());
    m.put("unit_performance_revised", performance.stream().filter(PerformanceDay::revised).count());
    return m;
  }
}
