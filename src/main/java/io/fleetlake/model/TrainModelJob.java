package io.fleetlake.model;

import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.WriterLease;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.SparkSessions;
import io.fleetlake.lake.TableLease;
import io.fleetlake.model.FuelModel;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * gold/resource_usage_features → a fuel model (Spark MLlib), its metrics row in gold/model_metrics and its test
 * predictions in gold/model_predictions, printed beside the naive baseline:
 *
 * <pre>
 * train-model: fuel_used_l from gold/resource_usage_features (version 7): 54 unit-days to train (before 2026-11-22), 53 to test
 *                 MAE        RMSE     R²
 *   model          41.2      160.3    0.9991
 *   baseline    1,804.5    4,210.7    0.4012   (mean fuel of the unit's type)
 * </pre>
 */
public final class TrainModelJob implements Job {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.TRAIN_MODEL, """
      Trains the baseline fuel model on gold/resource_usage_features: the latest --test-days are held out for
      testing. Writes the model under <lake.root>/models/, a row to gold/model_metrics (the same data trained
      twice replaces its row) and the test predictions to gold/model_predictions. Run gold first.""",
      JobOptions.integer("--test-days", 1, "the latest days held out for testing; default fleetlake.model.test-days"))
      .withConfig();

  @Override
  public int run(JobContext context) throws Exception {
    Settings settings = context.settings();
    int testDays = OPTIONS.parse(context.args()).intValue("--test-days", settings.model().testDays());
    SparkSession spark = SparkSessions.create(settings, context.jobName());
    try (TableLease lease = WriterLease.take(spark, context,
        List.of(FleetTable.MODEL_METRICS.id(), FleetTable.MODEL_PREDICTIONS.id()))) {
      FuelModel.Metrics m;
      try {
        m = new FuelModel(settings.lake()).train(spark, testDays);
      } catch (IllegalStateException e) {
        throw new JobFailedException(e.getMessage());
      }
      PrintStream out = context.out();
      out.printf("train-model: fuel_used_l from gold/resource_usage_features (version %d): %,d unit-days to train "
          + "(before %s), %,d to test%n", m.featuresVersion(), m.trainRows(), m.splitDate(), m.testRows());
      out.printf("  %-10s %12s %12s %9s%n", "", "MAE", "RMSE", "R²");
      out.printf("  %-10s %,12.1f %,12.1f %9.4f%n", "model", m.mae(), m.rmse(), m.r2());
      out.printf("  %-10s %,12.1f %,12.1f %9.4f   (mean fuel of the unit's type)%n", "baseline", m.baselineMae(),
          m.baselineRmse(), m.baselineR2());
      out.printf("  the model's MAE is %.1f %% of the baseline's; saved to %s%n", 100 * m.mae() / m.baselineMae(), m.modelPath());
      return Job.OK;
    } finally {
      SparkSessions.release(spark);
    }
  }
}
