package io.fleetlake.app;

import io.fleetlake.lake.SparkSessions;
import java.io.PrintStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * On SIGTERM (Ctrl-C, an EMR step cancelled, {@code kill}), stops the streaming queries before Spark stops its
 * context, so that they end as stopped rather than failed: a batch cut short is not committed and runs again at
 * the next start. Spark's own hooks run inside Hadoop's at {@code FileSystem.SHUTDOWN_HOOK_PRIORITY + 30};
 * this one runs before them.
 */
public final class GracefulStop {
  private static final int PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 40;

  private GracefulStop() {}

  public static void install(SparkSession spark, PrintStream out) {
    if (SparkSessions.isHosted(spark)) {
      return; // the application and its end are the host's
    }
    ShutdownHookManager.get().addShutdownHook(() -> {
      if (spark.sparkContext().isStopped()) {
        return; // the job ended by itself and stopped Spark: nothing runs, and asking would start Spark's RPC again
      }
      StreamingQuery[] active = spark.streams().active();
      if (active.length == 0) {
        return;
      }
      out.println("fleetlake: stopping " + active.length + " streaming queries (the process was asked to end)");
      out.flush();
      for (StreamingQuery query : active) {
        try {
          query.stop();
        } catch (Exception e) {
          out.println("fleetlake: " + query.name() + " did not stop cleanly: " + e.getMessage());
        }
      }
    }, PRIORITY);
  }
}
