package io.orderflow.orders.domain;

public enum OrderStatus { PENDING, CONFIRMED, CANCELLED }
