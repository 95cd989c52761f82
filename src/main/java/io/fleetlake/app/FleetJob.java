package io.fleetlake.app;

import io.fleetlake.bench.BenchJob;
import io.fleetlake.bronze.IngestLocationsJob;
import io.fleetlake.catalog.CatalogJob;
import io.fleetlake.erase.EraseJob;
import io.fleetlake.gold.GoldJob;
import io.fleetlake.health.DoctorJob;
import io.fleetlake.local.simulator.SimulateJob;
import io.fleetlake.maintain.MaintainJob;
import io.fleetlake.model.TrainModelJob;
import io.fleetlake.pipeline.RunAllJob;
import io.fleetlake.report.ReportJob;
import io.fleetlake.silver.SilverDimensionsJob;
import io.fleetlake.silver.SilverLocationsJob;
import io.fleetlake.sources.PollSourcesJob;
import io.fleetlake.sql.SqlJob;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Every entry point of the jar: the jobs of the command line. */
public enum FleetJob {
  INGEST_LOCATIONS(JobName.INGEST_LOCATIONS, "stream: Kafka fleet.locations → bronze/locations (+ quarantine, quality results)",
      IngestLocationsJob.OPTIONS, IngestLocationsJob::new),
  POLL_SOURCES(JobName.POLL_SOURCES, "stream, hourly: Postgres transport_units, unit_performance → bronze",
      PollSourcesJob.OPTIONS, PollSourcesJob::new),
  SILVER_DIMENSIONS(JobName.SILVER_DIMENSIONS, "stream: bronze polled tables → silver/dim_transport_units (SCD2), silver/unit_performance",
      SilverDimensionsJob.OPTIONS, SilverDimensionsJob::new),
  SILVER_LOCATIONS(JobName.SILVER_LOCATIONS, "stream: bronze/locations → silver/locations_enriched (weather, unit attributes)",
      SilverLocationsJob.OPTIONS, SilverLocationsJob::new),
  GOLD(JobName.GOLD, "stream: silver → gold/unit_activity_hourly, gold/fleet_daily, gold/resource_usage_features",
      GoldJob.OPTIONS, GoldJob::new),
  RUN_ALL(JobName.RUN_ALL, "every streaming query above in one Spark application", RunAllJob.OPTIONS, RunAllJob::new),
  MAINTAIN(JobName.MAINTAIN, "batch: OPTIMIZE / Z-order / VACUUM, symlink manifests", MaintainJob.OPTIONS, MaintainJob::new),
  CATALOG(JobName.CATALOG, "batch: register the tables in the metastore (Glue on EMR), print Athena DDL",
      CatalogJob.OPTIONS, CatalogJob::new),
  SIMULATE(JobName.SIMULATE, "produce a realistic fleet to Kafka and Postgres", SimulateJob.OPTIONS, SimulateJob::new),
  TRAIN_MODEL(JobName.TRAIN_MODEL, "batch: baseline resource-usage model from gold/resource_usage_features",
      TrainModelJob.OPTIONS, TrainModelJob::new),
  REPORT(JobName.REPORT, "render the gold tables to a self-contained HTML dashboard", ReportJob.OPTIONS, ReportJob::new),
  BENCH(JobName.BENCH, "measure the performance ratios P1–P9 against the local stack (throwaway topics, databases, lakes)",
      BenchJob.OPTIONS, BenchJob::new),
  DOCTOR(JobName.DOCTOR, "check every configured endpoint (Kafka, Postgres, S3, weather) and say what is wrong",
      DoctorJob.OPTIONS, DoctorJob::new),
  SQL(JobName.SQL, "run one SQL statement over the lake (<layer>.<name> tables) and print the result",
      SqlJob.OPTIONS, SqlJob::new),
  ERASE(JobName.ERASE, "remove one unit's rows from every layer (and recompute gold) while streams run",
      EraseJob.OPTIONS, EraseJob::new);

  private final JobName name;
  private final String summary;
  private final JobOptions options;
  private final Supplier<Job> factory;

  FleetJob(JobName name, String summary, JobOptions options, Supplier<Job> factory) {
    this.name = name;
    this.summary = summary;
    this.options = options;
    this.factory = factory;
  }

  public String jobName() {
    return name.command();
  }

  String summary() {
    return summary;
  }

  String usage() {
    return options.usage();
  }

  public JobOptions options() {
    return options;
  }

  public Job create() {
    return factory.get();
  }

  public static Optional<FleetJob> byName(String name) {
    return Arrays.stream(values()).filter(j -> j.jobName().equals(name)).findFirst();
  }

  /** The job list of --help: one line a job. */
  static String listing() {
    return Arrays.stream(values())
        .map(j -> String.format("  %-18s %s", j.jobName(), j.summary))
        .collect(Collectors.joining("\n"));
  }
}
