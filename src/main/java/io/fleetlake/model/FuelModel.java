package io.fleetlake.model;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expm1;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.DeltaWrites;
import io.fleetlake.lake.FleetTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The baseline fuel model: fuel burnt is distance times a rate per vehicle class, scaled by load and weather —
 * multiplicative, so a linear regression on logarithms: log(1 + fuel) from log(1 + km), the class (unit type
 * and fuel type, one-hot), the capacity, the payload share, wind and precipitation. Trained on the earlier
 * days of gold/resource_usage_features, tested on the latest ones, and compared with the naive baseline that
 * predicts the mean fuel of the unit's type.
 */
public final class FuelModel {
  public static final String NAME = "fuel_used_l-loglinear";
  private static final String FEATURES = """
      SELECT *, log1p(distance_km) AS log_km, log1p(coalesce(max_payload_kg, 0) / 1000) AS log_capacity_t,
             coalesce(payload_share, 0) AS load_share, coalesce(mean_wind_speed_kmh, 0) AS wind_kmh,
             coalesce(mean_precipitation_mm, 0) AS precipitation_mm,
             concat(coalesce(unit_type, 'unknown'), '/', coalesce(fuel_type, 'unknown')) AS vehicle_class,
             log1p(fuel_used_l) AS log_fuel
      FROM __THIS__""";

  /** Errors of the model and of the baseline on the test days. */
  public record Metrics(Date splitDate, long trainRows, long testRows, double mae, double rmse, double r2,
                        double baselineMae, double baselineRmse, double baselineR2, long featuresVersion, String modelPath) {}

  private final LakeSettings lake;

  public FuelModel(LakeSettings lake) {
    this.lake = lake;
  }

  /** Trains, evaluates and writes the model, its metrics row and its test predictions to the lake. */
  public Metrics train(SparkSession spark, int testDays) {
    String path = FleetTable.RESOURCE_USAGE_FEATURES.path(lake);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      throw new IllegalStateException(path + " does not exist yet: run gold first");
    }
    // the features' version is the last commit that changed rows: maintain's OPTIMIZE, VACUUM and property
    // commits leave the data as it was, and training again on it must replace its metrics row, not add one
    long version = DeltaTable.forPath(spark, path).history()
        .filter(not(col("operation").isin("OPTIMIZE", "VACUUM START", "VACUUM END", "SET TBLPROPERTIES",
            "UNSET TBLPROPERTIES", "UPGRADE PROTOCOL")))
        .select(max("version")).as(Encoders.LONG()).first();
    Dataset<Row> labelled = spark.read().format("delta").option("versionAsOf", version).load(path)
        .filter("fuel_used_l IS NOT NULL AND distance_km IS NOT NULL").cache();
    List<Date> days = labelled.select("stat_date").distinct().orderBy(col("stat_date").desc()).as(Encoders.DATE()).collectAsList();
    if (days.size() <= testDays) {
      throw new IllegalStateException("gold/resource_usage_features has fuel figures for " + days.size() + " day(s); "
          + "a time-based split with " + testDays + " test day(s) needs at least " + (testDays + 1));
    }
    Date split = days.get(testDays - 1);
    Dataset<Row> train = labelled.filter(col("stat_date").lt(lit(split)));
    Dataset<Row> test = labelled.filter(col("stat_date").geq(lit(split)));

    PipelineModel model = pipeline().fit(train);
    Dataset<Row> typeMeans = train.groupBy("unit_type").agg(avg("fuel_used_l").as("baseline_fuel_l"));
    double overallMean = train.agg(avg("fuel_used_l")).first().getDouble(0);
    Dataset<Row> predictions = model.transform(test)
        .withColumn("predicted_fuel_l", expm1(col("prediction")))
        .join(typeMeans, new String[] {"unit_type"}, "left")
        .withColumn("baseline_fuel_l", coalesce(col("baseline_fuel_l"), lit(overallMean)))
        .select(col("stat_date"), col("unit_id"), col("unit_type"), col("vehicle_class"), col("distance_km"),
            col("fuel_used_l"), col("predicted_fuel_l"), col("baseline_fuel_l"))
        .cache();
    String modelPath = lake.layer("models") + "/fuel_used_l/features-v" + version;
    try {
      model.write().overwrite().save(modelPath);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + modelPath, e);
    }
    Metrics metrics = new Metrics(split, train.count(), predictions.count(),
        error(predictions, "predicted_fuel_l", "mae"), error(predictions, "predicted_fuel_l", "rmse"),
        error(predictions, "predicted_fuel_l", "r2"), error(predictions, "baseline_fuel_l", "mae"),
        error(predictions, "baseline_fuel_l", "rmse"), error(predictions, "baseline_fuel_l", "r2"), version, modelPath);
    predictions.withColumn("model", lit(NAME)).withColumn("features_version", lit(version))
        .write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .save(FleetTable.MODEL_PREDICTIONS.path(lake));
    writeMetrics(spark, metrics);
    labelled.unpersist();
    predictions.unpersist();
    return metrics;
  }

  private static Pipeline pipeline() {
    StringIndexer vehicleClass = new StringIndexer().setInputCol("vehicle_class").setOutputCol("vehicle_class_index")
        .setHandleInvalid("keep");
    OneHotEncoder oneHot = new OneHotEncoder().setInputCols(new String[] {"vehicle_class_index"})
        .setOutputCols(new String[] {"vehicle_class_vector"}).setHandleInvalid("keep");
    VectorAssembler features = new VectorAssembler()
        .setInputCols(new String[] {"log_km", "log_capacity_t", "load_share", "wind_kmh", "precipitation_mm", "vehicle_class_vector"})
        .setOutputCol("features");
    LinearRegression regression = new LinearRegression().setLabelCol("log_fuel").setFeaturesCol("features")
        .setRegParam(0.001);
    return new Pipeline().setStages(new PipelineStage[] {new SQLTransformer().setStatement(FEATURES), vehicleClass, oneHot,
        features, regression});
  }

  private static double error(Dataset<Row> predictions, String predicted, String metric) {
    return new RegressionEvaluator().setLabelCol("fuel_used_l").setPredictionCol(predicted).setMetricName(metric)
        .evaluate(predictions);
  }

  /** One row per model and features version: training again on the same data replaces it. */
  private void writeMetrics(SparkSession spark, Metrics m) {
    Dataset<Row> row = spark.createDataFrame(List.of(RowFactory.create(NAME, "fuel_used_l",
            m.featuresVersion(), m.splitDate(), m.trainRows(), m.testRows(), m.mae(), m.rmse(), m.r2(), m.baselineMae(),
            m.baselineRmse(), m.baselineR2(), m.modelPath())),
        new StructType()
            .add("model", "string").add("label", "string").add("features_version", "long").add("split_date", "date")
            .add("train_rows", "long").add("test_rows", "long").add("mae", "double").add("rmse", "double")
            .add("r2", "double").add("baseline_mae", "double").add("baseline_rmse", "double").add("baseline_r2", "double")
            .add("model_path", "string"))
        .withColumn("trained_at", current_timestamp());
    DeltaWrites.createOrMerge(spark, FleetTable.MODEL_METRICS.path(lake), row::write, target -> target.as("t")
        .merge(row.as("s"), "t.model = s.model AND t.features_version = s.features_version")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute());
  }
}
