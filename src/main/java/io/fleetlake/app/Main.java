package io.fleetlake.app;

import io.fleetlake.config.ConfigLoader;
import io.fleetlake.config.InvalidSettingException;
import io.fleetlake.config.Settings;
import java.io.PrintStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jar's entry point: {@code spark-submit fleetlake.jar <job> [--config FILE] [--available-now]}.
 *
 * <p>Exit codes: 0 done; 1 the job failed; 2 the command line or the config is wrong (the message names the
 * argument or key).
 */
public final class Main {
  static final int USAGE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  /** A run of the jar's command line with this environment and these streams (main's own, or a test's). */
  public Main(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    io.fleetlake.config.CredentialSafeLogging.apply();
    int code = new Main(System.getenv(), System.out, System.err).run(args);
    // returning normally lets spark-submit report success in cluster mode too
    if (code != Job.OK) {
      System.exit(code);
    }
  }

  /** Runs the command line {@code args} (a job and its options); returns the exit code. */
  public int run(String... args) {
    CommandLine commandLine;
    try {
      commandLine = CommandLine.parse(args);
    } catch (UsageException e) {
      return usageError(e.getMessage());
    }
    if (commandLine.version()) {
      out.println(BuildInfo.current().line());
      return Job.OK;
    }
    if (commandLine.job().isEmpty()) {
      if (commandLine.help()) {
        out.println(usage());
        return Job.OK;
      }
      return usageError("no job given");
    }
    String name = commandLine.job().get();
    FleetJob job = FleetJob.byName(name).orElse(null);
    if (job == null) {
      err.println("fleetlake: unknown job '" + name + "'. The jobs are:\n" + FleetJob.listing());
      return USAGE;
    }
    if (commandLine.help()) {
      out.println(job.jobName() + ": " + job.summary() + "\n\n" + job.usage());
      return Job.OK;
    }
    Settings settings;
    try {
      settings = Settings.load(commandLine.configFiles(), env);
    } catch (InvalidSettingException e) {
      err.println("fleetlake: " + e.getMessage());
      return USAGE;
    }
    for (String variable : ConfigLoader.unusedEnvironmentVariables(env)) {
      err.println("fleetlake: warning: environment variable " + variable + " matches no setting and is ignored");
    }
    if (commandLine.printConfig()) {
      out.print(settings.render());
      return Job.OK;
    }
    try {
      return job.create().run(new JobContext(name, settings, commandLine.availableNow(), commandLine.jobArgs(), out));
    } catch (UsageException e) {
      err.println("fleetlake " + name + ": " + e.getMessage() + "\n" + job.usage());
      return USAGE;
    } catch (InvalidSettingException e) {
      err.println("fleetlake: " + e.getMessage());
      return USAGE;
    } catch (JobFailedException e) {
      err.println("fleetlake " + name + ": " + e.getMessage());
      return Job.FAILED;
    } catch (Exception e) {
      LOG.error("job {} failed", name, e);
      err.println("fleetlake: job '" + name + "' failed: " + e);
      return Job.FAILED;
    }
  }

  private int usageError(String message) {
    err.println("fleetlake: " + message + "\n\n" + usage());
    return USAGE;
  }

  static String usage() {
    return "Usage: spark-submit [spark options] fleetlake.jar <job> [--config FILE]... [--available-now] [job options]\n\n"
        + "Jobs:\n" + FleetJob.listing() + "\n\n"
        + "Options for every job:\n"
        + "  --config FILE      a config overlay (conf/local.conf, conf/emr.conf, your own); later files win\n"
        + "  --available-now    process what is there, then exit (tests, scheduled EMR steps)\n"
        + "  --print-config     print the effective config, secrets masked, and exit\n"
        + "  --help             this text; <job> --help for the job's own options\n"
        + "  --version          the jar's version and build, and the Spark, Scala, Delta, Hadoop it is built for\n\n"
        + "Environment: FLEETLAKE_<KEY> overrides a key (FLEETLAKE_LAKE_ROOT for fleetlake.lake.root);\n"
        + "secrets only from FLEETLAKE_S3_ACCESS_KEY, FLEETLAKE_S3_SECRET_KEY, FLEETLAKE_POSTGRES_PASSWORD,\n"
        + "FLEETLAKE_WEATHER_API_KEY.\n"
        + "Exit codes: 0 done, 1 failed, 2 bad command line or config (the message names the argument or key).";
  }
}
