package io.fleetlake.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.ErasureLog;
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

  private final SparkSession spark;
  private final LakeSettings lake;

  public IngestedOffsets(SparkSession spark, LakeSettings lake) {
    this.spark = spark;
    this.lake = lake;
  }

  /**
   * The highest offset of each partition of {@code topic} in bronze or quarantine. A full read of the two
   * coordinate columns: done once, when a query starts without a checkpoint.
   */
  public Map<Integer, Long> highest(String topic) {
    Map<Integer, Long> highest = new TreeMap<>();
    coordinates(col(TOPIC).equalTo(topic)).ifPresent(rows -> {
      for (Row row : rows.groupBy(PARTITION).agg(max(OFFSET)).collectAsList()) {
        highest.put(row.getInt(0), row.getLong(1));
      }
    });
    return highest;
  }

  /**
   * The (kafka_topic, kafka_partition, kafka_offset) of {@code records} that the lake already holds. Read within
   * the batch's offset range of each partition, which the offset statistics of bronze's files prune to the files
   * of the last batches: a live batch reads no file at all.
   */
  public Dataset<Row> alreadyHeld(Dataset<Row> records) {
    List<Row> ranges = records.groupBy(TOPIC, PARTITION).agg(min(OFFSET), max(OFFSET)).collectAsList();
    Column inRange = lit(false);
    for (Row range : ranges) {
      inRange = inRange.or(col(TOPIC).equalTo(range.getString(0)).and(col(PARTITION).equalTo(range.getInt(1)))
          .and(col(OFFSET).between(range.getLong(2), range.getLong(3))));
    }
    Column filter = inRange;
    return coordinates(filter).orElseGet(() -> records.select(TOPIC, PARTITION, OFFSET).limit(0));
  }

  /** {@code records} without the ones the lake already holds. */
  public static Dataset<Row> without(Dataset<Row> records, Dataset<Row> held) {
    return records.join(held, records.col(TOPIC).equalTo(held.col(TOPIC))
        .and(records.col(PARTITION).equalTo(held.col(PARTITION)))
        .and(records.col(OFFSET).equalTo(held.col(OFFSET))), "left_anti");
  }

  /** Bronze's, quarantine's and the erased records' coordinates: an erased record was held, and stays so. */
  private Optional<Dataset<Row>> coordinates(Column filter) {
    List<Dataset<Row>> tables = new ArrayList<>();
    for (String table : List.of(LocationIngestBatch.BRONZE, LocationIngestBatch.QUARANTINE)) {
      String path = lake.table("bronze", table);
      if (DeltaTable.isDeltaTable(spark, path)) {
        tables.add(spark.read().format("delta").load(path));
      }
    }
    ErasureLog.erasedOffsets(spark, lake).ifPresent(tables::add);
    return tables.stream().map(t -> t.filter(filter).select(TOPIC, PARTITION, OFFSET)).reduce(Dataset::union);
  }
}
