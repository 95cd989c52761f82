package io.fleetlake.local.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The ugly records the simulator mixes into the topic, each with the quarantine reason code ingestion must
 * give it. A malformed record is made from a real ping, so it looks like what a broken producer sends.
 */
enum RecordKind {
  TRUNCATED_JSON("NOT_JSON", json -> json.substring(0, json.length() / 2)),
  NAN_NUMBER("NOT_JSON", json -> json.replaceFirst("\"lat\":[-0-9.E]+", "\"lat\":NaN")),
  INVALID_UTF8("NOT_UTF8", json -> json),
  EMPTY_VALUE("EMPTY_VALUE", json -> ""),
  JSON_ARRAY("NOT_AN_OBJECT", json -> "[" + json + "]"),
  MISSING_LAT("MISSING_FIELD", json -> json.replaceFirst("\"lat\":[-0-9.E]+,", "")),
  NULL_UNIT_ID("MISSING_FIELD", json -> json.replaceFirst("\"unit_id\":\"[^\"]*\"", "\"unit_id\":null")),
  LAT_AS_TEXT("WRONG_TYPE", json -> json.replaceFirst("\"lat\":([-0-9.E]+)", "\"lat\":\"$1 N\"")),
  LAT_OUT_OF_RANGE("OUT_OF_RANGE", json -> json.replaceFirst("\"lat\":[-0-9.E]+", "\"lat\":95.3")),
  LON_OUT_OF_RANGE("OUT_OF_RANGE", json -> json.replaceFirst("\"lon\":[-0-9.E]+", "\"lon\":-181.5")),
  TIME_WITHOUT_OFFSET("BAD_TIMESTAMP", json -> json.replaceFirst("(\"event_time\":\"[^\"]*)Z\"", "$1\"")),
  DUPLICATE_KEY("DUPLICATE_FIELD", json -> json.replaceFirst("\\{", "{\"unit_id\":\"XXX-000\","));

  private final String expectedReason;
  private final UnaryOperator<String> breakJson;

  RecordKind(String expectedReason, UnaryOperator<String> breakJson) {
    this.expectedReason = expectedReason;
    this.breakJson = breakJson;
  }

  String expectedReason() {
    return expectedReason;
  }

  byte[] breakPing(String json) {
    if (this == INVALID_UTF8) {
      byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
      byte[] broken = java.util.Arrays.copyOf(utf8, utf8.length);
      int quote = json.indexOf("\"event_id\":\"") + 12;
      broken[quote] = (byte) 0xC3; // a lead byte followed by '(' is no UTF-8
      broken[quote + 1] = (byte) 0x28;
      return broken;
    }
    return breakJson.apply(json).getBytes(StandardCharsets.UTF_8);
  }

  /** Soft oddities: the ping stays in bronze (flagged where a rule says so). */
  enum Soft {
    NEGATIVE_SPEED("NEGATIVE_SPEED"),
    HEADING_360("HEADING_OUT_OF_RANGE"),
    UNKNOWN_FIELDS(""),
    NO_OPTIONAL_FIELDS("");

    private final String expectedFlag;

    Soft(String expectedFlag) {
      this.expectedFlag = expectedFlag;
    }

    String expectedFlag() {
      return expectedFlag;
    }

    void apply(Map<String, Object> ping) {
      switch (this) {
        case NEGATIVE_SPEED -> ping.put("speed_kmh", -5.5);
        case HEADING_360 -> ping.put("heading_deg", 360.0 + ((Number) ping.getOrDefault("heading_deg", 0.0)).doubleValue());
        case UNKNOWN_FIELDS -> {
          ping.put("driver_note", "ferry delayed");
          ping.put("sensor", Map.of("firmware", "4.2.1", "satellites", 9));
        }
        case NO_OPTIONAL_FIELDS -> {
          ping.remove("speed_kmh");
          ping.remove("heading_deg");
          ping.remove("altitude_m");
          ping.remove("fuel_level_pct");
        }
      }
    }
  }
}
