package io.orderflow.runtime.messaging;

/** A key-value entry with the revision a compare-and-set update must name. */
public record KvEntry(String key, byte[] value, long revision) {}
