package io.orderflow.launcher;

import picocli.CommandLine;

/** {@code --version}: the version the jar was built as. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"orderflow " + (v == null ? "(development build)" : v)};
  }
}
