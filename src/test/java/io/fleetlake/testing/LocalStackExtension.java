package io.fleetlake.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the test stack once per test JVM, before the first class that uses it, and stops it (by pid) when
 * the JVM's tests are done.
 */
public final class LocalStackExtension implements BeforeAllCallback {
  private static TestStack stack;

  @Override
  public void beforeAll(ExtensionContext context) {
    stack();
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(TestStack.class.getName(), key -> stack, TestStack.class);
  }

  public static synchronized TestStack stack() {
    if (stack == null) {
      stack = TestStack.start();
    }
    return stack;
  }
}
