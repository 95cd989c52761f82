package io.fleetlake.app;

/** One entry point of the jar. Returns the process's exit code. */
@FunctionalInterface
public interface Job {
  /** Exit code: done. */
  int OK = 0;
  /** Exit code: failed; the message says why. */
  int FAILED = 1;

  int run(JobContext context) throws Exception;
}
