package io.sluice.config;

/** Where the HTTP API listens; port 0 picks a free port. */
public record HttpSettings(String host, int port) {}
