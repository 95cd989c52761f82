package io.fleetlake.sql;

import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.UsageException;
import io.fleetlake.enrich.WeatherEnrichment;
import io.fleetlake.enrich.WeatherHourlyTable;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.SparkSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.functions;
import scala.Option;

/**
 * Runs one SQL statement over the lake and prints the result. Every table is addressable as
 * {@code <layer>.<name>} whether or not a metastore is configured:
 *
 * <pre>
 * $ scripts/spark-submit target/fleetlake-*.jar sql "SELECT unit_type, count(*) AS units FROM silver.dim_transport_units GROUP BY 1" --config conf/local.conf
 * unit_type   | units
 * ------------+------
 * aerial      | 20
 * maritime    | 20
 * terrestrial | 20
 * (3 rows)
 * </pre>
 */
public final class SqlJob implements Job {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.SQL, """
      Tables: bronze.<name>, silver.<name>, gold.<name>, quality.<name> (the folder _quality); SHOW TABLES IN bronze lists them.
      weather_at(lat, lon, ts) gives the weather there and then (a struct): from silver/weather_hourly where it
                  has the cell-day, else from the configured weather API within weather.limits.""",
      JobOptions.choice("--format", "table (default), csv (RFC 4180, with a header), json (one object per line)",
          "table", "csv", "json"),
      JobOptions.integer("--max-rows", 1, "rows printed at most (default 1000); the count of all rows is still given for table"),
      JobOptions.flag("--allow-writes", """
          run a statement that changes the lake or the metastore (INSERT, MERGE, DELETE, UPDATE,
          CREATE, DROP, ALTER, OPTIMIZE, VACUUM…); without it only queries, SHOW, DESCRIBE and EXPLAIN
          run. A write beside a running job breaks the one-writer-per-table rule: stop the table's
          writer first."""))
      .withOperand("\"<statement>\"", "one statement only; quote it as a single argument");

  private static final int DEFAULT_MAX_ROWS = 1000;

  @Override
  public int run(JobContext context) throws Exception {
    Request request = Request.parse(context.args());
    SparkSession spark = SparkSessions.create(context.settings(), context.jobName());
    WeatherEnrichment.registerFunction(spark, context.settings().weather(),
        new WeatherHourlyTable(FleetTable.WEATHER_HOURLY.path(context.settings().lake())));
    try {
      if (!request.allowWrites()) {
        refuseWrites(spark, request.statement());
      }
      Dataset<Row> result = spark.sql(request.statement());
      context.out().print(render(result, request.format(), request.maxRows()));
      context.out().flush();
      return Job.OK;
    } catch (Exception e) {
      if (e instanceof AnalysisException analysis) {
        // the user's SQL is wrong, not the job: say what Spark said, without a stack trace
        throw new StatementException(analysis.getSimpleMessage());
      }
      throw e;
    } finally {
      SparkSessions.release(spark);
    }
  }

  /**
   * Refuses a statement that would change a table or the metastore, judged before anything runs: on the parsed
   * plan (every command but SHOW, DESCRIBE and EXPLAIN, every INSERT, Delta's RESTORE and CLONE), then on the
   * analysed one, for a write that only analysis reveals. Analysis in SKIP mode plans a command without running it.
   */
  static void refuseWrites(SparkSession spark, String statement) throws Exception {
    LogicalPlan parsed = spark.sessionState().sqlParser().parsePlan(statement);
    Option<LogicalPlan> write = parsed.find(SqlJob::writes);
    if (write.isEmpty()) {
      write = spark.sessionState().executePlan(parsed, CommandExecutionMode.SKIP()).analyzed().find(SqlJob::writes);
    }
    if (write.isDefined()) {
      throw new StatementException("the statement writes (" + write.get().nodeName() + "); sql is read-only unless "
          + "--allow-writes, and a write beside a running job breaks the one-writer-per-table rule");
    }
  }

  private static boolean writes(LogicalPlan node) {
    return node instanceof InsertIntoStatement || node instanceof InsertIntoDir
        || node instanceof Command && !node.nodeName().matches("(Show|Describe|Explain).*")
        // Delta's RESTORE and CLONE parse to statements that are no Command until Delta plans them
        || node.nodeName().matches("(Restore|Clone).*");
  }

  enum Format { TABLE, CSV, JSON }

  /** The statement cannot run as written (unknown table, syntax); exit 1 with Spark's message. */
  static final class StatementException extends JobFailedException {
    StatementException(String message) {
      super(message);
    }
  }

  record Request(String statement, Format format, int maxRows, boolean allowWrites) {
    static Request parse(List<String> args) {
      JobOptions.Parsed parsed = OPTIONS.parse(args);
      String statement = parsed.operand().orElse(null);
      if (statement == null || statement.isBlank()) {
        throw new UsageException("no SQL statement given");
      }
      return new Request(statement, Format.valueOf(parsed.choice("--format", "table").toUpperCase(Locale.ROOT)),
          parsed.intValue("--max-rows", DEFAULT_MAX_ROWS), parsed.flag("--allow-writes"));
    }
  }

  static String render(Dataset<Row> result, Format format, int maxRows) {
    if (format == Format.JSON) {
      StringBuilder text = new StringBuilder();
      for (String line : result.toJSON().takeAsList(maxRows)) {
        text.append(line).append('\n');
      }
      return text.toString();
    }
    String[] columns = result.columns();
    // one row more than shown says whether rows were cut (none more than an int can count)
    List<Row> rows = asStrings(result).takeAsList(maxRows == Integer.MAX_VALUE ? maxRows : maxRows + 1);
    boolean more = rows.size() > maxRows;
    List<Row> shown = more ? rows.subList(0, maxRows) : rows;
    if (format == Format.CSV) {
      return ResultTable.csv(columns, shown);
    }
    String footer = more
        ? "(first " + maxRows + " of " + result.count() + " rows)"
        : "(" + shown.size() + (shown.size() == 1 ? " row)" : " rows)");
    return ResultTable.aligned(columns, shown) + footer + "\n";
  }

  /** Every column as Spark renders it to a string, so structs, arrays and timestamps print as in SQL. */
  private static Dataset<Row> asStrings(Dataset<Row> result) {
    List<Column> columns = new ArrayList<>();
    for (String name : result.columns()) {
      columns.add(functions.col("`" + name.replace("`", "``") + "`").cast("string"));
    }
    return result.select(columns.toArray(new Column[0]));
  }
}
