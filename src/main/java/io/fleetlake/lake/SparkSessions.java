package io.fleetlake.lake;

import io.fleetlake.config.S3Settings;
import io.fleetlake.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession of a job from fleetlake's settings: Delta, the s3a endpoint and keys, the
 * lake's layers as SQL catalogs, shuffle partitions. Each value is set only if missing, so a {@code --conf}
 * given to spark-submit (which arrives as a system property) always wins.
 */
public final class SparkSessions {
  private static final String S3A = "spark.hadoop.fs.s3a.";
  private SparkSessions() {}

  public static SparkSession create(Settings settings, String jobName) {
    return create(settings, jobName, new SparkConf());
  }

  /** @param base Spark settings already decided (spark-submit's, or a test's master) */
  public static SparkSession create(Settings settings, String jobName, SparkConf base) {
    return SparkSession.builder().config(configure(settings, jobName, base)).getOrCreate();
  }

  /** {@code base} with every fleetlake setting it lacks added; what it has already stays. */
  static SparkConf configure(Settings settings, String jobName, SparkConf base) {
    SparkConf conf = base.clone();
    defaults(settings, jobName).forEach(conf::setIfMissing);
    s3Keys(settings.s3()).forEach(conf::setIfMissing);
    return conf;
  }

  /** What fleetlake sets, in the order a reader would look for it; the S3 keys (secrets) are not in it. */
  public static Map<String, String> defaults(Settings settings, String jobName) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.app.name", settings.spark().appName() + " " + jobName);
    conf.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.put("spark.sql.shuffle.partitions", Integer.toString(settings.spark().shufflePartitions()));
    conf.put("spark.sql.session.timeZone", settings.spark().sessionTimeZone());
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
    Map<String, String> conf = new LinkedHashMap<>(defaults(settings, "doctor"));
    conf.putAll(s3Keys(settings.s3()));
    conf.forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.")) {
        hadoop.set(key.substring("spark.hadoop.".length()), value);
      }
    });
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
