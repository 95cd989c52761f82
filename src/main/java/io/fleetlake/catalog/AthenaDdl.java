package io.fleetlake.catalog;

import io.fleetlake.lake.Layer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Athena DDL for lake tables, in both of Athena's forms: a native Delta table (engine v3: schema, files and
 * statistics from the Delta log, nothing to refresh) and an external Parquet table over the symlink-format
 * manifest (older engines, Redshift Spectrum, Lake Formation's cell-level rules: the manifest lists the live
 * files; its partitions are loaded with MSCK REPAIR TABLE).
 */
public final class AthenaDdl {
  private final String databasePrefix;

  /** @param databasePrefix Athena's database of a layer is this + the layer's SQL name */
  public AthenaDdl(String databasePrefix) {
    this.databasePrefix = databasePrefix;
  }

  /** One script: the databases, then per table its native and its symlink form. */
  public String script(List<LakeTable> tables) {
    StringBuilder sql = new StringBuilder();
    sql.append("-- Athena DDL for ").append(tables.size()).append(" fleetlake tables: run in a workgroup on engine v3.\n")
        .append("-- <table>: native Delta. <table>_symlink: Parquet through the symlink manifest (kept by maintain).\n");
    if (tables.stream().anyMatch(t -> !t.path().startsWith("s3"))) {
      sql.append("-- Some tables are not on S3 (").append(tables.stream().filter(t -> !t.path().startsWith("s3"))
          .map(LakeTable::path).findFirst().orElseThrow()).append("): Athena cannot read those.\n");
    }
    Set<Layer> layers = new LinkedHashSet<>();
    tables.forEach(t -> layers.add(t.layer()));
    for (Layer layer : layers) {
      sql.append("\nCREATE DATABASE IF NOT EXISTS ").append(database(layer)).append(";\n");
    }
    for (LakeTable table : tables) {
      sql.append('\n').append(nativeDelta(table)).append('\n').append(symlink(table));
    }
    return sql.toString();
  }

  public String database(Layer layer) {
    return databasePrefix + layer.sqlName();
  }

  /** Athena engine v3's native Delta table: it reads schema and files from the Delta log itself. */
  public String nativeDelta(LakeTable table) {
    return "-- " + table.sqlName() + ": native Delta\n"
        + "CREATE EXTERNAL TABLE IF NOT EXISTS " + database(table.layer()) + "." + table.name() + "\n"
        + "LOCATION '" + s3(table.path()) + "'\n"
        + "TBLPROPERTIES ('table_type' = 'DELTA');\n";
  }

  /** The Parquet table over the manifest; for a table without one yet, a comment says how it gets one. */
  public String symlink(LakeTable table) {
    String name = database(table.layer()) + "." + table.name() + "_symlink";
    List<String> columns = new ArrayList<>();
    List<String> partitions = new ArrayList<>();
    for (StructField field : table.schema().fields()) {
      String column = "  `" + field.name() + "` " + type(field.dataType());
      (table.partitionColumns().contains(field.name()) ? partitions : columns).add(column);
    }
    StringBuilder sql = new StringBuilder()
        .append("-- ").append(table.sqlName()).append(": Parquet over the symlink manifest\n");
    if (!table.manifest()) {
      sql.append("-- (no manifest yet, so this reads as empty: set manifest = true for ").append(table.layer().folder())
          .append('/').append(table.name()).append(" in fleetlake.maintain.tables and run maintain)\n");
    }
    sql
        .append("CREATE EXTERNAL TABLE IF NOT EXISTS ").append(name).append(" (\n")
        .append(String.join(",\n", columns)).append("\n)\n");
    if (!partitions.isEmpty()) {
      // in the table's partition order, which is the manifest's folder order
      sql.append("PARTITIONED BY (\n").append(table.partitionColumns().stream()
          .map(p -> partitions.stream().filter(c -> c.startsWith("  `" + p + "` ")).findFirst().orElseThrow())
          .collect(Collectors.joining(",\n"))).append("\n)\n");
    }
    sql.append("ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'\n")
        .append("STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'\n")
        .append("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n")
        .append("LOCATION '").append(s3(table.path())).append("/_symlink_format_manifest/';\n");
    if (!partitions.isEmpty()) {
      sql.append("-- loads the partitions there are now; again when a new ")
          .append(String.join(", ", table.partitionColumns())).append(" appears\n")
          .append("MSCK REPAIR TABLE ").append(name).append(";\n");
    }
    return sql.toString();
  }

  /** Athena names S3 s3://, whatever Hadoop connector wrote the lake. */
  static String s3(String path) {
    return path.replaceFirst("^s3a://", "s3://").replaceFirst("^s3n://", "s3://");
  }

  /** The Hive type Athena reads a Spark column's Parquet values as. */
  static String type(DataType type) {
    if (type instanceof StringType) {
      return "string";
    } else if (type instanceof IntegerType) {
      return "int";
    } else if (type instanceof LongType) {
      return "bigint";
    } else if (type instanceof ShortType) {
      return "smallint";
    } else if (type instanceof ByteType) {
      return "tinyint";
    } else if (type instanceof DoubleType) {
      return "double";
    } else if (type instanceof FloatType) {
      return "float";
    } else if (type instanceof BooleanType) {
      return "boolean";
    } else if (type instanceof DateType) {
      return "date";
    } else if (type instanceof TimestampType || type instanceof TimestampNTZType) {
      return "timestamp";
    } else if (type instanceof BinaryType) {
      return "binary";
    } else if (type instanceof DecimalType d) {
      return "decimal(" + d.precision() + "," + d.scale() + ")";
    } else if (type instanceof ArrayType a) {
      return "array<" + type(a.elementType()) + ">";
    } else if (type instanceof MapType m) {
      return "map<" + type(m.keyType()) + "," + type(m.valueType()) + ">";
    } else if (type instanceof StructType s) {
      List<String> fields = new ArrayList<>();
      for (StructField f : s.fields()) {
        fields.add(f.name() + ":" + type(f.dataType()));
      }
      return "struct<" + String.join(",", fields) + ">";
    }
    throw new IllegalArgumentException("no Athena type for Spark's " + type.simpleString());
  }
}
