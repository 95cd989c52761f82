package io.fleetlake.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The files Spark's scans read, per streaming query (by the query id its thread gives every job), in every
 * session of the application: each file scan's "number of files read", counted after partition pruning and
 * Delta's data skipping, Delta's log included. A measure that does not depend on the machine's speed: a stage
 * whose reads grow with the lake's age shows it here even when its seconds hide it.
 */
public final class FilesRead extends SparkListener implements AutoCloseable {
  /** Scans outside any streaming query: the driver's own work (a poll the bench runs itself). */
  public static final String DRIVER = "driver";
  private static final String QUERY_ID = "sql.streaming.queryId";
  private static final String EXECUTION_ID = "spark.sql.execution.id";

  private record Scan(SQLMetric files, String table) {}

  private final SparkSession spark;
  private final Map<Long, String> queryOfExecution = new ConcurrentHashMap<>();
  /** Per query, each scan's metric once by its accumulator id: a plan posted again by a nested execution counts once. */
  private final Map<String, Map<Long, Scan>> scans = new ConcurrentHashMap<>();

  private FilesRead(SparkSession spark) {
    this.spark = spark;
  }

  public static FilesRead count(SparkSession spark) {
    FilesRead files = new FilesRead(spark);
    spark.sparkContext().addSparkListener(files);
    return files;
  }

  /** Files read per table ({@code silver/locations_enriched}, {@code …/_delta_log}) by the scans of a query since the last take. */
  public Map<String, Long> take(String queryId) throws java.util.concurrent.TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    Map<String, Long> byTable = new TreeMap<>();
    Map<Long, Scan> taken = scans.remove(queryId);
    if (taken != null) {
      taken.values().forEach(scan -> byTable.merge(scan.table(), scan.files().value(), Long::sum));
    }
    return byTable;
  }

  /** Forgets what was read so far. */
  public void reset() throws java.util.concurrent.TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    scans.clear();
  }

  public static long total(Map<String, Long> byTable) {
    return byTable.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public void onJobStart(SparkListenerJobStart job) {
    if (job.properties() != null && job.properties().getProperty(EXECUTION_ID) != null) {
      String query = job.properties().getProperty(QUERY_ID);
      queryOfExecution.putIfAbsent(Long.parseLong(job.properties().getProperty(EXECUTION_ID)), query == null ? DRIVER : query);
    }
  }

  @Override
  public void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerSQLExecutionEnd end && end.qe() != null) {
      String query = queryOfExecution.getOrDefault(end.executionId(), DRIVER);
      queryOfExecution.remove(end.executionId());
      collect(end.qe().executedPlan(), scans.computeIfAbsent(query, q -> new ConcurrentHashMap<>()));
    }
  }

  private static void collect(SparkPlan plan, Map<Long, Scan> into) {
    if (plan instanceof FileSourceScanExec scan) {
      Option<SQLMetric> files = scan.metrics().get("numFiles");
      if (files.isDefined()) {
        scala.collection.Seq<org.apache.hadoop.fs.Path> roots = scan.relation().location().rootPaths();
        into.putIfAbsent(files.get().id(), new Scan(files.get(), roots.isEmpty() ? "?" : table(roots.head().toString())));
      }
    } else if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      collect(adaptive.executedPlan(), into);
    } else if (plan instanceof QueryStageExec stage) {
      collect(stage.plan(), into);
    }
    for (SparkPlan child : JavaConverters.seqAsJavaList(plan.children())) {
      collect(child, into);
    }
    for (SparkPlan subquery : JavaConverters.seqAsJavaList(plan.subqueries())) {
      collect(subquery, into);
    }
  }

  /** The table a scan reads, as its last two folders, or its log as {@code table/_delta_log}. */
  static String table(String path) {
    int log = path.indexOf("/_delta_log");
    String folder = log >= 0 ? path.substring(0, log) : path;
    String[] parts = folder.split("/");
    String name = parts.length >= 2 ? parts[parts.length - 2] + "/" + parts[parts.length - 1] : folder;
    return log >= 0 ? name + "/_delta_log" : name;
  }

  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(this);
  }
}
