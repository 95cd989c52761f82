package io.fleetlake.app;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/** Files a job writes for people (dashboard, DDL): local, or anywhere Hadoop reaches (s3a://…). */
final class OutputFiles {
  private OutputFiles() {}

  /** A path with a scheme goes through Hadoop (s3a, hdfs); anything else is a local file. Returns where it went. */
  static String write(SparkSession spark, String output, byte[] content) throws IOException {
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
