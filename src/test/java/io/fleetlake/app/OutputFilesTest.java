package io.fleetlake.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class OutputFilesTest {
  /** An EMR step's driver runs in a YARN container: a local file would go with it. */
  @Test
  void aLocalOutputIsRefusedOnlyByAClusterModeDriverOnYarn() {
    assertEquals("fleetlake-dashboard.html is a local path, but this driver runs in a YARN container (cluster mode) "
        + "whose folder goes when it ends: give an s3:// path (conf/emr.conf has one)",
        OutputFiles.problem("fleetlake-dashboard.html", "yarn", "cluster"));
    assertNotNull(OutputFiles.problem("/tmp/x.sql", "yarn", "cluster"));
    assertNotNull(OutputFiles.problem("file:///tmp/x.sql", "yarn", "cluster"));
    assertNull(OutputFiles.problem("s3://my-fleet-lake/outputs/fleet-dashboard.html", "yarn", "cluster"));
    assertNull(OutputFiles.problem("fleetlake-dashboard.html", "yarn", "client"), "client mode: the primary node's disk");
    assertNull(OutputFiles.problem("fleetlake-dashboard.html", "local[2]", "client"));
  }
}
