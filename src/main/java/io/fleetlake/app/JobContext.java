package io.fleetlake.app;

import io.fleetlake.config.Settings;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.streaming.Trigger;

/**
 * What a job gets from the command line.
 *
 * @param availableNow process what is there and exit, instead of running until stopped
 * @param args the job's own arguments
 * @param out results and progress for the user
 */
public record JobContext(String jobName, Settings settings, boolean availableNow, List<String> args, PrintStream out) {
  /** AvailableNow with --available-now, else a micro-batch every {@code interval}. */
  public Trigger trigger(Duration interval) {
    return availableNow ? Trigger.AvailableNow() : Trigger.ProcessingTime(interval.toMillis());
  }
}
