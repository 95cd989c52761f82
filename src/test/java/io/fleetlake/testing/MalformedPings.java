package io.fleetlake.testing;

import io.fleetlake.bronze.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fault suite's corpus: every kind of broken ping record we know of, each with the reason it must be
 * quarantined for. Built from one good ping, so each case breaks exactly one thing.
 */
public final class MalformedPings {
  public static final String GOOD = "{\"event_id\":\"c-1\",\"unit_id\":\"TER-007\",\"event_time\":\"2026-11-23T10:15:00Z\","
      + "\"lat\":52.52,\"lon\":13.405,\"speed_kmh\":71.5,\"heading_deg\":92.0,\"fuel_level_pct\":64.2}";
  public static final byte[] KEY = "TER-007".getBytes(StandardCharsets.UTF_8);

  /** One broken record: its Kafka key (may be null) and value (may be null). */
  public record Case(String kind, byte[] key, byte[] value, RejectReason reason) {}

  private MalformedPings() {}

  public static List<Case> all() {
    List<Case> cases = new ArrayList<>();
    // empty and absent
    cases.add(new Case("empty value", KEY, new byte[0], RejectReason.EMPTY_VALUE));
    cases.add(new Case("null value (tombstone)", KEY, null, RejectReason.EMPTY_VALUE));
    cases.add(new Case("null key and null value", null, null, RejectReason.EMPTY_VALUE));
    // bytes that are not UTF-8 text
    byte[] badUtf8 = utf8(GOOD);
    badUtf8[14] = (byte) 0xC3;
    badUtf8[15] = (byte) 0x28;
    cases.add(new Case("invalid UTF-8 sequence", KEY, badUtf8, RejectReason.NOT_UTF8));
    byte[] lone = Arrays.copyOf(utf8(GOOD), GOOD.length() + 1);
    lone[GOOD.length()] = (byte) 0xFF;
    cases.add(new Case("a byte 0xFF (never UTF-8)", KEY, lone, RejectReason.NOT_UTF8));
    cases.add(new Case("UTF-16 with a byte-order mark", KEY, GOOD.getBytes(StandardCharsets.UTF_16), RejectReason.NOT_UTF8));
    // not JSON
    cases.add(text("truncated in the middle", GOOD.substring(0, GOOD.length() / 2), RejectReason.NOT_JSON));
    cases.add(text("truncated before the closing brace", GOOD.substring(0, GOOD.length() - 1), RejectReason.NOT_JSON));
    cases.add(text("NaN as a number", GOOD.replace("52.52", "NaN"), RejectReason.NOT_JSON));
    cases.add(text("Infinity as a number", GOOD.replace("52.52", "Infinity"), RejectReason.NOT_JSON));
    cases.add(text("-Infinity as a number", GOOD.replace("13.405", "-Infinity"), RejectReason.NOT_JSON));
    cases.add(text("single quotes", GOOD.replace('"', '\''), RejectReason.NOT_JSON));
    cases.add(text("unquoted keys", GOOD.replace("\"lat\":", "lat:"), RejectReason.NOT_JSON));
    cases.add(text("a comment", GOOD.replace(",\"lon\"", ",/* west */\"lon\""), RejectReason.NOT_JSON));
    cases.add(text("a trailing comma", GOOD.replace("64.2}", "64.2,}"), RejectReason.NOT_JSON));
    cases.add(text("a raw newline inside a string", GOOD.replace("c-1", "c-\n1"), RejectReason.NOT_JSON));
    cases.add(text("a second object after the first", GOOD + GOOD, RejectReason.NOT_JSON));
    cases.add(text("deep nesting (5,000 levels)", "{\"a\":".repeat(5000) + "1" + "}".repeat(5000), RejectReason.NOT_JSON));
    cases.add(text("plain text", "ping from TER-007 at 52.52,13.405", RejectReason.NOT_JSON));
    // JSON, but not an object
    cases.add(text("a JSON array of the ping", "[" + GOOD + "]", RejectReason.NOT_AN_OBJECT));
    cases.add(text("a JSON number", "42", RejectReason.NOT_AN_OBJECT));
    cases.add(text("a JSON string", "\"" + GOOD.replace("\"", "\\\"") + "\"", RejectReason.NOT_AN_OBJECT));
    cases.add(text("JSON null", "null", RejectReason.NOT_AN_OBJECT));
    cases.add(text("only whitespace", "   \n\t ", RejectReason.NOT_AN_OBJECT));
    // an object with a key twice
    cases.add(text("unit_id twice", "{\"unit_id\":\"XXX-000\"," + GOOD.substring(1), RejectReason.DUPLICATE_FIELD));
    cases.add(text("lat twice", GOOD.replace("}", ",\"lat\":1.0}"), RejectReason.DUPLICATE_FIELD));
    // required fields missing, null or empty
    cases.add(text("lat missing", GOOD.replace("\"lat\":52.52,", ""), RejectReason.MISSING_FIELD));
    cases.add(text("event_time missing", GOOD.replace("\"event_time\":\"2026-11-23T10:15:00Z\",", ""), RejectReason.MISSING_FIELD));
    cases.add(text("unit_id null", GOOD.replace("\"TER-007\"", "null"), RejectReason.MISSING_FIELD));
    cases.add(text("event_id empty", GOOD.replace("\"c-1\"", "\"\""), RejectReason.MISSING_FIELD));
    cases.add(text("an empty object", "{}", RejectReason.MISSING_FIELD));
    // wrong types
    cases.add(text("lat as text", GOOD.replace("52.52", "\"52.52 N\""), RejectReason.WRONG_TYPE));
    cases.add(text("lat as a boolean", GOOD.replace("52.52", "true"), RejectReason.WRONG_TYPE));
    cases.add(text("lat as an object", GOOD.replace("52.52", "{\"deg\":52,\"min\":31}"), RejectReason.WRONG_TYPE));
    cases.add(text("lon as an array", GOOD.replace("13.405", "[13.405]"), RejectReason.WRONG_TYPE));
    cases.add(text("event_id as a number", GOOD.replace("\"c-1\"", "17"), RejectReason.WRONG_TYPE));
    cases.add(text("event_time as epoch seconds", GOOD.replace("\"2026-11-23T10:15:00Z\"", "1795428900"), RejectReason.WRONG_TYPE));
    // numbers out of range, huge ones included
    cases.add(text("lat beyond the pole", GOOD.replace("52.52", "95.3"), RejectReason.OUT_OF_RANGE));
    cases.add(text("lon beyond the date line", GOOD.replace("13.405", "-181.5"), RejectReason.OUT_OF_RANGE));
    cases.add(text("lat 1e308", GOOD.replace("52.52", "1e308"), RejectReason.OUT_OF_RANGE));
    cases.add(text("lon 1e400 (beyond a double)", GOOD.replace("13.405", "1e400"), RejectReason.OUT_OF_RANGE));
    cases.add(text("lat a 40-digit integer", GOOD.replace("52.52", "1234567890123456789012345678901234567890"), RejectReason.OUT_OF_RANGE));
    // wrong dates
    cases.add(text("event_time without an offset", GOOD.replace("10:15:00Z", "10:15:00"), RejectReason.BAD_TIMESTAMP));
    cases.add(text("event_time on 30 February", GOOD.replace("2026-11-23T", "2026-02-30T"), RejectReason.BAD_TIMESTAMP));
    cases.add(text("event_time in month 13", GOOD.replace("2026-11-23T", "2026-13-01T"), RejectReason.BAD_TIMESTAMP));
    cases.add(text("event_time at 25 o'clock", GOOD.replace("T10:15", "T25:15"), RejectReason.BAD_TIMESTAMP));
    cases.add(text("event_time in words", GOOD.replace("2026-11-23T10:15:00Z", "yesterday"), RejectReason.BAD_TIMESTAMP));
    cases.add(text("event_time as a date only", GOOD.replace("2026-11-23T10:15:00Z", "2026-11-23"), RejectReason.BAD_TIMESTAMP));
    // dates no ping can have (ingest.earliest-event-time, ingest.max-future); +300000 overflows Spark's timestamps
    cases.add(text("event_time in the year +300000", GOOD.replace("2026-11-23T10:15:00Z", "+300000-01-01T00:00:00Z"),
        RejectReason.OUT_OF_RANGE));
    cases.add(text("event_time in the year -999999999", GOOD.replace("2026-11-23T10:15:00Z", "-999999999-01-01T00:00:00Z"),
        RejectReason.OUT_OF_RANGE));
    cases.add(text("event_time before 2000", GOOD.replace("2026-11-23T10:15:00Z", "1999-12-31T23:59:59Z"),
        RejectReason.OUT_OF_RANGE));
    cases.add(text("event_time in 2100", GOOD.replace("2026-11-23T10:15:00Z", "2100-01-01T00:00:00+14:00"),
        RejectReason.OUT_OF_RANGE));
    // too big to be a ping
    cases.add(text("a 100 KB payload", GOOD.replace("}", ",\"padding\":\"" + "x".repeat(100 * 1024) + "\"}"), RejectReason.TOO_LARGE));
    return List.copyOf(cases);
  }

  private static Case text(String kind, String value, RejectReason reason) {
    return new Case(kind, KEY, utf8(value), reason);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
