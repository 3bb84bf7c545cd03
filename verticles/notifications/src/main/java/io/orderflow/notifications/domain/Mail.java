package io.orderflow.notifications.domain;

/**
 * A mail to send about an order: which template produced it, its deterministic RFC 5322 Message-ID
 * (so a receiving system can recognise a duplicate), subject and plain-text body. No recipient: the
 * address is personal data and is looked up only when sending.
 */
public record Mail(String template, String messageId, String subject, String body) {}
