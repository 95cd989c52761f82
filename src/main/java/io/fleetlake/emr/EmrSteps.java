package io.fleetlake.emr;

import io.fleetlake.app.JobName;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code aws emr add-steps --steps file://…} JSON for fleetlake's jobs: each step runs {@code spark-submit} in
 * cluster mode through EMR's command-runner.jar, with the jar and the config file from S3 (YARN puts the config in
 * the driver's working folder). Streaming jobs are long-running steps whose driver YARN restarts (they resume from
 * their checkpoints); batch jobs run once, with {@code --available-now}. Plain Java: runs without Spark.
 */
public final class EmrSteps {
  /** Jobs that run until stopped, unless given as JOB:scheduled. */
  static final List<String> STREAMING = commands(JobName.RUN_ALL, JobName.INGEST_LOCATIONS, JobName.SILVER_DIMENSIONS,
      JobName.SILVER_LOCATIONS, JobName.GOLD, JobName.POLL_SOURCES);
  /** Jobs that do their work and exit, meant to be submitted on a schedule; poll-sources:streaming polls on. */
  static final List<String> SCHEDULED = commands(JobName.POLL_SOURCES, JobName.MAINTAIN, JobName.CATALOG,
      JobName.TRAIN_MODEL, JobName.REPORT);
  static final List<String> DEFAULT_JOBS = commands(JobName.RUN_ALL, JobName.CATALOG);

  private static List<String> commands(JobName... jobs) {
    return java.util.Arrays.stream(jobs).map(JobName::command).toList();
  }

  static final String USAGE = """
      Usage: scripts/emr-submit --jar s3://BUCKET/…/fleetlake.jar --config s3://BUCKET/…/emr.conf
                                [--driver-memory 2g] [--executor-memory 4g] [--executor-cores 2]
                                [--num-executors 2] [--conf spark.name=value]… [--delta jar|cluster]
                                [--outputs s3://BUCKET/…/]
                                [--cluster-id j-… --run] [--out FILE] [JOB[:streaming|:scheduled]]…
        Prints the JSON of `aws emr add-steps --cluster-id j-… --steps file://FILE`, one step per JOB (default:
        run-all catalog). run-all, ingest-locations, silver-dimensions, silver-locations and gold are long-running
        streaming steps (JOB:scheduled: an --available-now step instead); poll-sources, maintain, catalog,
        train-model and report are --available-now steps to submit on a schedule. Each step is
        spark-submit --deploy-mode cluster --files <config> <resources> <jar> <job> --config <config's file name>.
        SubmitOptions go to spark-submit, where they beat EMR's spark-defaults (set in the config they would come too
        late): every step gets the driver's and executors' memory and cores; a streaming step also its
        --num-executors with dynamic allocation off, a scheduled step the cluster's dynamic allocation.
        --delta jar (default): the jar carries Delta, keep the cluster's delta-defaults off. --delta cluster: the
        jar is built with -Pemr-delta, and each step loads EMR's Delta from /usr/share/aws/delta/lib.
        --outputs s3://BUCKET/…/: report writes fleet-dashboard.html and catalog athena-ddl.sql there, named in
        the steps' arguments (default: the config's report.output and catalog.athena-ddl-output).
        --out FILE also writes it to FILE; --run submits it with the AWS CLI (needs --cluster-id and `aws`).
        Delta on S3 allows one writing driver per table: a job is refused next to a streaming step that writes
        the same tables (run-all runs every streaming job, and maintains the tables itself).""";

  /** One step. */
  record Step(String name, List<String> args) {}

  /**
   * What each step asks YARN for, as spark-submit options: EMR's spark-defaults set executor memory and cores and
   * turn dynamic allocation on, and a setting fleetlake applies inside the driver comes after them (and after the
   * driver's JVM started), so only spark-submit's own options apply.
   *
   * @param executors a streaming step's fixed executor count (dynamic allocation off: releasing executors between
   *     micro-batches pays their start-up again on the next trigger); scheduled steps keep the cluster's dynamic
   *     allocation
   * @param conf further {@code spark.*} settings for every step, as {@code key=value}
   * @param clusterDelta the jar is the {@code -Pemr-delta} build: Delta comes from the cluster's own jars
   * @param outputs an s3:// folder for the files report and catalog write, named in their steps' arguments (so
   *     that the step itself says where they went); null for the config's report.output and
   *     catalog.athena-ddl-output
   */
  record SubmitOptions(String driverMemory, String executorMemory, int executorCores, int executors, List<String> conf,
      boolean clusterDelta, String outputs) {
    static final SubmitOptions DEFAULT = new SubmitOptions("2g", "4g", 2, 2, List.of(), false, null);
    /** Where EMR 7 installs its Delta (delta-spark.jar since 7.0, delta-core.jar before). */
    static final String CLUSTER_DELTA_JARS = "/usr/share/aws/delta/lib/delta-spark.jar,/usr/share/aws/delta/lib/delta-storage.jar";

    SubmitOptions {
      requireMemory("--driver-memory", driverMemory);
      requireMemory("--executor-memory", executorMemory);
      if (executorCores < 1) {
        fail("--executor-cores " + executorCores + ": at least 1");
      }
      if (executors < 1) {
        fail("--num-executors " + executors + ": at least 1");
      }
      for (String setting : conf) {
        if (!setting.matches("spark\\.[A-Za-z0-9._-]+=.*")) {
          fail("--conf " + setting + ": a Spark setting as spark.name=value");
        }
      }
      conf = List.copyOf(conf);
      if (outputs != null && !outputs.matches("s3://[^/]+/(.*/)?")) {
        fail("--outputs " + outputs + ": an s3:// folder, ending in /, e.g. s3://my-fleet-lake/outputs/");
      }
    }

    /** The job's own arguments for where its file goes, if --outputs was given. */
    List<String> outputArguments(String job) {
      if (outputs == null) {
        return List.of();
      }
      return switch (job) {
        case "report" -> List.of("--output", outputs + "fleet-dashboard.html");
        case "catalog" -> List.of("--athena-ddl", outputs + "athena-ddl.sql");
        default -> List.of();
      };
    }

    List<String> options(boolean streaming) {
      List<String> options = new ArrayList<>(List.of("--driver-memory", driverMemory, "--executor-memory", executorMemory,
          "--executor-cores", Integer.toString(executorCores)));
      if (streaming) {
        options.addAll(List.of("--num-executors", Integer.toString(executors), "--conf", "spark.dynamicAllocation.enabled=false"));
      }
      if (clusterDelta) {
        // whether or not the cluster's delta-defaults put them on the classpath already: named, they load either way
        options.addAll(List.of("--jars", CLUSTER_DELTA_JARS));
      }
      conf.forEach(setting -> options.addAll(List.of("--conf", setting)));
      return options;
    }

    /** Spark's sizes (JavaUtils.byteStringAs): a number and a unit; without one YARN reads MiB, a trap. */
    private static void requireMemory(String option, String value) {
      if (value == null || !value.matches("(?i)[1-9][0-9]*(k|m|g|t)b?")) {
        fail(option + " " + value + ": a size such as 512m or 4g");
      }
    }
  }

  private EmrSteps() {}

  /**
   * @param jobs job names, each optionally suffixed :streaming or :scheduled (poll-sources can be either)
   */
  static List<Step> steps(String jar, String config, List<String> jobs) {
    return steps(jar, config, jobs, SubmitOptions.DEFAULT);
  }

  static List<Step> steps(String jar, String config, List<String> jobs, SubmitOptions resources) {
    requireS3("--jar", jar, ".jar");
    requireS3("--config", config, ".conf");
    String configName = config.substring(config.lastIndexOf('/') + 1);
    Set<String> seen = new LinkedHashSet<>();
    List<Step> steps = new ArrayList<>();
    for (String spec : jobs) {
      String job = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
      String mode = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : "";
      if (!STREAMING.contains(job) && !SCHEDULED.contains(job)) {
        fail("unknown job '" + job + "': one of " + new LinkedHashSet<>(concat(STREAMING, SCHEDULED)));
      }
      boolean streaming = switch (mode) {
        case "streaming" -> STREAMING.contains(job) ? true : fail(job + " cannot run as a streaming step");
        case "scheduled" -> false;
        case "" -> !SCHEDULED.contains(job);
        default -> fail("unknown mode '" + mode + "' in " + spec + ": streaming or scheduled");
      };
      if (!seen.add(job)) {
        fail(job + " is given twice: two drivers would write the same tables");
      }
      List<String> args = new ArrayList<>(List.of("spark-submit", "--deploy-mode", "cluster", "--files", config));
      args.addAll(resources.options(streaming));
      if (streaming) {
        // a failed driver is restarted and resumes from its checkpoints; four failures within an hour end the step
        args.addAll(List.of("--conf", "spark.yarn.maxAppAttempts=4", "--conf", "spark.yarn.am.attemptFailuresValidityInterval=1h"));
      }
      args.addAll(List.of(jar, job, "--config", configName));
      args.addAll(resources.outputArguments(job));
      if (!streaming) {
        args.add("--available-now");
      }
      steps.add(new Step("fleetlake " + job + (streaming ? " (streaming)" : " (scheduled)"), args));
    }
    List<String> streamingJobs = steps.stream().filter(step -> step.name().endsWith("(streaming)"))
        .map(step -> step.args().get(step.args().indexOf(jar) + 1)).toList();
    for (String job : seen) {
      if (streamingJobs.contains("run-all") && !job.equals("run-all") && STREAMING.contains(job)) {
        // run-all's queries are those jobs' queries, on their checkpoints and tables
        fail("run-all already runs " + job + ": two drivers would write the same tables");
      }
      if (job.equals("maintain") && !streamingJobs.isEmpty()) {
        fail("maintain commits to every table, which " + String.join(", ", streamingJobs) + " write(s) as well: two "
            + "drivers for one table (Delta on S3 allows one). A streaming run-all maintains the tables itself every "
            + "fleetlake.maintain.every; the maintain step is for lakes whose jobs all run as scheduled steps");
      }
    }
    return steps;
  }

  /** The JSON list the AWS CLI reads with --steps file://…: CUSTOM_JAR steps through command-runner.jar. */
  static String json(List<Step> steps) {
    StringBuilder json = new StringBuilder("[\n");
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      json.append("  {\n")
          .append("    \"Type\": \"CUSTOM_JAR\",\n")
          .append("    \"Name\": ").append(quote(step.name())).append(",\n")
          // CONTINUE: the only action EMR accepts when steps run side by side (StepConcurrencyLevel > 1)
          .append("    \"ActionOnFailure\": \"CONTINUE\",\n")
          .append("    \"Jar\": \"command-runner.jar\",\n")
          .append("    \"Args\": [")
          .append(String.join(", ", step.args().stream().map(EmrSteps::quote).toList()))
          .append("]\n  }").append(i < steps.size() - 1 ? "," : "").append('\n');
    }
    return json.append("]\n").toString();
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static void requireS3(String option, String value, String suffix) {
    if (value == null) {
      fail(option + " is required");
    }
    if (!value.startsWith("s3://") || !value.endsWith(suffix) || value.length() <= "s3://".length() + suffix.length()) {
      fail(option + " " + value + ": must be an s3:// path to the " + suffix.substring(1) + " file (EMR reads it from S3)");
    }
  }

  private static boolean fail(String message) {
    throw new IllegalArgumentException(message);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Prints the steps' JSON; exit 2 with the reason on a wrong command line. The script does --out and --run. */
  public static void main(String[] argv) {
    System.exit(run(List.of(argv), System.out, System.err));
  }

  static int run(List<String> argv, PrintStream out, PrintStream err) {
    String jar = null;
    String config = null;
    List<String> jobs = new ArrayList<>();
    SubmitOptions d = SubmitOptions.DEFAULT;
    String driverMemory = d.driverMemory();
    String executorMemory = d.executorMemory();
    String executorCores = Integer.toString(d.executorCores());
    String executors = Integer.toString(d.executors());
    List<String> conf = new ArrayList<>();
    String delta = "jar";
    String outputs = null;
    try {
      for (int i = 0; i < argv.size(); i++) {
        String arg = argv.get(i);
        switch (arg) {
          case "--help", "-h" -> {
            out.println(USAGE);
            return 0;
          }
          case "--jar" -> jar = value(argv, ++i, arg);
          case "--config" -> config = value(argv, ++i, arg);
          case "--driver-memory" -> driverMemory = value(argv, ++i, arg);
          case "--executor-memory" -> executorMemory = value(argv, ++i, arg);
          case "--executor-cores" -> executorCores = value(argv, ++i, arg);
          case "--num-executors" -> executors = value(argv, ++i, arg);
          case "--conf" -> conf.add(value(argv, ++i, arg));
          case "--delta" -> delta = value(argv, ++i, arg);
          case "--outputs" -> outputs = value(argv, ++i, arg);
          default -> {
            if (arg.startsWith("-")) {
              fail("unknown option " + arg);
            }
            jobs.add(arg);
          }
        }
      }
      SubmitOptions resources = new SubmitOptions(driverMemory, executorMemory, count("--executor-cores", executorCores),
          count("--num-executors", executors), conf, switch (delta) {
            case "jar" -> false;
            case "cluster" -> true;
            default -> fail("--delta " + delta + ": jar (Delta inside the jar, the cluster's delta-defaults off) or "
                + "cluster (the -Pemr-delta jar, EMR's own Delta)");
          }, outputs);
      out.print(json(steps(jar, config, jobs.isEmpty() ? DEFAULT_JOBS : jobs, resources)));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("emr-submit: " + e.getMessage() + "\n\n" + USAGE);
      return 2;
    }
  }

  private static int count(String option, String value) {
    if (!value.matches("[0-9]{1,4}")) {
      fail(option + " " + value + ": a whole number");
    }
    return Integer.parseInt(value);
  }

  private static String value(List<String> argv, int i, String option) {
    if (i >= argv.size()) {
      fail(option + " needs a value");
    }
    return argv.get(i);
  }
}
