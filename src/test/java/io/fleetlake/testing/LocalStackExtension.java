package io.fleetlake.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the test stack once per test JVM, before the first class that uses it, and stops it (by pid) when the
 * JVM ends. Not when JUnit's root context closes: with two forks, surefire runs each class as a launcher session
 * of its own, and the next class would find the stack stopped.
 */
public final class LocalStackExtension implements BeforeAllCallback {
  private static TestStack stack;

  @Override
  public void beforeAll(ExtensionContext context) {
    stack();
  }

  public static synchronized TestStack stack() {
    if (stack == null) {
      TestStack started = TestStack.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (java.io.IOException e) {
          System.err.println("the test stack did not stop: " + e.getMessage());
        }
      }, "test-stack-down"));
      stack = started;
    }
    return stack;
  }
}
