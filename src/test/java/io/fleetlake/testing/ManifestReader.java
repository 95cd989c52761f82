package io.fleetlake.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a table the way Athena's Parquet path and Redshift Spectrum do: the files its symlink-format manifests
 * list, as plain Parquet, partition values from the manifest's folder name — no Delta log involved.
 */
public final class ManifestReader {
  private ManifestReader() {}

  public static Dataset<Row> read(SparkSession spark, String tablePath) throws IOException {
    Path root = new Path(tablePath, "_symlink_format_manifest");
    FileSystem fs = root.getFileSystem(spark.sessionState().newHadoopConf());
    List<String> files = new ArrayList<>();
    Map<String, Map<String, String>> partitions = new HashMap<>();
    RemoteIterator<LocatedFileStatus> manifests = fs.listFiles(root, true);
    while (manifests.hasNext()) {
      Path manifest = manifests.next().getPath();
      if (!manifest.getName().equals("manifest")) {
        continue;
      }
      // partition folders between the manifest root and the manifest: name=value
      Map<String, String> values = new LinkedHashMap<>();
      for (Path dir = manifest.getParent(); !dir.equals(root) && dir.getName().contains("="); dir = dir.getParent()) {
        String[] kv = dir.getName().split("=", 2);
        values.put(kv[0], kv[1]);
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(manifest), StandardCharsets.UTF_8))) {
        in.lines().filter(l -> !l.isBlank()).forEach(file -> {
          files.add(file);
          partitions.put(new Path(file).getName(), values);
        });
      }
    }
    if (files.isEmpty()) {
      throw new AssertionError("no manifest with files under " + root);
    }
    // one read of every listed file; each row's partition values from the manifest that listed its file
    Dataset<Row> rows = spark.read().parquet(files.toArray(new String[0]))
        .withColumn("_file", element_at(split(input_file_name(), "/"), -1));
    for (String column : partitions.values().stream().flatMap(m -> m.keySet().stream()).distinct().toList()) {
      List<Column> pairs = new ArrayList<>();
      partitions.forEach((file, values) -> {
        pairs.add(lit(file));
        pairs.add(lit(values.get(column)));
      });
      Column mapping = map(pairs.toArray(new Column[0]));
      rows = rows.withColumn(column, element_at(mapping, col("_file")));
    }
    return rows.drop("_file");
  }

  /** {@link #read} with each column as the Delta table's schema types it (partition values come as text). */
  public static Dataset<Row> read(SparkSession spark, String tablePath, StructType schema) throws IOException {
    Dataset<Row> rows = read(spark, tablePath);
    return rows.select(Arrays.stream(schema.fields()).map(f -> col(f.name()).cast(f.dataType()).as(f.name())).toArray(Column[]::new));
  }
}
