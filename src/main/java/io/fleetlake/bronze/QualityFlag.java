package io.fleetlake.bronze;

/** A soft rule a ping broke: it stays in bronze, flagged in quality_flags and counted in _quality/results. */
public enum QualityFlag {
  NEGATIVE_SPEED,
  HEADING_OUT_OF_RANGE,
  FUEL_OUT_OF_RANGE,
  /** an optional field present but not a finite number; stored as null (the raw JSON keeps it) */
  OPTIONAL_FIELD_INVALID,
  /** event_time more than 10 minutes after the record was read */
  FUTURE_EVENT_TIME,
  /** the Kafka key is not the ping's unit_id, so per-unit ordering in the topic does not hold */
  KEY_NOT_UNIT_ID,
  /** no such unit in bronze/transport_units (checked once that table exists) */
  UNKNOWN_UNIT
}
