package io.fleetlake.bronze;

/** Why a Kafka record went to bronze/locations_quarantine instead of bronze/locations. */
public enum RejectReason {
  EMPTY_VALUE,
  NOT_UTF8,
  NOT_JSON,
  DUPLICATE_FIELD,
  NOT_AN_OBJECT,
  MISSING_FIELD,
  WRONG_TYPE,
  OUT_OF_RANGE,
  BAD_TIMESTAMP,
  /** larger than a ping can be ({@code LocationPingParser.MAX_VALUE_BYTES}); kept whole in quarantine */
  TOO_LARGE,
  /** the parser failed on the record in a way it does not know; the value is kept as base64 */
  PARSER_ERROR,
  /**
   * a ping of a unit erased after it was produced, read only now (ingest was behind): its offset is accounted
   * for, its payload is not kept
   */
  ERASED
}
