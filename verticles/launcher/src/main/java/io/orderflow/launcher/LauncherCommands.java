package io.orderflow.launcher;

import java.util.List;

/**
 * More commands for the launcher, found with {@link java.util.ServiceLoader}: the development jar registers
 * {@code run}, {@code chaos}, {@code bench} and the stand-ins this way, so that the production jar, which
 * lacks them, has the same entry point without them.
 */
public interface LauncherCommands {
  /** picocli command objects (classes annotated with {@code @Command}). */
  List<Object> commands();

  /** A command that hands its arguments to another program as they are: unknown options stay in place. */
  interface PassThrough {}
}
