package io.fleetlake.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the jar was built from and for, recorded by Maven at package time ({@code fleetlake-build.properties}):
 * its version and build time, the Spark, Scala, Delta and Hadoop versions it was compiled against, and whether
 * Delta is inside the jar or left to the cluster ({@code -Pemr-delta}).
 */
public record BuildInfo(String version, String builtAt, String spark, String scala, String delta, boolean deltaInJar,
    String hadoop) {
  private static final String RESOURCE = "/fleetlake-build.properties";

  public static BuildInfo current() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath: build with Maven");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(p.getProperty("version"), p.getProperty("built-at"), p.getProperty("spark"),
        p.getProperty("scala"), p.getProperty("delta"), Boolean.parseBoolean(p.getProperty("delta-in-jar")),
        p.getProperty("hadoop"));
  }

  /** The line {@code --version} prints. */
  public String line() {
    return "fleetlake " + version + " (built " + builtAt + ") for Spark " + spark + ", Scala " + scala + ", Delta "
        + delta + (deltaInJar ? " inside the jar" : " from the cluster (-Pemr-delta)") + ", Hadoop " + hadoop;
  }
}
