package io.fleetlake.bronze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The rules a Kafka record must pass to become a {@link LocationPing} in bronze.
 *
 * <p>Hard rules reject the record to quarantine with a {@link RejectReason}: valid UTF-8, one JSON object
 * (no duplicate keys, nothing after it), event_id / unit_id / event_time / lat / lon present with the right
 * types, lat and lon in range, event_time ISO-8601 with an offset and within the {@link EventTimeRange}. Soft
 * rules keep the ping and flag it ({@link QualityFlag}): a negative speed, a heading or fuel level out of range, an optional field of the wrong
 * type (then null), an event_time in the future, a Kafka key that is not the unit_id. Unknown extra fields are
 * allowed: the raw JSON travels with the ping.
 */
public final class LocationPingParser {
  /** Allowed clock skew of a producer before an event_time counts as "in the future". */
  static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(10);
  private static final int MAX_NESTING = 64;
  /** A ping is a few hundred bytes; 64 KiB is no ping, and parsing it for every record would cost memory. */
  public static final int MAX_VALUE_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private LocationPingParser() {}

  /** What became of one record: a ping (perhaps flagged) or a rejection; the raw value either way. */
  public record Outcome(LocationPing ping, Rejection rejection, String rawValue, boolean rawIsBase64) {
    public boolean accepted() {
      return ping != null;
    }
  }

  public record Rejection(RejectReason reason, String message) {}

  /**
   * @param key the Kafka key, may be null
   * @param value the Kafka value, may be null
   * @param ingestTime when the record is read, to judge "in the future"
   */
  public static Outcome parse(byte[] key, byte[] value, Instant ingestTime) {
    return parse(key, value, ingestTime, EventTimeRange.DEFAULT);
  }

  /** As {@link #parse(byte[], byte[], Instant)}, with event times outside {@code range} rejected. */
  public static Outcome parse(byte[] key, byte[] value, Instant ingestTime, EventTimeRange range) {
    try {
      return parseOrThrow(key, value, ingestTime, range);
    } catch (RuntimeException e) {
      // a record this parser did not foresee must not stop the stream: it is kept in quarantine
      String raw = value == null ? "" : Base64.getEncoder().encodeToString(value);
      return rejected(RejectReason.PARSER_ERROR, "unexpected " + e, raw, true);
    }
  }

  private static Outcome parseOrThrow(byte[] key, byte[] value, Instant ingestTime, EventTimeRange range) {
    if (value == null || value.length == 0) {
      return rejected(RejectReason.EMPTY_VALUE, value == null ? "the record has no value (null)" : "the value is empty",
          "", false);
    }
    String text;
    try {
      text = strictUtf8(value);
    } catch (CharacterCodingException e) {
      return rejected(RejectReason.NOT_UTF8, "the value is not valid UTF-8 (kept as base64)",
          Base64.getEncoder().encodeToString(value), true);
    }
    if (value.length > MAX_VALUE_BYTES) {
      return rejected(RejectReason.TOO_LARGE, String.format("the value is %,d bytes; a ping is at most %,d",
          value.length, MAX_VALUE_BYTES), text, false);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String message = Objects.requireNonNullElse(e.getOriginalMessage(), "not JSON");
      if (message.startsWith("Duplicate field")) {
        return rejected(RejectReason.DUPLICATE_FIELD, firstLine(message), text, false);
      }
      if (message.startsWith("Trailing token")) {
        return rejected(RejectReason.NOT_JSON, "more follows the JSON object", text, false);
      }
      return rejected(RejectReason.NOT_JSON, firstLine(message), text, false);
    } catch (StackOverflowError | IllegalArgumentException e) {
      return rejected(RejectReason.NOT_JSON, "the value cannot be parsed as JSON", text, false);
    }
    if (root == null || !root.isObject()) {
      String kind = root == null ? "nothing" : root.getNodeType().name().toLowerCase();
      return rejected(RejectReason.NOT_AN_OBJECT, "the value is JSON " + kind + ", not an object", text, false);
    }
    try {
      return new Outcome(ping(root, key, ingestTime, range), null, text, false);
    } catch (RejectedException e) {
      return rejected(e.reason, e.getMessage(), text, false);
    }
  }

  private static LocationPing ping(JsonNode root, byte[] key, Instant ingestTime, EventTimeRange range)
      throws RejectedException {
    String eventId = requiredText(root, "event_id");
    String unitId = requiredText(root, "unit_id");
    Instant eventTime = eventTime(root);
    if (!range.contains(eventTime, ingestTime)) {
      throw new RejectedException(RejectReason.OUT_OF_RANGE,
          "event_time " + eventTime + " is outside " + range.describe(ingestTime));
    }
    double lat = requiredNumber(root, "lat", -90, 90);
    double lon = requiredNumber(root, "lon", -180, 180);

    List<String> flags = new ArrayList<>();
    Double speed = optionalNumber(root, "speed_kmh", flags);
    Double heading = optionalNumber(root, "heading_deg", flags);
    Double altitude = optionalNumber(root, "altitude_m", flags);
    Double fuel = optionalNumber(root, "fuel_level_pct", flags);
    if (speed != null && speed < 0) {
      flags.add(QualityFlag.NEGATIVE_SPEED.name());
    }
    if (heading != null && (heading < 0 || heading >= 360)) {
      flags.add(QualityFlag.HEADING_OUT_OF_RANGE.name());
    }
    if (fuel != null && (fuel < 0 || fuel > 100)) {
      flags.add(QualityFlag.FUEL_OUT_OF_RANGE.name());
    }
    if (eventTime.isAfter(ingestTime.plus(FUTURE_TOLERANCE))) {
      flags.add(QualityFlag.FUTURE_EVENT_TIME.name());
    }
    if (key != null && !unitId.equals(new String(key, StandardCharsets.UTF_8))) {
      flags.add(QualityFlag.KEY_NOT_UNIT_ID.name());
    }
    return new LocationPing(eventId, unitId, eventTime, lat, lon, speed, heading, altitude, fuel, List.copyOf(flags));
  }

  private static String requiredText(JsonNode root, String field) throws RejectedException {
    JsonNode node = present(root, field);
    if (!node.isTextual()) {
      throw wrongType(field, "a string", node);
    }
    String text = node.asText();
    if (text.isBlank()) {
      throw new RejectedException(RejectReason.MISSING_FIELD, field + " is empty");
    }
    if (hasUnpairedSurrogate(text)) {
      // an escaped lone surrogate is legal JSON but no Unicode text: Spark would store it as ?, merging distinct ids
      throw new RejectedException(RejectReason.NOT_UTF8, field + " holds an unpaired UTF-16 surrogate (an escape such as "
          + "\\ud800): not Unicode text");
    }
    return text;
  }

  private static Instant eventTime(JsonNode root) throws RejectedException {
    JsonNode node = present(root, "event_time");
    if (!node.isTextual()) {
      throw wrongType("event_time", "an ISO-8601 string", node);
    }
    try {
      return OffsetDateTime.parse(node.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new RejectedException(RejectReason.BAD_TIMESTAMP,
          "event_time '" + abbreviate(node.asText()) + "' is not ISO-8601 with an offset, e.g. 2026-11-23T10:15:00Z");
    }
  }

  private static double requiredNumber(JsonNode root, String field, double min, double max) throws RejectedException {
    JsonNode node = present(root, field);
    if (!node.isNumber()) {
      throw wrongType(field, "a number", node);
    }
    double value = node.asDouble();
    if (!(value >= min && value <= max)) {
      throw new RejectedException(RejectReason.OUT_OF_RANGE,
          field + " " + abbreviate(node.asText()) + " is outside " + (int) min + ".." + (int) max);
    }
    return value;
  }

  private static Double optionalNumber(JsonNode root, String field, List<String> flags) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
      flags.add(QualityFlag.OPTIONAL_FIELD_INVALID.name() + ":" + field);
      return null;
    }
    return node.asDouble();
  }

  private static JsonNode present(JsonNode root, String field) throws RejectedException {
    JsonNode node = root.get(field);
    if (node == null) {
      throw new RejectedException(RejectReason.MISSING_FIELD, field + " is missing");
    }
    if (node.isNull()) {
      throw new RejectedException(RejectReason.MISSING_FIELD, field + " is null");
    }
    return node;
  }

  private static RejectedException wrongType(String field, String expected, JsonNode node) {
    return new RejectedException(RejectReason.WRONG_TYPE,
        field + " must be " + expected + ", got " + node.getNodeType().name().toLowerCase());
  }

  private static boolean hasUnpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String strictUtf8(byte[] value) throws CharacterCodingException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars = decoder.decode(ByteBuffer.wrap(value));
    return chars.toString();
  }

  private static Outcome rejected(RejectReason reason, String message, String raw, boolean base64) {
    return new Outcome(null, new Rejection(reason, message), raw, base64);
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return abbreviate(newline < 0 ? text : text.substring(0, newline));
  }

  private static String abbreviate(String text) {
    return text.length() > 120 ? text.substring(0, 120) + "…" : text;
  }

  private static final class RejectedException extends Exception {
    private final RejectReason reason;

    RejectedException(RejectReason reason, String message) {
      super(message);
      this.reason = reason;
    }
  }
}
