package io.fleetlake.testing;

import static org.apache.spark.sql.functions.lit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a table the way Athena's Parquet path and Redshift Spectrum do: the files its symlink-format manifests
 * list, as plain Parquet, partition values from the manifest's folder name — no Delta log involved.
 */
public final class ManifestReader {
  private ManifestReader() {}

  public static Dataset<Row> read(SparkSession spark, String tablePath) throws IOException {
    Path root = new Path(tablePath, "_symlink_format_manifest");
    FileSystem fs = root.getFileSystem(spark.sessionState().newHadoopConf());
    Dataset<Row> all = null;
    RemoteIterator<LocatedFileStatus> manifests = fs.listFiles(root, true);
    while (manifests.hasNext()) {
      Path manifest = manifests.next().getPath();
      if (!manifest.getName().equals("manifest")) {
        continue;
      }
      List<String> files = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(manifest), StandardCharsets.UTF_8))) {
        in.lines().filter(l -> !l.isBlank()).forEach(files::add);
      }
      if (files.isEmpty()) {
        continue;
      }
      Dataset<Row> part = spark.read().parquet(files.toArray(new String[0]));
      // partition folders between the manifest root and the file: name=value
      for (Path dir = manifest.getParent(); !dir.equals(root) && dir.getName().contains("="); dir = dir.getParent()) {
        String[] kv = dir.getName().split("=", 2);
        part = part.withColumn(kv[0], lit(kv[1]));
      }
      all = all == null ? part : all.unionByName(part);
    }
    if (all == null) {
      throw new AssertionError("no manifest under " + root);
    }
    return all;
  }
}
