package io.fleetlake.app;

import io.fleetlake.lake.TableLease;
import java.time.Clock;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/** A job's lease on the tables it writes: taken before it writes anything, released when it ends. */
public final class WriterLease {
  private WriterLease() {}

  /**
   * Takes the lease on {@code tables} ({@code <layer>/<name>}) for this job, or fails naming the writer that
   * holds one of them. Should another writer take a table over later (this driver was presumed dead), every
   * streaming query of the application is stopped, and the job must then fail: see {@link #checkKept}.
   */
  public static TableLease take(SparkSession spark, JobContext context, List<String> tables) {
    try {
      return TableLease.acquire(spark.sparkContext().hadoopConfiguration(), context.settings().lake().root(),
          tables, context.jobName(), context.settings().lake().leaseTtl(), Clock.systemUTC(), loss -> {
            context.out().println(context.jobName() + ": " + loss + "; stopping");
            context.out().flush();
            for (StreamingQuery query : spark.streams().active()) {
              try {
                query.stop();
              } catch (Exception e) {
                context.out().println(context.jobName() + ": could not stop " + query.name() + ": " + e.getMessage());
              }
            }
          });
    } catch (TableLease.LeaseHeldException e) {
      throw new JobFailedException(e.getMessage());
    }
  }

  /** Fails the job if another writer took one of its tables over while it ran. */
  public static void checkKept(TableLease lease) {
    if (lease.lost()) {
      throw new JobFailedException("another writer took over a table of this job (see above): stopped");
    }
  }
}
