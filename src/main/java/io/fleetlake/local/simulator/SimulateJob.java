package io.fleetlake.local.simulator;

import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.local.simulator.FleetSimulator;
import io.fleetlake.local.simulator.Simulation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * A realistic fleet into Kafka and Postgres: every later test, the demo and the benchmark use it.
 *
 * <pre>
 * $ scripts/spark-submit target/fleetlake-*.jar simulate --units 60 --days 2 --malformed 2 --config conf/local.conf
 * simulate: 60 units over 2 days from 2026-11-21T00:00:00Z (seed 42)
 * postgres: 66 transport_units versions, 120 unit_performance rows into jdbc:postgresql://127.0.0.1:5432/fleet
 * kafka: 11,981 records to fleet.locations (11,520 pings, 115 late, 115 duplicates, 230 malformed)
 * manifest: /work/fleetlake/simulation-manifest.json
 * </pre>
 */
public final class SimulateJob implements Job {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.SIMULATE, """
      A ping per unit every 15 simulated minutes over the period, sent to fleetlake.kafka.topic as fast as the
      broker takes them; transport_units and unit_performance written to Postgres (tables created if missing).
      The counts go to the manifest (JSON).""",
      JobOptions.integer("--units", 3, "units in the fleet, a third each of aircraft, ships and trucks; default 60")
          .shownAs("60"),
      JobOptions.integer("--days", 1, "days simulated; default 2").shownAs("2"),
      JobOptions.integer("--seed", 0, "the random seed: the same seed, the same fleet; default 42").shownAs("42"),
      JobOptions.date("--start", "the first day; default: the last --days full days (UTC)"),
      JobOptions.number("--duplicates", "% of pings re-sent with the same event_id; default 1").shownAs("1"),
      JobOptions.number("--late", "% of pings sent 2–8 h after their event_time; default 1").shownAs("1"),
      JobOptions.number("--malformed", "broken records added, % of pings (12 kinds); default 1").shownAs("1"),
      JobOptions.number("--odd", "% of pings with a soft oddity; default 0.5").shownAs("0.5"),
      JobOptions.text("--manifest", "FILE", "the counts, as JSON; default simulation-manifest.json")
          .shownAs("simulation-manifest.json"),
      JobOptions.flag("--follow", "then keep producing live pings"),
      JobOptions.number("--speedup", "with --follow: simulated seconds per second; default 60").shownAs("60")
          .within("--follow"),
      JobOptions.integer("--follow-minutes", 0, "with --follow: for how long; default 0, until stopped").shownAs("M")
          .within("--follow"));

  @Override
  public int run(JobContext context) throws Exception {
    JobOptions.Parsed args = OPTIONS.parse(context.args());
    int units = args.intValue("--units", 60);
    int days = args.intValue("--days", 2);
    long seed = args.intValue("--seed", 42);
    LocalDate start = args.date("--start", LocalDate.now(ZoneOffset.UTC).minusDays(days));
    Simulation.Options options = new Simulation.Options(units, days, seed, start,
        args.number("--duplicates", 1), args.number("--late", 1), args.number("--malformed", 1), args.number("--odd", 0.5));
    Path manifest = Path.of(args.text("--manifest", "simulation-manifest.json"));
    FleetSimulator.Follow follow = null;
    if (args.flag("--follow")) {
      int minutes = args.intValue("--follow-minutes", 0);
      follow = new FleetSimulator.Follow(args.number("--speedup", 60), minutes == 0 ? null : Duration.ofMinutes(minutes));
    }
    new FleetSimulator(context.settings().kafka(), context.settings().postgres(), context.out()).run(options, manifest, follow);
    return Job.OK;
  }
}
