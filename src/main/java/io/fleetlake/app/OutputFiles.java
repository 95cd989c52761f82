package io.fleetlake.app;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/** Files a job writes for people (dashboard, DDL): local, or anywhere Hadoop reaches (s3a://…). */
public final class OutputFiles {
  private OutputFiles() {}

  /**
   * Refuses, before any work, a local path that nobody would find: a driver in YARN's cluster mode (an EMR step)
   * runs in a container whose folder is deleted when it ends.
   */
  public static void requireReachable(SparkSession spark, String output, String option) {
    String problem = problem(output, spark.sparkContext().getConf().get("spark.master", ""),
        spark.sparkContext().getConf().get("spark.submit.deployMode", "client"));
    if (problem != null) {
      throw new JobFailedException(option + " " + problem);
    }
  }

  /** Why {@code output} would be lost, or null. */
  static String problem(String output, String master, String deployMode) {
    if (isLocal(output) && master.startsWith("yarn") && deployMode.equals("cluster")) {
      return output + " is a local path, but this driver runs in a YARN container (cluster mode) whose folder goes "
          + "when it ends: give an s3:// path (conf/emr.conf has one)";
    }
    return null;
  }

  private static boolean isLocal(String output) {
    String scheme = URI.create(output.replace(" ", "%20")).getScheme();
    return scheme == null || scheme.length() == 1 || scheme.equals("file");
  }

  /** A path with a scheme goes through Hadoop (s3a, hdfs); anything else is a local file. Returns where it went. */
  public static String write(SparkSession spark, String output, byte[] content) throws IOException {
    URI uri = URI.create(output.replace(" ", "%20"));
    if (uri.getScheme() == null || uri.getScheme().length() == 1) {
      Path file = Path.of(output).toAbsolutePath();
      Files.createDirectories(file.getParent());
      Files.write(file, content);
      return file.toString();
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(output);
    FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
    try (OutputStream out = fs.create(path, true)) {
      out.write(content);
    }
    return output;
  }
}
