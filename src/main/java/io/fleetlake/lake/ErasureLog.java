package io.fleetlake.lake;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What erasures removed, so that no later batch brings it back: {@code _ops/erasures} (unit_id, before,
 * erased_at, one row per erasure) and {@code _ops/erased_offsets} (the Kafka coordinates of every removed
 * record, which ingest counts as held).
 */
public final class ErasureLog {

  private ErasureLog() {}

  /** The Kafka coordinates (kafka_topic, kafka_partition, kafka_offset) of every erased record, if any. */
  public static Optional<Dataset<Row>> erasedOffsets(SparkSession spark, LakeSettings lake) {
    return table(spark, lake, FleetTable.ERASED_OFFSETS);
  }

  /**
   * {@code rows} without those an erasure removed that reach a stream late: rows of an erased unit, dated before
   * the erasure's {@code before} (if it had one; {@code dateColumn} null for undated rows), that entered the lake
   * ({@code enteredColumn}: ingest_time, _polled_at) before the erasure. Rows that came in after it are new
   * data and stay.
   */
  public static Dataset<Row> withoutErased(Dataset<Row> rows, LakeSettings lake, String dateColumn, String enteredColumn) {
    Optional<Dataset<Row>> erasures = table(rows.sparkSession(), lake, FleetTable.ERASURES);
    if (erasures.isEmpty()) {
      return rows;
    }
    Dataset<Row> e = broadcast(erasures.get().select("unit_id", "before", "erased_at"));
    Column dated = dateColumn == null ? e.col("before").isNull()
        : e.col("before").isNull().or(rows.col(dateColumn).lt(e.col("before")));
    return rows.join(e, rows.col("unit_id").equalTo(e.col("unit_id")).and(dated)
        .and(rows.col(enteredColumn).leq(e.col("erased_at"))), "left_anti");
  }

  /**
   * A condition true for the rows an erasure covers: of an erased unit, dated before its {@code before} (if it had
   * one; undated rows, {@code dateColumn} null, only by an erasure of all the unit's rows), produced or changed
   * ({@code enteredColumn}) before the erasure. Empty when nothing was erased. Built from the few erasures as
   * literal values, never as SQL text.
   */
  public static Optional<Column> erased(SparkSession spark, LakeSettings lake, String dateColumn, String enteredColumn) {
    Optional<Dataset<Row>> erasures = table(spark, lake, FleetTable.ERASURES);
    if (erasures.isEmpty()) {
      return Optional.empty();
    }
    Column covered = lit(false);
    for (Row e : erasures.get().select("unit_id", "before", "erased_at").collectAsList()) {
      Column unit = col("unit_id").equalTo(lit(e.getString(0)))
          .and(col(enteredColumn).leq(lit(e.getTimestamp(2))));
      Column dated = dateColumn == null ? lit(false) : unit.and(col(dateColumn).lt(lit(e.getDate(1))));
      covered = covered.or(e.isNullAt(1) ? unit : dated);
    }
    return Optional.of(covered);
  }

  private static Optional<Dataset<Row>> table(SparkSession spark, LakeSettings lake, FleetTable table) {
    String path = table.path(lake);
    return DeltaTable.isDeltaTable(spark, path) ? Optional.of(spark.read().format("delta").load(path)) : Optional.empty();
  }
}
