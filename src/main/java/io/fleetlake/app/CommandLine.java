package io.fleetlake.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parsed command line: {@code <job> [--config FILE]... [--available-now] [--print-config] [job args]}.
 * Options common to every job may stand anywhere; whatever else follows the job's name is the job's own.
 */
record CommandLine(
    Optional<String> job, List<Path> configFiles, boolean availableNow, boolean printConfig, boolean help, boolean version,
    List<String> jobArgs) {

  static CommandLine parse(String... args) {
    String job = null;
    List<Path> configFiles = new ArrayList<>();
    List<String> jobArgs = new ArrayList<>();
    boolean availableNow = false;
    boolean printConfig = false;
    boolean help = false;
    boolean version = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            throw new UsageException("--config needs a file, e.g. --config conf/local.conf");
          }
          configFiles.add(Path.of(args[++i]));
        }
        case "--available-now" -> availableNow = true;
        case "--print-config" -> printConfig = true;
        case "--help", "-h" -> help = true;
        case "--version" -> version = true;
        default -> {
          if (arg.startsWith("--config=")) {
            configFiles.add(Path.of(arg.substring("--config=".length())));
          } else if (job == null && !arg.startsWith("-")) {
            job = arg;
          } else {
            jobArgs.add(arg);
          }
        }
      }
    }
    return new CommandLine(Optional.ofNullable(job), List.copyOf(configFiles), availableNow, printConfig, help, version,
        List.copyOf(jobArgs));
  }
}
