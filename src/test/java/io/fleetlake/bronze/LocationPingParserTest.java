package io.fleetlake.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocationPingParserTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final String PING = """
      {"event_id":"e-1","unit_id":"TER-007","event_time":"2026-11-23T10:15:00Z","lat":52.52,"lon":13.405,\
      "speed_kmh":71.5,"heading_deg":92.0,"fuel_level_pct":64.2}""";

  private static LocationPingParser.Outcome parse(String value) {
    return LocationPingParser.parse("TER-007".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), NOW);
  }

  private static void assertRejected(String value, RejectReason reason, String message) {
    LocationPingParser.Outcome outcome = parse(value);
    assertNull(outcome.ping(), value);
    assertEquals(reason, outcome.rejection().reason(), value);
    assertEquals(message, outcome.rejection().message(), value);
    assertEquals(value, outcome.rawValue(), "the raw value is kept");
  }

  @Test
  void aGoodPingIsTyped() {
    LocationPing ping = parse(PING).ping();
    assertEquals(new LocationPing("e-1", "TER-007", Instant.parse("2026-11-23T10:15:00Z"), 52.52, 13.405, 71.5, 92.0,
        null, 64.2, List.of()), ping);
  }

  @Test
  void offsetsOtherThanZAreNormalisedToTheInstant() {
    LocationPing ping = parse(PING.replace("2026-11-23T10:15:00Z", "2026-11-23T11:15:00+01:00")).ping();
    assertEquals(Instant.parse("2026-11-23T10:15:00Z"), ping.eventTime());
  }

  @Test
  void unknownFieldsAndMissingOptionalFieldsAreAccepted() {
    LocationPing ping = parse("""
        {"event_id":"e-2","unit_id":"TER-007","event_time":"2026-11-23T10:15:00Z","lat":1,"lon":2,\
        "driver_note":"ferry delayed","sensor":{"firmware":"4.2"}}""").ping();
    assertEquals(1.0, ping.lat());
    assertNull(ping.speedKmh());
    assertEquals(List.of(), ping.qualityFlags());
  }

  @Test
  void hardRulesQuarantineWithAReason() {
    assertRejected("{\"event_id\":\"e\",", RejectReason.NOT_JSON,
        "Unexpected end-of-input within/between Object entries");
    assertRejected(PING.replace("\"lat\":52.52", "\"lat\":NaN"), RejectReason.NOT_JSON,
        "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
    assertRejected("[" + PING + "]", RejectReason.NOT_AN_OBJECT, "the value is JSON array, not an object");
    assertRejected("42", RejectReason.NOT_AN_OBJECT, "the value is JSON number, not an object");
    assertRejected(PING.replace("\"lat\":52.52,", ""), RejectReason.MISSING_FIELD, "lat is missing");
    assertRejected(PING.replace("\"unit_id\":\"TER-007\"", "\"unit_id\":null"), RejectReason.MISSING_FIELD, "unit_id is null");
    assertRejected(PING.replace("\"event_id\":\"e-1\"", "\"event_id\":\" \""), RejectReason.MISSING_FIELD, "event_id is empty");
    assertRejected(PING.replace("\"lat\":52.52", "\"lat\":\"52.52 N\""), RejectReason.WRONG_TYPE, "lat must be a number, got string");
    assertRejected(PING.replace("\"event_id\":\"e-1\"", "\"event_id\":17"), RejectReason.WRONG_TYPE, "event_id must be a string, got number");
    assertRejected(PING.replace("\"lat\":52.52", "\"lat\":95.3"), RejectReason.OUT_OF_RANGE, "lat 95.3 is outside -90..90");
    assertRejected(PING.replace("\"lon\":13.405", "\"lon\":1e400"), RejectReason.OUT_OF_RANGE, "lon Infinity is outside -180..180");
    assertRejected(PING.replace("10:15:00Z", "10:15:00"), RejectReason.BAD_TIMESTAMP,
        "event_time '2026-11-23T10:15:00' is not ISO-8601 with an offset, e.g. 2026-11-23T10:15:00Z");
    assertRejected(PING.replace("\"event_time\":\"2026-11-23T10:15:00Z\"", "\"event_time\":1763892900"),
        RejectReason.WRONG_TYPE, "event_time must be an ISO-8601 string, got number");
    assertRejected("{\"unit_id\":\"A\"," + PING.substring(1), RejectReason.DUPLICATE_FIELD,
        "Duplicate field 'unit_id'");
    assertRejected(PING + " {}", RejectReason.NOT_JSON, "more follows the JSON object");
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    String deep = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
    LocationPingParser.Outcome outcome = parse(deep);
    assertEquals(RejectReason.NOT_JSON, outcome.rejection().reason());
    assertTrue(outcome.rejection().message().contains("nesting depth"), outcome.rejection().message());
  }

  @Test
  void emptyAndNullValues() {
    LocationPingParser.Outcome empty = LocationPingParser.parse(null, new byte[0], NOW);
    assertEquals(RejectReason.EMPTY_VALUE, empty.rejection().reason());
    assertEquals("the value is empty", empty.rejection().message());
    LocationPingParser.Outcome tombstone = LocationPingParser.parse("TER-007".getBytes(StandardCharsets.UTF_8), null, NOW);
    assertEquals("the record has no value (null)", tombstone.rejection().message());
  }

  @Test
  void invalidUtf8IsKeptAsBase64() {
    byte[] value = PING.getBytes(StandardCharsets.UTF_8);
    value[14] = (byte) 0xC3;
    value[15] = (byte) 0x28;
    LocationPingParser.Outcome outcome = LocationPingParser.parse(null, value, NOW);
    assertEquals(RejectReason.NOT_UTF8, outcome.rejection().reason());
    assertTrue(outcome.rawIsBase64());
    assertEquals(Base64.getEncoder().encodeToString(value), outcome.rawValue());
  }

  @Test
  void softRulesKeepThePingAndFlagIt() {
    LocationPing ping = LocationPingParser.parse("TRUCK-9".getBytes(StandardCharsets.UTF_8), PING
        .replace("\"speed_kmh\":71.5", "\"speed_kmh\":-3")
        .replace("\"heading_deg\":92.0", "\"heading_deg\":360")
        .replace("\"fuel_level_pct\":64.2", "\"fuel_level_pct\":\"full\"")
        .replace("2026-11-23T10:15:00Z", "2026-11-23T13:00:00Z")
        .getBytes(StandardCharsets.UTF_8), NOW).ping();
    assertEquals(List.of("OPTIONAL_FIELD_INVALID:fuel_level_pct", "NEGATIVE_SPEED", "HEADING_OUT_OF_RANGE",
        "FUTURE_EVENT_TIME", "KEY_NOT_UNIT_ID"), ping.qualityFlags());
    assertNull(ping.fuelLevelPct(), "an invalid optional value is null; the raw JSON keeps it");
    assertEquals(-3.0, ping.speedKmh());
  }

  @Test
  void aLittleClockSkewIsNotTheFuture() {
    LocationPing ping = parse(PING.replace("2026-11-23T10:15:00Z", "2026-11-23T12:05:00Z")).ping();
    assertEquals(List.of(), ping.qualityFlags());
  }
}
