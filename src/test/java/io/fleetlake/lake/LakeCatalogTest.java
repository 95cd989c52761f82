package io.fleetlake.lake;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.testing.TestSpark;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LakeCatalogTest {
  private static final StructType UNITS = new StructType()
      .add("unit_id", DataTypes.StringType)
      .add("unit_type", DataTypes.StringType);

  private static SparkSession spark;
  private static String root;

  @BeforeAll
  static void writeATable() {
    spark = TestSpark.session();
    root = spark.conf().get("spark.sql.catalog.bronze.path");
    units(RowFactory.create("ship-1", "maritime"), RowFactory.create("plane-1", "aerial"))
        .write().format("delta").mode("overwrite").save(root + "/units");
  }

  private static Dataset<Row> units(Row... rows) {
    return spark.createDataFrame(List.of(rows), UNITS);
  }

  @Test
  void aTableIsAddressedAsLayerDotName() {
    assertSameRows(units(RowFactory.create("ship-1", "maritime"), RowFactory.create("plane-1", "aerial")),
        spark.sql("SELECT * FROM bronze.units"));
  }

  @Test
  void showTablesListsTheLayersDeltaTables() {
    List<Row> tables = spark.sql("SHOW TABLES IN bronze").collectAsList();
    assertTrue(tables.stream().anyMatch(r -> r.getString(1).equals("units")), tables.toString());
  }

  @Test
  void everyLayerIsACatalogOnItsOwnFolder() {
    for (Layer layer : Layer.values()) {
      String path = spark.conf().get("spark.sql.catalog." + layer.sqlName() + ".path");
      assertTrue(path.endsWith("/" + layer.folder()), path);
    }
  }

  @Test
  void aMissingTableIsTableNotFound() {
    AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql("SELECT * FROM silver.nothing_here"));
    assertTrue(e.getMessage().contains("TABLE_OR_VIEW_NOT_FOUND"), e.getMessage());
  }

  @Test
  void ddlThroughTheLakeCatalogIsRefused() {
    Exception e = assertThrows(Exception.class, () -> spark.sql("DROP TABLE bronze.units"));
    assertTrue(e.getMessage().contains("bronze.units: the lake's tables are created and changed by fleetlake's jobs"),
        e.getMessage());
    assertEquals(2, spark.sql("SELECT * FROM bronze.units").count());
  }
}
