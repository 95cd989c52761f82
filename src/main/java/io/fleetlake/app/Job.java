package io.fleetlake.app;

/** One entry point of the jar. Returns the process's exit code. */
@FunctionalInterface
interface Job {
  int run(JobContext context) throws Exception;
}
