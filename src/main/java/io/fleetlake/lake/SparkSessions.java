package io.fleetlake.lake;

import io.fleetlake.config.S3Settings;
import io.fleetlake.config.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Builds the one SparkSession of a job from fleetlake's settings: Delta, the s3a endpoint and keys, the
 * lake's layers as SQL catalogs, shuffle partitions. Each value is set only if missing, so a {@code --conf}
 * given to spark-submit (which arrives as a system property) always wins.
 */
public final class SparkSessions {
  private static final String S3A = "spark.hadoop.fs.s3a.";
  private static final String HADOOP_ACCESS_KEY = "fs.s3a.access.key";
  private static final String HADOOP_SECRET_KEY = "fs.s3a.secret.key";
  /** Read when the driver's JVM or its YARN container is launched, before any application code runs. */
  private static final Set<String> DRIVER_LAUNCH = Set.of("spark.driver.memory", "spark.driver.cores",
      "spark.driver.memoryOverhead", "spark.driver.extraJavaOptions", "spark.driver.defaultJavaOptions",
      "spark.driver.extraClassPath", "spark.driver.extraLibraryPath", "spark.submit.deployMode", "spark.master");
  /** The application this JVM's jobs share, where one is hosting them (a test JVM); else null. */
  private static volatile SparkSession host;

  private SparkSessions() {}

  /**
   * From now on, the jobs this JVM runs share {@code application}'s SparkContext, each in a session of its own,
   * instead of starting an application each and stopping it at the end: a test JVM runs dozens of jobs, and an
   * application's start costs what a JVM's does. A job's session takes the settings a running application can
   * take (SQL settings: the lake's catalogs, shuffle partitions, time zone); the others (Spark's own, static SQL
   * settings, Hadoop's) are the host's. {@code null} ends the hosting.
   */
  public static void hostJobsIn(SparkSession application) {
    host = application;
  }

  /** Whether {@code spark} is a job's session in a hosting application (see {@link #hostJobsIn}). */
  public static boolean isHosted(SparkSession spark) {
    SparkSession application = host;
    return application != null && spark.sparkContext() == application.sparkContext();
  }

  /**
   * Ends a job's Spark: stops the application the job started, or, for a hosted job, the streaming queries its
   * session still runs (the application is the host's).
   */
  public static void release(SparkSession spark) {
    if (!isHosted(spark)) {
      spark.stop();
      return;
    }
    for (StreamingQuery query : spark.streams().active()) {
      try {
        query.stop();
      } catch (TimeoutException e) {
        throw new IllegalStateException(query.name() + " did not stop", e);
      }
    }
  }

  public static SparkSession create(Settings settings, String jobName) {
    SparkSession application = host;
    if (application != null) {
      return hostedSession(application, settings, jobName);
    }
    return create(settings, jobName, new SparkConf());
  }

  private static SparkSession hostedSession(SparkSession application, Settings settings, String jobName) {
    SparkSession session = application.newSession();
    defaults(settings, jobName).forEach((key, value) -> {
      if ((key.startsWith("spark.sql.") || key.startsWith("spark.databricks.")) && !SQLConf.isStaticConfigKey(key)) {
        session.conf().set(key, value);
      }
    });
    applyS3Keys(session.sparkContext().hadoopConfiguration(), settings.s3());
    return session;
  }

  /**
   * @param base Spark settings already decided (spark-submit's, or a test's master)
   */
  public static SparkSession create(Settings settings, String jobName, SparkConf base) {
    for (String warning : unapplied(settings, base)) {
      System.err.println("fleetlake: warning: " + warning);
    }
    SparkSession spark = SparkSession.builder().config(configure(settings, jobName, base)).getOrCreate();
    // The keys go to the Hadoop configuration, never into the SparkConf: Spark logs SparkConf values at
    // DEBUG without redaction. Tasks get the Hadoop configuration with the job, so executors see them too.
    applyS3Keys(spark.sparkContext().hadoopConfiguration(), settings.s3());
    return spark;
  }

  /** {@code base} with every fleetlake setting it lacks added; what it has already stays. */
  static SparkConf configure(Settings settings, String jobName, SparkConf base) {
    SparkConf conf = base.clone();
    defaults(settings, jobName).forEach(conf::setIfMissing);
    return conf;
  }

  /**
   * The settings of {@code fleetlake.spark.conf} that will not take effect, each with what to do instead: those
   * that size or launch the driver's JVM (running by the time fleetlake reads its config), and those that
   * spark-submit or spark-defaults.conf set first (on EMR the cluster's spark-defaults set executor memory and
   * cores and dynamic allocation). Keys only: a value may be a credential.
   */
  static List<String> unapplied(Settings settings, SparkConf base) {
    List<String> warnings = new ArrayList<>();
    settings.spark().conf().forEach((key, value) -> {
      if (DRIVER_LAUNCH.contains(key)) {
        warnings.add("fleetlake.spark.conf sets " + key + ", but the driver's JVM is running already; give it to "
            + "spark-submit (--driver-memory, --conf " + key + "=…; scripts/emr-submit does so for each step)");
      } else if (base.contains(key) && !base.get(key).equals(value)) {
        warnings.add("fleetlake.spark.conf's " + key + " is not applied: spark-submit or spark-defaults.conf (on EMR, the "
            + "cluster's) set it first; give it to spark-submit as --conf " + key + "=… (scripts/emr-submit --conf)");
      }
    });
    return warnings;
  }

  /** Sets the static S3 keys unless keys are configured already (spark-submit --conf, core-site.xml). */
  static void applyS3Keys(Configuration hadoop, S3Settings s3) {
    if (hadoop.get(HADOOP_ACCESS_KEY) == null && hadoop.get(HADOOP_SECRET_KEY) == null) {
      s3Keys(s3).forEach((key, value) -> hadoop.set(key.substring("spark.hadoop.".length()), value));
    }
  }

  /** What fleetlake sets, in the order a reader would look for it; the S3 keys (secrets) are not in it. */
  public static Map<String, String> defaults(Settings settings, String jobName) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.app.name", settings.spark().appName() + " " + jobName);
    conf.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.put("spark.sql.shuffle.partitions", Integer.toString(settings.spark().shufflePartitions()));
    // Delta rebuilds a table's state with 50 partitions by default: seconds of task overhead on every
    // micro-batch's commit when the log is small, as a streaming table's is
    conf.put("spark.databricks.delta.snapshotPartitions", Integer.toString(settings.spark().shufflePartitions()));
    // VACUUM lists a table's folders in this many tasks (Spark's default: 10,000): minutes of task overhead
    // for a lake of a few hundred folders; a setting in fleetlake.spark.conf raises it for a very large lake
    conf.put("spark.sql.sources.parallelPartitionDiscovery.parallelism", Integer.toString(settings.spark().shufflePartitions()));
    conf.put("spark.sql.session.timeZone", settings.spark().sessionTimeZone());
    // each query's rates and durations as Spark metrics (Dropwizard: JMX, CloudWatch agents, Ganglia on EMR)
    conf.put("spark.sql.streaming.metricsEnabled", "true");
    for (Layer layer : Layer.values()) {
      String prefix = "spark.sql.catalog." + layer.sqlName();
      conf.put(prefix, LakeCatalog.class.getName());
      conf.put(prefix + "." + LakeCatalog.PATH_OPTION, settings.lake().layer(layer.folder()));
    }
    conf.putAll(s3a(settings.s3()));
    conf.putAll(settings.spark().conf());
    return conf;
  }

  /**
   * A Hadoop configuration with fleetlake's s3a settings and keys, for the few places that touch the lake's
   * storage without a SparkSession (doctor).
   */
  public static Configuration hadoopConfiguration(Settings settings) {
    Configuration hadoop = new Configuration();
    defaults(settings, "doctor").forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.")) {
        hadoop.set(key.substring("spark.hadoop.".length()), value);
      }
    });
    applyS3Keys(hadoop, settings.s3());
    return hadoop;
  }

  private static Map<String, String> s3Keys(S3Settings s3) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (s3.hasStaticKeys()) {
      conf.put(S3A + "aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      conf.put(S3A + "access.key", s3.accessKey().orElseThrow().reveal());
      conf.put(S3A + "secret.key", s3.secretKey().orElseThrow().reveal());
    }
    return conf;
  }

  private static Map<String, String> s3a(S3Settings s3) {
    Map<String, String> conf = new LinkedHashMap<>();
    String prefix = S3A;
    if (!s3.endpoint().isEmpty()) {
      conf.put(prefix + "endpoint", s3.endpoint());
    }
    conf.put(prefix + "endpoint.region", s3.region());
    conf.put(prefix + "path.style.access", Boolean.toString(s3.pathStyleAccess()));
    conf.put(prefix + "connection.ssl.enabled", Boolean.toString(s3.sslEnabled()));
    return conf;
  }
}
