package io.fleetlake.quality;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Rows of _quality/results: one per table × micro-batch × rule, with rows checked and rows failed. */
public final class QualityResults {
  public static final StructType SCHEMA = new StructType()
      .add("table_name", DataTypes.StringType, false)
      .add("query_id", DataTypes.StringType, false)
      .add("batch_id", DataTypes.LongType, false)
      .add("rule", DataTypes.StringType, false)
      .add("severity", DataTypes.StringType, false)
      .add("rows_checked", DataTypes.LongType, false)
      .add("rows_failed", DataTypes.LongType, false)
      .add("recorded_at", DataTypes.TimestampType, false)
      .add("date", DataTypes.DateType, false);

  /** hard: the row went to quarantine; soft: the row was kept and flagged. */
  public enum Severity { HARD, SOFT }

  public record RuleCount(String rule, Severity severity, long checked, long failed) {}

  private QualityResults() {}

  public static Dataset<Row> rows(SparkSession spark, String table, String queryId, long batchId, List<RuleCount> counts) {
    Instant now = Instant.now();
    List<Row> rows = new ArrayList<>();
    for (RuleCount count : counts) {
      rows.add(RowFactory.create(table, queryId, batchId, count.rule(), count.severity().name().toLowerCase(),
          count.checked(), count.failed(), Timestamp.from(now), java.sql.Date.valueOf(LocalDate.ofInstant(now, ZoneOffset.UTC))));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Counts for every rule named, zero where nothing failed it. */
  public static <E extends Enum<E>> List<RuleCount> countsFor(Class<E> rules, Severity severity, long checked,
                                                              Map<String, Long> failedByRule) {
    List<RuleCount> counts = new ArrayList<>();
    for (E rule : rules.getEnumConstants()) {
      counts.add(new RuleCount(rule.name(), severity, checked, failedByRule.getOrDefault(rule.name(), 0L)));
    }
    return counts;
  }
}
