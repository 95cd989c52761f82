package io.fleetlake.catalog;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.LakeCatalog;
import io.fleetlake.lake.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.LoggerFactory;

/**
 * One Delta table of the lake as a catalog sees it.
 *
 * @param partitionColumns in the table's order; its folders are {@code name=value} under the table
 * @param manifest the table keeps a symlink-format manifest (maintain's manifest = true)
 */
public record LakeTable(Layer layer, String name, String path, StructType schema, List<String> partitionColumns,
                        boolean manifest) {

  /** bronze.locations: the name in SQL, here and in the metastore. */
  public String sqlName() {
    return layer.sqlName() + "." + name;
  }

  /** Every Delta table under the lake's layer folders, layer by layer, sorted by name. */
  public static List<LakeTable> discover(SparkSession spark, LakeSettings lake) {
    List<LakeTable> tables = new ArrayList<>();
    for (Layer layer : Layer.values()) {
      for (String name : LakeCatalog.deltaTables(spark, lake.layer(layer.folder()))) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
          // a folder someone made by hand: not a name a metastore or Athena takes without quoting games
          LoggerFactory.getLogger(LakeTable.class).warn("{}/{} is a Delta table whose name is not a plain SQL name ([a-z_][a-z0-9_]*): not catalogued",
              layer.folder(), name);
          continue;
        }
        String path = lake.table(layer.folder(), name);
        DeltaTable delta = DeltaTable.forPath(spark, path);
        Row detail = delta.detail().select("partitionColumns", "properties").first();
        Map<String, String> properties = detail.getJavaMap(1);
        tables.add(new LakeTable(layer, name, path, delta.toDF().schema(), List.copyOf(detail.<String>getList(0)),
            "true".equals(properties.get("delta.compatibility.symlinkFormatManifest.enabled"))));
      }
    }
    return tables;
  }
}
