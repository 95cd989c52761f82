package io.fleetlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.testing.Command;
import io.fleetlake.testing.FreePorts;
import io.fleetlake.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * scripts/local-stack as a user runs it, on ports and a folder of its own: up → status → doctor → down,
 * and afterwards no process of it is left.
 */
class LocalStackScriptIT {
  private static final Pattern PID = Pattern.compile("pid (\\d+)");

  @Test
  void upStatusDoctorDownLeavesNothingRunning() throws Exception {
    Path project = TestStack.projectDir();
    Path dir = project.resolve("target/script-stack");
    Path overlay = project.resolve("target/script-stack.conf");
    int[] ports = FreePorts.take(6);
    Files.writeString(overlay, String.format(
        "fleetlake.local-stack { dir = \"%s\", kafka-port = %d, kafka-controller-port = %d, postgres-port = %d, "
            + "s3-port = %d, weather-port = %d, secrets-manager-port = %d }%n", dir, ports[0], ports[1], ports[2],
        ports[3], ports[4], ports[5]));
    List<String> config = List.of("--config", "conf/local.conf", "--config", overlay.toString());
    // no secrets in the environment: the local stack's development credentials, as on a laptop
    Map<String, String> env = Map.of();

    Command.Result up = stack(env, "up", config);
    List<Long> pids = new ArrayList<>();
    try {
      assertEquals(0, up.exitCode(), up::toString);
      for (String server : List.of("kafka", "postgres", "s3", "weather", "secrets")) {
        assertTrue(up.out().lines().anyMatch(l -> l.startsWith(server + " ") && l.contains("started in")), up::toString);
      }

      Command.Result status = stack(env, "status", config);
      assertEquals(0, status.exitCode(), status::toString);
      assertEquals(5, status.out().lines().filter(l -> l.contains(" healthy ")).count(), status::toString);
      assertTrue(status.out().contains("5 of 5 servers healthy"), status::toString);
      Matcher pid = PID.matcher(status.out());
      while (pid.find()) {
        pids.add(Long.parseLong(pid.group(1)));
      }
      assertEquals(5, pids.size(), status::toString);

      Command.Result again = stack(env, "up", config);
      assertEquals(0, again.exitCode(), again::toString);
      assertEquals(5, again.out().lines().filter(l -> l.contains("already running")).count(), again::toString);

      List<String> doctorArgs = new ArrayList<>(List.of("doctor"));
      doctorArgs.addAll(config);
      // the password as on EMR: from Secrets Manager (the stack's stand-in, signed with the stack's keys)
      Command.Result doctor = Command.sparkSubmit(Map.of("FLEETLAKE_POSTGRES_PASSWORD_SECRET_ID", "fleetlake/postgres"),
          doctorArgs);
      assertEquals(0, doctor.exitCode(), doctor::toString);
      for (String server : List.of("s3", "kafka", "postgres", "weather")) {
        assertTrue(doctor.out().lines().anyMatch(l -> l.startsWith("OK    " + server + " ")), () -> server + "\n" + doctor);
      }
      assertTrue(doctor.out().contains("4 of 4 checks passed"), doctor::toString);
      assertTrue(doctor.out().contains("(password from AWS Secrets Manager secret fleetlake/postgres)"), doctor::toString);
      assertTrue(doctor.out().lines().anyMatch(l -> l.startsWith("poll  transport_units ")), doctor::toString);
    } finally {
      Command.Result down = stack(env, "down", config);
      assertEquals(0, down.exitCode(), down::toString);
    }

    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
    }
    List<String> leftovers = ProcessHandle.allProcesses()
        .map(p -> p.info().commandLine().orElse(""))
        .filter(line -> line.contains(dir.toString()))
        .toList();
    assertEquals(List.of(), leftovers, "processes of the stack still running");

    Command.Result stopped = stack(env, "status", config);
    assertEquals(1, stopped.exitCode(), stopped::toString);
    assertEquals(5, stopped.out().lines().filter(l -> l.contains(" stopped ")).count(), stopped::toString);
  }

  private static Command.Result stack(Map<String, String> env, String command, List<String> config, String... more)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("scripts/local-stack", command));
    args.addAll(config);
    args.addAll(List.of(more));
    return Command.run(env, args);
  }
}
