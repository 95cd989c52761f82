package io.fleetlake.local.simulator;

import io.fleetlake.app.Arguments;
import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
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
  public static final String USAGE = """
      Usage: simulate [--units 60] [--days 2] [--seed 42] [--start YYYY-MM-DD] [--duplicates 1] [--late 1]
                      [--malformed 1] [--odd 0.5] [--manifest simulation-manifest.json]
                      [--follow [--speedup 60] [--follow-minutes M]]
        A ping per unit every 15 simulated minutes over the period (default: the last --days full days, UTC),
        sent to fleetlake.kafka.topic as fast as the broker takes them; transport_units and unit_performance
        written to Postgres (tables created if missing). Percentages of pings: --duplicates re-sent with the
        same event_id, --late sent 2–8 h after their event_time, --malformed broken records added (12 kinds),
        --odd pings with a soft oddity. The counts go to the manifest (JSON). --follow then keeps producing
        live pings, --speedup simulated seconds per second, for --follow-minutes (default: until stopped).""";

  @Override
  public int run(JobContext context) throws Exception {
    Arguments args = new Arguments(context.args());
    int units = args.intValue("--units", 60, 3);
    int days = args.intValue("--days", 2, 1);
    long seed = args.intValue("--seed", 42, 0);
    LocalDate start = args.date("--start", LocalDate.now(ZoneOffset.UTC).minusDays(days));
    Simulation.Options options = new Simulation.Options(units, days, seed, start,
        args.percent("--duplicates", 1), args.percent("--late", 1), args.percent("--malformed", 1), args.percent("--odd", 0.5));
    Path manifest = Path.of(args.text("--manifest", "simulation-manifest.json"));
    FleetSimulator.Follow follow = null;
    if (args.flag("--follow")) {
      int minutes = args.intValue("--follow-minutes", 0, 0);
      follow = new FleetSimulator.Follow(args.percent("--speedup", 60), minutes == 0 ? null : Duration.ofMinutes(minutes));
    }
    args.refuseTheRest();
    new FleetSimulator(context.settings().kafka(), context.settings().postgres(), context.out()).run(options, manifest, follow);
    return Job.OK;
  }
}
