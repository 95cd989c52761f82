package io.fleetlake.erase;

import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.config.Settings;
import io.fleetlake.erase.ErasureQueue;
import io.fleetlake.erase.ErasureRequest;
import io.fleetlake.erase.UnitErasure;
import io.fleetlake.lake.SparkSessions;
import io.fleetlake.lake.TableLease;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Removes one unit's rows from bronze, silver and gold, and recomputes the fleet's days in gold without it:
 *
 * <pre>
 * erase: unit TER-007, all rows: asked (request 1764…); run-all on host etl-1 (pid 4121) writes the lake and carries it out
 * erase unit TER-007, all rows: bronze/locations 192, bronze/locations_quarantine 3, …; gold/fleet_daily recomputed for 2 days
 * </pre>
 *
 * While streams run, the tables belong to run-all (one writer per table): the request is queued in the lake and
 * run-all carries it out between micro-batches; with no writer, erase carries it out itself.
 */
public final class EraseJob implements Job {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.ERASE, """
      Removes the unit's rows from every layer — pings, quarantined records keyed by it, polled rows,
      silver's versions, pings and performance, gold's hours and unit-days, model predictions — and
      recomputes gold/fleet_daily for the days it was part of. While run-all streams, run-all carries the
      erasure out between its micro-batches and erase waits for it; with no job writing the lake, erase does it.
      Later batches never bring the rows back: a lost checkpoint does not re-read their Kafka records, and
      rows of the unit that reach silver late are dropped. The source database keeps its own copy: erase
      the unit there too, or its next change is polled again.""",
      JobOptions.text("--unit", "ID", "the unit whose rows are removed").required(),
      JobOptions.date("--before", "only rows dated before that day (the unit's descriptions stay)"),
      JobOptions.integer("--wait-minutes", 0, "how long to wait for run-all to carry the erasure out; default 10"))
      .withConfig();
  private static final Duration LOOK_EVERY = Duration.ofSeconds(2);

  @Override
  public int run(JobContext context) throws Exception {
    Settings settings = context.settings();
    JobOptions.Parsed args = OPTIONS.parse(context.args());
    String unit = args.text("--unit", null);
    LocalDate before = args.date("--before", null);
    int waitMinutes = args.intValue("--wait-minutes", 10);
    PrintStream out = context.out();
    SparkSession spark = SparkSessions.create(settings, context.jobName());
    try {
      ErasureQueue queue = new ErasureQueue(settings.lake(), spark.sparkContext().hadoopConfiguration());
      ErasureRequest request = queue.submit(unit, Optional.ofNullable(before), Instant.now());
      List<String> tables = UnitErasure.tables(settings.poll().bronzeTables());
      Instant until = Instant.now().plus(Duration.ofMinutes(waitMinutes));
      boolean told = false;
      while (true) {
        Optional<String> done = queue.result(request);
        if (done.isPresent()) {
          out.println(done.get());
          return Job.OK;
        }
        TableLease lease;
        try {
          lease = TableLease.acquire(spark.sparkContext().hadoopConfiguration(), settings.lake().root(), tables,
              context.jobName(), settings.lake().leaseTtl(), Clock.systemUTC());
        } catch (TableLease.LeaseHeldException held) {
          // the writer carries the request out; should it stop meanwhile, the next look takes the lease instead
          told = told || tellWaiting(request, held, waitMinutes, out);
          if (Instant.now().isAfter(until)) {
            throw new JobFailedException("request " + request.id() + " was not carried out within " + waitMinutes
                + " min: " + held.getMessage() + ". It stays queued: run-all carries it out when it runs, and so "
                + "does the next erase when no job writes the lake");
          }
          Thread.sleep(LOOK_EVERY.toMillis()); // the next look: one small file and one lease in the lake
          continue;
        }
        try (lease) {
          out.println("erase: " + request.describe() + ": no job writes the lake; erasing");
          out.flush();
          UnitErasure.Result result = new UnitErasure(spark, settings.lake(), settings.poll().bronzeTables(), settings.gold())
              .erase(request);
          queue.markDone(request, result.line());
          out.println(result.line());
          return Job.OK;
        }
      }
    } finally {
      SparkSessions.release(spark);
    }
  }

  private static boolean tellWaiting(ErasureRequest request, TableLease.LeaseHeldException held, int waitMinutes,
                                     PrintStream out) {
    TableLease.Holder holder = held.holder();
    String who = "run-all".equals(holder.job())
        ? "run-all on host " + holder.host() + " (pid " + holder.pid() + ") writes the lake and carries it out between "
            + "its micro-batches"
        : held.getMessage() + "; erasures are carried out by run-all, or by erase once no job writes the lake";
    out.printf("erase: %s: asked (request %s); %s; waiting up to %d min%n", request.describe(), request.id(), who,
        waitMinutes);
    out.flush();
    return true;
  }
}
