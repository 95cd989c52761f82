package io.fleetlake.bronze;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.to_date;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Kafka records → bronze/locations and bronze/locations_quarantine. Pure transforms: Kafka's columns in,
 * the two tables' rows out, no I/O.
 *
 * <pre>
 * key      | value                                                                  | topic | partition | offset
 * "TER-007"| {"event_id":"e1","unit_id":"TER-007","event_time":"2026-11-23T10:15:00Z","lat":52.5,"lon":13.4} | … | 0 | 41
 * "TER-007"| {"event_id":"e2","unit_id":"TER-007","lat":"fifty"}                    | …     | 0         | 42
 *   → bronze:     e1, TER-007, 2026-11-23 10:15:00, 52.5, 13.4, …, event_date 2026-11-23, partition 0, offset 41
 *   → quarantine: partition 0, offset 42, MISSING_FIELD "event_time is missing", raw value
 * </pre>
 */
public final class BronzeLocations {
  /** Every record, parsed, with reason_code null for an accepted ping. */
  public static final StructType PARSED = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("unit_id", DataTypes.StringType)
      .add("event_time", DataTypes.TimestampType)
      .add("lat", DataTypes.DoubleType)
      .add("lon", DataTypes.DoubleType)
      .add("speed_kmh", DataTypes.DoubleType)
      .add("heading_deg", DataTypes.DoubleType)
      .add("altitude_m", DataTypes.DoubleType)
      .add("fuel_level_pct", DataTypes.DoubleType)
      .add("quality_flags", DataTypes.createArrayType(DataTypes.StringType, false))
      .add("reason_code", DataTypes.StringType)
      .add("reason", DataTypes.StringType)
      .add("raw_value", DataTypes.StringType)
      .add("raw_encoding", DataTypes.StringType)
      .add("kafka_key", DataTypes.StringType)
      .add("kafka_topic", DataTypes.StringType)
      .add("kafka_partition", DataTypes.IntegerType)
      .add("kafka_offset", DataTypes.LongType)
      .add("kafka_timestamp", DataTypes.TimestampType);

  private BronzeLocations() {}

  /**
   * Parses Kafka records (columns key, value, topic, partition, offset, timestamp) by the rules of
   * {@link LocationPingParser}, with event times outside {@code range} of {@code ingestTime} quarantined.
   *
   * @param ingestTime one instant for the whole micro-batch, taken on the driver: a partition recomputed later
   *     (a lost cached block) must judge "too far ahead" exactly as the first computation did, or a ping could
   *     land in neither table
   */
  public static Dataset<Row> parse(Dataset<Row> kafkaRecords, EventTimeRange range, Instant ingestTime) {
    return kafkaRecords
        .select("key", "value", "topic", "partition", "offset", "timestamp")
        .mapPartitions((MapPartitionsFunction<Row, Row>) records -> parsePartition(records, range, ingestTime),
            Encoders.row(PARSED));
  }

  /**
   * Flags accepted pings whose unit_id is not among {@code knownUnits} with {@link QualityFlag#UNKNOWN_UNIT}.
   */
  public static Dataset<Row> flagUnknownUnits(Dataset<Row> parsed, Set<String> knownUnits) {
    Column unknown = col("reason_code").isNull().and(not(col("unit_id").isin(knownUnits.toArray())));
    return parsed.withColumn("quality_flags",
        when(unknown, array_union(col("quality_flags"), array(lit(QualityFlag.UNKNOWN_UNIT.name()))))
            .otherwise(col("quality_flags")));
  }

  /**
   * Turns the accepted pings that {@code erased} covers into payload-free quarantine rows ({@link
   * RejectReason#ERASED}): the record is accounted for exactly once, the unit's data is not kept.
   */
  public static Dataset<Row> withErasuresApplied(Dataset<Row> parsed, Column erased) {
    Column hit = col("reason_code").isNull().and(erased);
    Dataset<Row> marked = parsed.withColumn("_erased", hit);
    for (String payload : List.of("event_id", "unit_id", "event_time", "lat", "lon", "speed_kmh", "heading_deg",
        "altitude_m", "fuel_level_pct", "raw_value", "kafka_key")) {
      marked = marked.withColumn(payload, when(col("_erased"), lit(null)).otherwise(col(payload)));
    }
    return marked
        .withColumn("reason_code", when(col("_erased"), lit(RejectReason.ERASED.name())).otherwise(col("reason_code")))
        .withColumn("reason", when(col("_erased"), lit("its unit was erased after the ping was produced"))
            .otherwise(col("reason")))
        .drop("_erased");
  }

  /** The accepted pings, in bronze/locations' shape. */
  public static Dataset<Row> accepted(Dataset<Row> parsed) {
    return parsed.filter(col("reason_code").isNull())
        .select(col("event_id"), col("unit_id"), col("event_time"), col("lat"), col("lon"), col("speed_kmh"),
            col("heading_deg"), col("altitude_m"), col("fuel_level_pct"), col("quality_flags"),
            col("kafka_topic"), col("kafka_partition"), col("kafka_offset"), col("kafka_timestamp"),
            current_timestamp().as("ingest_time"), col("raw_value").as("raw_json"),
            to_date(col("event_time")).as("event_date"));
  }

  /** The rejected records, in bronze/locations_quarantine's shape. */
  public static Dataset<Row> quarantined(Dataset<Row> parsed) {
    return parsed.filter(col("reason_code").isNotNull())
        .select(col("kafka_topic"), col("kafka_partition"), col("kafka_offset"), col("kafka_timestamp"),
            col("kafka_key"), col("raw_value"), col("raw_encoding"), col("reason_code"), col("reason"),
            current_timestamp().as("ingest_time"), to_date(current_timestamp()).as("ingest_date"));
  }

  private static Iterator<Row> parsePartition(Iterator<Row> records, EventTimeRange range, Instant now) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public Row next() {
        Row record = records.next();
        byte[] key = record.isNullAt(0) ? null : (byte[]) record.get(0);
        byte[] value = record.isNullAt(1) ? null : (byte[]) record.get(1);
        return toRow(LocationPingParser.parse(key, value, now, range), key, record);
      }
    };
  }

  private static Row toRow(LocationPingParser.Outcome outcome, byte[] key, Row record) {
    Object[] kafka = {
        key == null ? null : new String(key, java.nio.charset.StandardCharsets.UTF_8),
        record.getString(2), record.getInt(3), record.getLong(4), record.getTimestamp(5)};
    String encoding = outcome.rawIsBase64() ? "base64" : "utf8";
    LocationPing ping = outcome.ping();
    if (ping == null) {
      return RowFactory.create(null, null, null, null, null, null, null, null, null, null,
          outcome.rejection().reason().name(), outcome.rejection().message(), outcome.rawValue(), encoding,
          kafka[0], kafka[1], kafka[2], kafka[3], kafka[4]);
    }
    return RowFactory.create(ping.eventId(), ping.unitId(), Timestamp.from(ping.eventTime()), ping.lat(), ping.lon(),
        ping.speedKmh(), ping.headingDeg(), ping.altitudeM(), ping.fuelLevelPct(),
        scala.collection.JavaConverters.asScalaBuffer(ping.qualityFlags()).toSeq(),
        null, null, outcome.rawValue(), encoding, kafka[0], kafka[1], kafka[2], kafka[3], kafka[4]);
  }
}
