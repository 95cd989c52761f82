package io.fleetlake.app;

import io.fleetlake.lake.SparkSessions;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * A job made of streaming queries. On its own it gets a Spark application of its own; {@code run-all} starts
 * the queries of every such job in one application.
 */
interface StreamingJob extends Job {
  /**
   * Starts the job's queries (with {@code context.trigger(…)}) and returns them; work a job does at once (a
   * poll, a backfill) is done before it returns. A job that cannot start throws {@link JobFailedException}.
   */
  List<StreamingQuery> start(SparkSession spark, JobContext context) throws Exception;

  @Override
  default int run(JobContext context) throws Exception {
    SparkSession spark = SparkSessions.create(context.settings(), context.jobName());
    try (StallWatch watch = StallWatch.start(spark, context.settings(), context.out())) {
      GracefulStop.install(spark, context.out());
      for (StreamingQuery query : start(spark, context)) {
        query.awaitTermination();
      }
      // progress lines travel on Spark's listener bus: let the last one out before exiting
      spark.sparkContext().listenerBus().waitUntilEmpty();
      return Main.OK;
    } finally {
      spark.stop();
    }
  }
}
