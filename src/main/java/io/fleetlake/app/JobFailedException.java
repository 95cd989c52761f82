package io.fleetlake.app;

/** A job could not do its work for a reason the user can act on; the message says which. Exit code 1. */
public class JobFailedException extends RuntimeException {
  public JobFailedException(String message) {
    super(message);
  }
}
