package io.fleetlake.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.fleetlake.sources.TablePoller;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * silver/dim_transport_units, slowly changing dimension type 2: one row per version of a unit's description,
 * valid from its updated_at until the next version's ({@code valid_to} null and {@code is_current} true for
 * the latest). Pure transforms over bronze/transport_units rows.
 *
 * <pre>
 * bronze: TER-001 company 1 @ 10:00 | TER-001 company 1 @ 11:00 (only updated_at bumped) | TER-001 company 2 @ 12:00
 * silver: TER-001 company 1 valid 10:00–12:00 version 1 | TER-001 company 2 valid 12:00–∞ version 2, current
 * </pre>
 *
 * A version is built from all bronze rows of a unit at once, so rows that arrive out of order or twice give
 * the same versions as rows that arrive once and in order.
 */
public final class UnitDimension {
  public static final String KEY = "unit_id";
  public static final String CURSOR = "updated_at";
  /** Columns of bronze that are no attribute of the unit. */
  private static final Set<String> NOT_TRACKED = Set.of(KEY, CURSOR, TablePoller.POLLED_AT, TablePoller.SOURCE_XID,
      TablePoller.SOURCE_DELETED);

  private UnitDimension() {}

  /** The attributes whose change makes a new version: every bronze column but the key, cursor and poll time. */
  public static List<String> trackedAttributes(Dataset<Row> bronze) {
    return Arrays.stream(bronze.columns()).filter(c -> !NOT_TRACKED.contains(c)).toList();
  }

  /** A source column by its name as Postgres has it: a dot or a backtick in it is part of the name. */
  private static Column column(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  /**
   * Every version of the units in {@code bronze}, from all their polled rows. A unit deleted in the source (a
   * bronze row with source_deleted) has its version closed at the time the poll saw it gone, and no current one
   * unless it comes back.
   *
   * <p>A unit's rows are put in the order their transactions committed (the poll that read them, then the
   * transaction id), not in cursor order: the cursor is the writer's clock, and a slow, fast or restored clock must
   * not reorder a change and a deletion. Each version is valid from the latest cursor seen up to it (so validity
   * never runs backwards and versions never overlap); a version whose successor's clock was behind it is valid
   * for no time and left out.
   */
  public static Dataset<Row> versions(Dataset<Row> bronze) {
    List<String> tracked = trackedAttributes(bronze);
    List<String> columns = Arrays.asList(bronze.columns());
    Column deleted = columns.contains(TablePoller.SOURCE_DELETED)
        ? coalesce(col(TablePoller.SOURCE_DELETED), lit(false)) : lit(false);
    Column xid = columns.contains(TablePoller.SOURCE_XID) ? col(TablePoller.SOURCE_XID) : lit(null).cast("long");
    Column polled = columns.contains(TablePoller.POLLED_AT) ? col(TablePoller.POLLED_AT) : lit(null).cast("timestamp");
    WindowSpec byCommit = Window.partitionBy(KEY).orderBy(col("_polled").asc_nulls_first(), col("_xid").asc_nulls_first(),
        col(CURSOR));
    List<Column> hashed = new ArrayList<>();
    for (String attribute : tracked) {
      // null and "" must differ: a marker that no value carries
      hashed.add(coalesce(column(attribute).cast("string"), lit("\u0000null")));
    }
    Dataset<Row> described = bronze
        .withColumn("_gone", deleted)
        .withColumn("_xid", xid)
        .withColumn("_polled", polled)
        // one row per row version: read twice, it has one transaction id (rows of an older fleetlake: one cursor)
        .withColumn("_version", coalesce(col("_xid").cast("string"), concat_ws("|", lit("c"), col(CURSOR).cast("string"))))
        .dropDuplicates(KEY, "_version")
        .withColumn("valid_from", max(CURSOR).over(byCommit.rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .withColumn("attributes_hash", when(col("_gone"), lit("\u0000deleted"))
            .otherwise(sha2(concat_ws("\u0001", hashed.toArray(new Column[0])), 256)));
    Dataset<Row> changes = described
        .withColumn("previous_hash", lag("attributes_hash", 1).over(byCommit))
        .filter(col("previous_hash").isNull().or(col("previous_hash").notEqual(col("attributes_hash"))))
        // a deletion ends the version before it, and is no version itself
        .withColumn("valid_to", lead("valid_from", 1).over(byCommit))
        .filter(not(col("_gone")).and(col("valid_to").isNull().or(col("valid_to").gt(col("valid_from")))));
    List<Column> output = new ArrayList<>();
    output.add(col(KEY));
    tracked.forEach(a -> output.add(column(a)));
    output.add(col("valid_from"));
    output.add(col("valid_to"));
    output.add(col("valid_to").isNull().as("is_current"));
    output.add(row_number().over(Window.partitionBy(KEY).orderBy("valid_from")).as("version"));
    output.add(xxhash64(col(KEY), col("valid_from")).as("version_key"));
    return changes.select(output.toArray(new Column[0]));
  }

  /**
   * The version of each event's unit valid at the event's time: {@code events} with the dimension's columns
   * (the events' own columns win on a clash). Before a unit's first known version, that first version applies:
   * the unit existed with some description, and the first one seen is the best guess. Events of units the
   * dimension does not know keep null attributes.
   */
  public static Dataset<Row> asOf(Dataset<Row> events, String unitColumn, String timeColumn, Dataset<Row> dimension) {
    Dataset<Row> dim = dimension.alias("dim");
    Column valid = events.col(unitColumn).equalTo(dim.col(KEY))
        .and(events.col(timeColumn).geq(dim.col("valid_from")).or(dim.col("version").equalTo(1)))
        .and(dim.col("valid_to").isNull().or(events.col(timeColumn).lt(dim.col("valid_to"))));
    List<Column> columns = new ArrayList<>();
    for (String c : events.columns()) {
      columns.add(events.col(c));
    }
    Set<String> taken = Set.of(events.columns());
    for (String c : dimension.columns()) {
      if (!taken.contains(c) && !c.equals(KEY)) {
        columns.add(dim.col(c));
      }
    }
    return events.join(dim, valid, "left").select(columns.toArray(new Column[0]));
  }
}
