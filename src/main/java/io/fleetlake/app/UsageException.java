package io.fleetlake.app;

/** The command line cannot be understood; exit code 2 with the message and a pointer to --help. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
