package io.fleetlake.app;

/**
 * The jobs as the command line names them: the one place each name is spelled, for the command line, emr-submit
 * and bench. Plain Java without Spark, so that emr-submit, which runs without Spark, can load it; the jobs' code is
 * {@link FleetJob}'s.
 */
public enum JobName {
  INGEST_LOCATIONS("ingest-locations"),
  POLL_SOURCES("poll-sources"),
  SILVER_DIMENSIONS("silver-dimensions"),
  SILVER_LOCATIONS("silver-locations"),
  GOLD("gold"),
  RUN_ALL("run-all"),
  MAINTAIN("maintain"),
  CATALOG("catalog"),
  SIMULATE("simulate"),
  TRAIN_MODEL("train-model"),
  REPORT("report"),
  BENCH("bench"),
  DOCTOR("doctor"),
  SQL("sql"),
  ERASE("erase");

  private final String command;

  JobName(String command) {
    this.command = command;
  }

  /** The name on the command line, e.g. ingest-locations. */
  public String command() {
    return command;
  }
}
