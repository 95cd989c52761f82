package io.fleetlake.app;

import io.fleetlake.config.Settings;
import java.io.PrintStream;
import java.util.List;

/**
 * What a job gets from the command line.
 *
 * @param availableNow process what is there and exit, instead of running until stopped
 * @param args the job's own arguments
 * @param out results and progress for the user
 */
record JobContext(String jobName, Settings settings, boolean availableNow, List<String> args, PrintStream out) {}
