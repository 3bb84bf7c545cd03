package io.orderflow.runtime.backup;

import java.io.IOException;

/**
 * A backup or restore that cannot go on, with a message for the operator: what was being done, on which
 * stream or file, and what to do about it.
 */
public final class BackupException extends IOException {
  private final int apiErrorCode;

  BackupException(String message) {
    this(message, 0);
  }

  BackupException(String message, int apiErrorCode) {
    super(message);
    this.apiErrorCode = apiErrorCode;
  }

  BackupException(String message, Throwable cause) {
    super(message, cause);
    this.apiErrorCode = 0;
  }

  /** The JetStream API's error code when the server refused a request (e.g. 10059, stream not found); else 0. */
  public int apiErrorCode() {
    return apiErrorCode;
  }
}
