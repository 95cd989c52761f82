package io.fleetlake.app;

import io.fleetlake.lake.LakeWriteLock;
import io.fleetlake.lake.SparkSessions;
import io.fleetlake.lake.TableLease;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * What every Spark application of streaming queries does around them, written once for a job on its own and for
 * run-all: the writer lease on the tables it writes, the stall watch, the progress log, the graceful stop; and
 * each query's skeleton: its name, checkpoint, micro-batches under the lake's write lock, trigger.
 */
public final class StreamingSession {
  /** The work of the application, given its session, its lease (to check it is still held) and progress log. */
  @FunctionalInterface
  public interface Work {
    int run(SparkSession spark, TableLease lease, StreamProgressLog progress) throws Exception;
  }

  private StreamingSession() {}

  /** Runs {@code work} in a Spark application of its own that holds the lease of {@code writtenTables}. */
  public static int run(JobContext context, List<String> writtenTables, Work work) throws Exception {
    SparkSession spark = SparkSessions.create(context.settings(), context.jobName());
    try (TableLease lease = WriterLease.take(spark, context, writtenTables);
         StallWatch watch = StallWatch.start(spark, context.settings(), context.out());
         StreamProgressLog progress = StreamProgressLog.start(spark, context)) {
      GracefulStop.install(spark, context.out());
      return work.run(spark, lease, progress);
    } finally {
      SparkSessions.release(spark);
    }
  }

  /**
   * Starts a query that hands each micro-batch of {@code source} to {@code batches} under the lake's write lock.
   * The name and checkpoint of a query are the lake's: in users' lakes, never to change.
   */
  public static StreamingQuery start(Dataset<Row> source, String name, String checkpoint, Trigger trigger,
                                     VoidFunction2<Dataset<Row>, Long> batches) throws TimeoutException {
    return source.writeStream()
        .queryName(name)
        .option("checkpointLocation", checkpoint)
        .foreachBatch(LakeWriteLock.batches(batches))
        .trigger(trigger)
        .start();
  }
}
