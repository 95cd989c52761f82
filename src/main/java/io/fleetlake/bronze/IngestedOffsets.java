package io.fleetlake.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.ErasureLog;
import io.fleetlake.lake.FleetTable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Which Kafka records the lake already holds: every record ends in bronze/locations or
 * bronze/locations_quarantine with its (topic, partition, offset), so the two tables themselves are the ingest's
 * position. A checkpoint only says what Spark planned; a deleted checkpoint would re-read the retained topic, and a
 * restored older one re-plans batches under numbers Delta has already seen. Asking the tables instead makes both
 * harmless: a new checkpoint starts after the highest offset held, and every batch writes only the offsets that
 * are not held yet.
 */
public final class IngestedOffsets {
  private static final String TOPIC = "kafka_topic";
  private static final String PARTITION = "kafka_partition";
  private static final String OFFSET = "kafka_offset";
  private static final String KAFKA_TIMESTAMP = "kafka_timestamp";

  /** Commits of the quarantine table looked at for the latest recorded position. */
  private static final int HISTORY_LOOKED_AT = 50;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Map<Integer, Long>>> POSITION =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  private final SparkSession spark;
  private final LakeSettings lake;

  public IngestedOffsets(SparkSession spark, LakeSettings lake) {
    this.spark = spark;
    this.lake = lake;
  }

  /** A micro-batch's offsets in one partition: the lowest and the highest. */
  /**
   * A batch's records of one partition: their offsets and their Kafka timestamps, whose statistics let the
   * lookup of records held already skip the files of earlier days, whatever their offsets: bronze's files are
   * per event_date and hold several partitions each, so offsets alone skip none of them on a lake that ingested
   * its history in a few batches.
   */
  public record Range(String topic, int partition, long first, long last, Timestamp earliest, Timestamp latest) {}

  public static List<Range> ranges(Dataset<Row> records) {
    return records.groupBy(TOPIC, PARTITION).agg(min(OFFSET), max(OFFSET), min(KAFKA_TIMESTAMP), max(KAFKA_TIMESTAMP))
        .collectAsList().stream()
        .map(r -> new Range(r.getString(0), r.getInt(1), r.getLong(2), r.getLong(3), r.getTimestamp(4), r.getTimestamp(5)))
        .toList();
  }

  /**
   * The ingest's position in {@code topic}: per partition, the offset up to which every record is in bronze or
   * quarantine. It is the position each batch records in its quarantine commit, the batch's last data write:
   * a crash between the bronze and the quarantine commit leaves bronze ahead, and starting after bronze's
   * highest offset would skip that batch's quarantined records. A lake without that record (older than it) is
   * read for the highest offsets it holds: a full read of the coordinate columns, once, at a query's start.
   */
  public Map<Integer, Long> highest(String topic) {
    Optional<Map<Integer, Long>> recorded = recordedPosition().map(position -> position.get(topic));
    if (recorded.isPresent()) {
      return new TreeMap<>(recorded.get());
    }
    Map<Integer, Long> highest = new TreeMap<>();
    coordinates(col(TOPIC).equalTo(topic), col(TOPIC).equalTo(topic)).ifPresent(rows -> {
      for (Row row : rows.groupBy(PARTITION).agg(max(OFFSET)).collectAsList()) {
        highest.put(row.getInt(0), row.getLong(1));
      }
    });
    return highest;
  }

  /** The position as the quarantine commit of a batch records it (its userMetadata): {"topic":{"0":41,…}}. */
  public static String positionJson(Map<String, Map<Integer, Long>> position) {
    try {
      return JSON.writeValueAsString(position);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Optional<Map<String, Map<Integer, Long>>> recordedPosition() {
    String path = FleetTable.LOCATIONS_QUARANTINE.path(lake);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Optional.empty();
    }
    // the latest commits: an erasure's DELETE or an OPTIMIZE records none, a batch always does
    List<Row> latest = DeltaTable.forPath(spark, path).history(HISTORY_LOOKED_AT).filter(col("userMetadata").isNotNull())
        .orderBy(col("version").desc()).select("userMetadata").limit(1).collectAsList();
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(latest.get(0).getString(0), POSITION));
    } catch (java.io.IOException e) {
      return Optional.empty(); // another writer's metadata: fall back to what the tables hold
    }
  }

  /**
   * The (kafka_topic, kafka_partition, kafka_offset) of the batch's records that the lake already holds. Read
   * within the batch's offset range of each partition, which the offset statistics of bronze's files prune to
   * the files of the last batches.
   */
  public Dataset<Row> alreadyHeld(Dataset<Row> records, List<Range> ranges) {
    Column inRange = lit(false);
    Column inRangeAndTime = lit(false);
    for (Range range : ranges) {
      Column offsets = col(TOPIC).equalTo(range.topic()).and(col(PARTITION).equalTo(range.partition()))
          .and(col(OFFSET).between(range.first(), range.last()));
      inRange = inRange.or(offsets);
      // a record held already is the same record: its Kafka timestamp is the one it has now
      inRangeAndTime = inRangeAndTime.or(range.earliest() == null || range.latest() == null ? offsets
          : offsets.and(col(KAFKA_TIMESTAMP).between(range.earliest(), range.latest())));
    }
    return coordinates(inRangeAndTime, inRange).orElseGet(() -> records.select(TOPIC, PARTITION, OFFSET).limit(0));
  }

  /** {@code records} without the ones the lake already holds. */
  public static Dataset<Row> without(Dataset<Row> records, Dataset<Row> held) {
    return records.join(held, records.col(TOPIC).equalTo(held.col(TOPIC))
        .and(records.col(PARTITION).equalTo(held.col(PARTITION)))
        .and(records.col(OFFSET).equalTo(held.col(OFFSET))), "left_anti");
  }

  /** Bronze's, quarantine's and the erased records' coordinates: an erased record was held, and stays so. */
  private Optional<Dataset<Row>> coordinates(Column withTime, Column offsetsOnly) {
    List<Dataset<Row>> tables = new ArrayList<>();
    for (FleetTable table : List.of(FleetTable.LOCATIONS, FleetTable.LOCATIONS_QUARANTINE)) {
      String path = table.path(lake);
      if (DeltaTable.isDeltaTable(spark, path)) {
        tables.add(spark.read().format("delta").load(path).filter(withTime));
      }
    }
    // the erased records' log keeps coordinates only
    ErasureLog.erasedOffsets(spark, lake).ifPresent(erased -> tables.add(erased.filter(offsetsOnly)));
    return tables.stream().map(t -> t.select(TOPIC, PARTITION, OFFSET)).reduce(Dataset::union);
  }
}
