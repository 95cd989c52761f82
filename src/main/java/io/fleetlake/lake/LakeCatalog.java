package io.fleetlake.lake;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * One layer of the lake as a Spark SQL catalog: {@code SELECT … FROM bronze.locations} reads the Delta table
 * at {@code <root>/bronze/locations}, with no metastore involved and nothing registered anywhere. Tables
 * are found by their path; they are created by the jobs, never through this catalog.
 */
public final class LakeCatalog implements TableCatalog {
  static final String PATH_OPTION = "path";

  private String name;
  private String layerPath;

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
    this.layerPath = options.get(PATH_OPTION);
    if (layerPath == null) {
      throw new IllegalArgumentException("spark.sql.catalog." + name + "." + PATH_OPTION + " is not set");
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) {
    if (namespace.length > 0) {
      return new Identifier[0];
    }
    return deltaTables(SparkSession.active(), layerPath).stream()
        .map(table -> Identifier.of(new String[0], table)).toArray(Identifier[]::new);
  }

  /** The names of the Delta tables directly under a layer's folder, sorted; none if the folder is not there. */
  public static List<String> deltaTables(SparkSession spark, String layerPath) {
    Path layer = new Path(layerPath);
    List<String> tables = new ArrayList<>();
    try {
      FileSystem fs = layer.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(layer)) {
        return tables;
      }
      for (FileStatus status : fs.listStatus(layer)) {
        if (status.isDirectory() && fs.exists(new Path(status.getPath(), "_delta_log"))) {
          tables.add(status.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + layerPath, e);
    }
    tables.sort(null);
    return tables;
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    if (ident.namespace().length > 0) {
      throw new NoSuchTableException(ident);
    }
    String path = layerPath + "/" + ident.name();
    SparkSession spark = SparkSession.active();
    if (!DeltaTable.isDeltaTable(spark, path)) {
      throw new NoSuchTableException(ident);
    }
    TableCatalog delta = (TableCatalog) spark.sessionState().catalogManager().catalog("spark_catalog");
    return delta.loadTable(Identifier.of(new String[] {"delta"}, path));
  }

  @Override
  public Table createTable(Identifier ident, Column[] columns, Transform[] partitions, Map<String, String> properties) {
    throw readOnly(ident);
  }

  @Override
  @SuppressWarnings("deprecation")
  public Table createTable(Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties) {
    throw readOnly(ident);
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw readOnly(ident);
  }

  @Override
  public boolean dropTable(Identifier ident) {
    throw readOnly(ident);
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw readOnly(oldIdent);
  }

  private UnsupportedOperationException readOnly(Identifier ident) {
    return new UnsupportedOperationException(
        name + "." + ident.name() + ": the lake's tables are created and changed by fleetlake's jobs, not through SQL DDL");
  }
}
