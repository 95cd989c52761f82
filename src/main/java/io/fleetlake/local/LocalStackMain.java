package io.fleetlake.local;

import io.fleetlake.config.InvalidSettingException;
import io.fleetlake.config.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code scripts/local-stack up|down|status [--config FILE]... [--stage DIR] [--purge]}.
 * Exit codes: 0 done (status: every server healthy), 1 a server failed or is not healthy, 2 bad arguments
 * or config.
 */
public final class LocalStackMain {
  private LocalStackMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    String command = null;
    List<Path> configs = new ArrayList<>();
    Path stage = Path.of("target", "local-stack");
    boolean purge = false;
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("--config") || args[i].equals("--stage")) && i + 1 >= args.length) {
        System.err.println("local-stack: " + args[i] + " needs a value");
        return 2;
      }
      switch (args[i]) {
        case "--config" -> configs.add(Path.of(args[++i]));
        case "--stage" -> stage = Path.of(args[++i]);
        case "--purge" -> purge = true;
        case "up", "down", "status" -> command = args[i];
        default -> {
          System.err.println("local-stack: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    if (command == null) {
      System.err.println("Usage: local-stack up|down|status [--config FILE]... [--purge]");
      return 2;
    }
    LocalStack stack;
    try {
      stack = new LocalStack(Settings.load(configs, System.getenv()), stage);
    } catch (InvalidSettingException e) {
      System.err.println("local-stack: " + e.getMessage());
      return 2;
    }
    try {
      switch (command) {
        case "up" -> {
          System.out.println("local stack in " + stack.dir());
          stack.up(System.out);
          return 0;
        }
        case "down" -> {
          stack.down(System.out, purge);
          return 0;
        }
        default -> {
          List<LocalStack.ServerStatus> statuses = stack.status();
          statuses.forEach(s -> System.out.println(s.line()));
          long healthy = statuses.stream().filter(LocalStack.ServerStatus::healthy).count();
          System.out.println(healthy + " of " + statuses.size() + " servers healthy");
          return healthy == statuses.size() ? 0 : 1;
        }
      }
    } catch (IOException e) {
      System.err.println("local-stack: " + e.getMessage());
      return 1;
    }
  }
}
