package io.fleetlake.app;

import io.fleetlake.config.Settings;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * A job made of streaming queries. On its own it gets a Spark application of its own; {@code run-all} starts
 * the queries of every such job in one application.
 */
public interface StreamingJob extends Job {
  /**
   * Starts the job's queries (with {@code context.trigger(…)}) and returns them; work a job does at once (a
   * poll, a backfill) is done before it returns. A job that cannot start throws {@link JobFailedException}.
   */
  List<StreamingQuery> start(SparkSession spark, JobContext context) throws Exception;

  /**
   * The lake tables ({@code <layer>/<name>}) the job cannot start without; run-all starts the job once they
   * exist, so that an empty topic or a source database that is down holds back only the stages after it.
   */
  default List<String> requiredTables() {
    return List.of();
  }

  /** Called once the job's queries have ended by themselves (--available-now): a last word on what is left. */
  default void finished(SparkSession spark, JobContext context) throws Exception {}

  /** The lake tables ({@code <layer>/<name>}) the job's queries write: it holds their lease while it runs. */
  List<String> writtenTables(Settings settings);

  @Override
  default int run(JobContext context) throws Exception {
    return StreamingSession.run(context, writtenTables(context.settings()), (spark, lease, progress) -> {
      for (StreamingQuery query : start(spark, context)) {
        query.awaitTermination();
      }
      finished(spark, context);
      WriterLease.checkKept(lease);
      // progress lines travel on Spark's listener bus: let the last one out before exiting
      spark.sparkContext().listenerBus().waitUntilEmpty();
      return Job.OK;
    });
  }
}
