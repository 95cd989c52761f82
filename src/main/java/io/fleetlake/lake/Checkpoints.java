package io.fleetlake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** What a streaming query's checkpoint holds. */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * True when a query started on {@code location} would start afresh (its source's starting position applies):
   * no planned batch in its offsets log, because the checkpoint is new, was deleted or never got that far.
   */
  public static boolean startsAfresh(SparkSession spark, String location) {
    Path offsets = new Path(location, "offsets");
    try {
      FileSystem fs = offsets.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return !fs.exists(offsets) || Arrays.stream(fs.listStatus(offsets)).noneMatch(f -> f.getPath().getName().matches("\\d+"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint " + location, e);
    }
  }
}
