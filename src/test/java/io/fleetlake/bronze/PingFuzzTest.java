package io.fleetlake.bronze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fleetlake.testing.MalformedPings;
import io.fleetlake.testing.PingFuzz;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Thousands of hostile records ({@link PingFuzz}) through the parser. Each must come out as a sound ping or as
 * a rejection for a reason the parser knows: an exception would stop the stream, and PARSER_ERROR means a kind
 * of input nobody thought of.
 */
class PingFuzzTest {
  private static final Instant INGEST = Instant.parse("2026-11-23T12:00:00Z");
  /** Fixed, so that a failure can be replayed with PingFuzz.records(seed, PER_FIELD). */
  private static final long[] SEEDS = {1L, 42L, 20261123L};
  private static final int PER_FIELD = 300;
  private static final int FAILURES_SHOWN = 40;
  private static final int PREVIEW_BYTES = 100;

  @Test
  void everyHostileRecordBecomesASoundPingOrAForeseenRejection() {
    int generated = 0;
    int accepted = 0;
    Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);
    List<String> failures = new ArrayList<>();
    for (long seed : SEEDS) {
      List<PingFuzz.Record> records = PingFuzz.records(seed, PER_FIELD);
      assertTrue(records.size() >= PingFuzz.TARGETS.size() * PER_FIELD, "seed " + seed + ": " + records.size());
      generated += records.size();
      for (PingFuzz.Record record : records) {
        LocationPingParser.Outcome outcome;
        try {
          outcome = LocationPingParser.parse(record.key(), record.value(), INGEST, EventTimeRange.DEFAULT);
        } catch (RuntimeException | StackOverflowError e) {
          failures.add(describe(seed, record) + ": threw " + e);
          continue;
        }
        if (outcome.ping() != null && outcome.rejection() == null) {
          accepted++;
        } else if (outcome.rejection() != null && outcome.ping() == null) {
          rejected.merge(outcome.rejection().reason(), 1, Integer::sum);
        }
        String problem = problem(outcome);
        if (problem != null) {
          failures.add(describe(seed, record) + ": " + problem);
        }
      }
    }
    int rejectedTotal = rejected.values().stream().mapToInt(Integer::intValue).sum();
    // quoted by whoever runs this: printed before the assertions, so it shows on failure too
    System.out.println(String.format(Locale.ROOT, "PingFuzz: seeds %s, %d per field: %d records, %d accepted, "
        + "%d rejected %s", Arrays.toString(SEEDS), PER_FIELD, generated, accepted, rejectedTotal, rejected));

    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + generated + " records were not handled (first " + FAILURES_SHOWN + "):\n"
          + String.join("\n", failures.subList(0, Math.min(FAILURES_SHOWN, failures.size()))));
    }
    assertEquals(generated, accepted + rejectedTotal, "every record has exactly one outcome");
    assertTrue(accepted > 0, "some hostile records are still valid pings");
    assertTrue(rejectedTotal >= generated / 4, "many records are rejected: " + rejectedTotal + " of " + generated);
    Set<RejectReason> reasons = EnumSet.noneOf(RejectReason.class);
    reasons.addAll(rejected.keySet());
    reasons.remove(RejectReason.PARSER_ERROR);
    assertTrue(reasons.size() >= 10, "at least 10 distinct reasons: " + reasons);
  }

  @Test
  void eventTimesOutsideTheDefaultRangeAreOutOfRange() {
    // Instant holds the year +300000, Spark's microseconds do not: a micro-batch with it would fail on every replay
    assertEquals(RejectReason.OUT_OF_RANGE, reasonAt("+300000-01-01T00:00:00Z"));
    assertEquals(RejectReason.OUT_OF_RANGE, reasonAt("1999-12-31T23:59:59Z"), "a second before the earliest");
    assertEquals(RejectReason.OUT_OF_RANGE, reasonAt(INGEST.plus(Duration.ofHours(25)).toString()), "25 h ahead");
    // the range's ends belong to it
    assertNotNull(parseAt("2000-01-01T00:00:00Z").ping(), "the earliest itself");
    assertNotNull(parseAt(INGEST.plus(Duration.ofDays(1)).toString()).ping(), "exactly max-future ahead");

    // 23 h ahead is in the range but beyond FUTURE_TOLERANCE (10 minutes): kept, and flagged
    LocationPing nextDay = parseAt(INGEST.plus(Duration.ofHours(23)).toString()).ping();
    assertNotNull(nextDay, "23 h ahead is accepted");
    assertEquals(List.of(QualityFlag.FUTURE_EVENT_TIME.name()), nextDay.qualityFlags());

    // the 3-argument parse uses the default range
    LocationPingParser.Outcome old = LocationPingParser.parse(MalformedPings.KEY, ping("+300000-01-01T00:00:00Z"), INGEST);
    assertEquals(RejectReason.OUT_OF_RANGE, old.rejection().reason());
  }

  @Test
  void theGeneratorIsReproducibleAndBounded() {
    List<PingFuzz.Record> first = PingFuzz.records(7, 5);
    List<PingFuzz.Record> again = PingFuzz.records(7, 5);
    assertEquals(first.size(), again.size());
    for (int i = 0; i < first.size(); i++) {
      PingFuzz.Record a = first.get(i);
      PingFuzz.Record b = again.get(i);
      assertEquals(a.field() + " / " + a.kind(), b.field() + " / " + b.kind(), "record " + i);
      assertArrayEquals(a.key(), b.key(), "record " + i);
      assertArrayEquals(a.value(), b.value(), "record " + i);
    }
    // 5 per field is fewer than any target's special values, which all come regardless
    Map<String, Integer> perTarget = new HashMap<>();
    for (PingFuzz.Record r : first) {
      perTarget.merge(r.field(), 1, Integer::sum);
      int size = (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
      assertTrue(size <= PingFuzz.MAX_RECORD_BYTES, r.field() + " / " + r.kind() + ": " + size + " bytes");
    }
    assertEquals(new HashSet<>(PingFuzz.TARGETS), perTarget.keySet());
    perTarget.forEach((target, count) -> assertTrue(count > 5, target + ": " + count));
  }

  /** What is wrong with one outcome, or null when nothing is. */
  private static String problem(LocationPingParser.Outcome outcome) {
    LocationPing ping = outcome.ping();
    LocationPingParser.Rejection rejection = outcome.rejection();
    if ((ping == null) == (rejection == null)) {
      return ping == null ? "neither a ping nor a rejection" : "both a ping and a rejection";
    }
    if (rejection != null) {
      if (rejection.reason() == RejectReason.PARSER_ERROR) {
        return "PARSER_ERROR (" + rejection.message() + ")";
      }
      if (rejection.reason() == null) {
        return "a rejection without a reason";
      }
      return outcome.rawValue() == null ? rejection.reason() + " without the raw value" : null;
    }
    if (!within(ping.lat(), -90, 90) || !within(ping.lon(), -180, 180)) {
      return "accepted lat/lon " + ping.lat() + ", " + ping.lon();
    }
    Instant eventTime = ping.eventTime();
    if (eventTime == null || !EventTimeRange.DEFAULT.contains(eventTime, INGEST)) {
      return "accepted event_time " + eventTime + " outside the range";
    }
    if (ping.eventId() == null || ping.eventId().isBlank() || ping.unitId() == null || ping.unitId().isBlank()) {
      return "accepted a blank event_id or unit_id";
    }
    for (Double optional : Arrays.asList(ping.speedKmh(), ping.headingDeg(), ping.altitudeM(), ping.fuelLevelPct())) {
      if (optional != null && !Double.isFinite(optional)) {
        return "accepted an optional number " + optional;
      }
    }
    if (ping.qualityFlags() == null) {
      return "no quality flags list";
    }
    // bronze stores event_time as a Spark timestamp: microseconds since the epoch in a long
    try {
      Timestamp.from(eventTime);
      ChronoUnit.MICROS.between(Instant.EPOCH, eventTime);
    } catch (RuntimeException e) {
      return "accepted event_time " + eventTime + " that Spark cannot hold: " + e;
    }
    return null;
  }

  private static boolean within(double value, double min, double max) {
    return Double.isFinite(value) && value >= min && value <= max;
  }

  private static String describe(long seed, PingFuzz.Record record) {
    return "seed " + seed + ", " + record.field() + " / " + record.kind() + " (key " + preview(record.key())
        + ", value " + preview(record.value()) + ")";
  }

  /** The first bytes, printable ASCII as is and the rest as \xNN, so that any record prints on one line. */
  private static String preview(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, PREVIEW_BYTES); i++) {
      int b = bytes[i] & 0xFF;
      if (b >= 0x20 && b < 0x7F && b != '\\') {
        text.append((char) b);
      } else {
        text.append(String.format(Locale.ROOT, "\\x%02x", b));
      }
    }
    return bytes.length > PREVIEW_BYTES ? text + "... (" + bytes.length + " bytes)" : text.toString();
  }

  private static byte[] ping(String eventTime) {
    assertTrue(MalformedPings.GOOD.contains("2026-11-23T10:15:00Z"));
    return MalformedPings.GOOD.replace("2026-11-23T10:15:00Z", eventTime).getBytes(StandardCharsets.UTF_8);
  }

  private static LocationPingParser.Outcome parseAt(String eventTime) {
    return LocationPingParser.parse(MalformedPings.KEY, ping(eventTime), INGEST, EventTimeRange.DEFAULT);
  }

  private static RejectReason reasonAt(String eventTime) {
    LocationPingParser.Outcome outcome = parseAt(eventTime);
    assertNull(outcome.ping(), eventTime + " is accepted");
    return outcome.rejection().reason();
  }
}
