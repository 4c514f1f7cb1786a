-- Outbound webhooks. A workspace registers endpoints; each published event becomes one message, fanned out as one
-- delivery per enabled endpoint whose filter matches; every HTTP attempt of a delivery is a row. The delivery
-- entities (one per endpoint) journal the schedule; these tables are what they read (endpoint, pending ids,
-- payloads) and record (attempts, delivery states), and what the API serves.
-- Portable PostgreSQL 15 / H2 2.2: no SERIAL, no JSON type (JSON is stored as text), no partial indexes.
-- Ids made by the service are time-ordered (ep_/msg_ + 26 sortable characters), so ORDER BY id is publication order.

-- A workspace's own event types; the built-in ones (campaign.completed, lead.hot, call.completed,
-- message.attempt.exhausted, endpoint.disabled) are a constant in the code, never rows.
CREATE TABLE webhook_event_type (
    workspace_id VARCHAR(64)              NOT NULL,
    name         VARCHAR(100)             NOT NULL,
    description  VARCHAR(500),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (workspace_id, name)
);

CREATE TABLE webhook_endpoint (
    id                         VARCHAR(64)              PRIMARY KEY,
    workspace_id               VARCHAR(64)              NOT NULL,
    url                        VARCHAR(2000)            NOT NULL,
    description                VARCHAR(500),
    -- whsec_<base64>; never logged, served only by GET .../secret.
    secret                     VARCHAR(200)             NOT NULL,
    -- The rotated-out secret, which still signs until previous_secret_expires_at.
    previous_secret            VARCHAR(200),
    previous_secret_expires_at TIMESTAMP WITH TIME ZONE,
    enabled                    BOOLEAN                  NOT NULL,
    disabled_reason            VARCHAR(500),
    paused                     BOOLEAN                  NOT NULL,
    max_concurrency            INTEGER                  NOT NULL,
    -- Attempts started per second; 0 = no limit.
    rate_limit                 INTEGER                  NOT NULL,
    ordering                   VARCHAR(16)              NOT NULL,
    created_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT webhook_endpoint_ordering CHECK (ordering IN ('UNORDERED', 'ORDERED'))
);

-- Listing a workspace's endpoints by id (creation order).
CREATE INDEX webhook_endpoint_by_workspace ON webhook_endpoint (workspace_id, id);

-- An endpoint's event-type filter, one row per type; an endpoint without rows receives every type.
CREATE TABLE webhook_endpoint_event_type (
    endpoint_id VARCHAR(64)  NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    event_type  VARCHAR(100) NOT NULL,
    PRIMARY KEY (endpoint_id, event_type)
);

CREATE TABLE webhook_message (
    -- msg_<sortable>: the stable webhook-id of every attempt, at every endpoint, in every replay.
    id              VARCHAR(64)              PRIMARY KEY,
    workspace_id    VARCHAR(64)              NOT NULL,
    event_type      VARCHAR(100)             NOT NULL,
    -- The JSON payload as sent (compact); max-payload-bytes keeps it far below this.
    payload         VARCHAR(1048576)         NOT NULL,
    -- Unique per workspace while set. A key older than the idempotency window is released (set to NULL) by the
    -- publication that reuses it; NULLs never collide.
    idempotency_key VARCHAR(200),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT webhook_message_idempotency UNIQUE (workspace_id, idempotency_key)
);

CREATE TABLE webhook_delivery (
    endpoint_id     VARCHAR(64)              NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    message_id      VARCHAR(64)              NOT NULL REFERENCES webhook_message (id),
    workspace_id    VARCHAR(64)              NOT NULL,
    -- PENDING (due, waiting for a retry, or behind an ordered head), DELIVERED, DEAD (replayable).
    state           VARCHAR(16)              NOT NULL,
    -- The number of the last recorded attempt (a replay continues the count).
    attempts        INTEGER                  NOT NULL,
    last_status     INTEGER,
    last_error      VARCHAR(2000),
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    -- The message's publication time, copied so that "since" queries need no join.
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (endpoint_id, message_id),
    CONSTRAINT webhook_delivery_state CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD'))
);

-- An endpoint's deliveries by state, in publication order: pending ids at entity start, paged listings,
-- dead ones since a time (message ids are time-ordered).
CREATE INDEX webhook_delivery_by_endpoint_state ON webhook_delivery (endpoint_id, state, message_id);
-- A message's deliveries.
CREATE INDEX webhook_delivery_by_message ON webhook_delivery (message_id);
-- A workspace's dead letters.
CREATE INDEX webhook_delivery_by_workspace_state ON webhook_delivery (workspace_id, state, message_id);

CREATE TABLE webhook_attempt (
    endpoint_id     VARCHAR(64)              NOT NULL,
    message_id      VARCHAR(64)              NOT NULL,
    -- The primary key makes recording idempotent: recording the same attempt again after a crash adds nothing.
    attempt_number  INTEGER                  NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    -- AttemptOutcome.Kind: DELIVERED, FAILED, GONE, THROTTLED, TIMED_OUT, REFUSED.
    kind            VARCHAR(16)              NOT NULL,
    -- The HTTP status, 0 when none arrived.
    status          INTEGER                  NOT NULL,
    latency_ms      BIGINT                   NOT NULL,
    -- The first bytes of the response body (at most sluice.webhooks.response-body-limit, and this column).
    response_prefix VARCHAR(65536)           NOT NULL,
    error           VARCHAR(2000),
    PRIMARY KEY (endpoint_id, message_id, attempt_number),
    FOREIGN KEY (endpoint_id, message_id) REFERENCES webhook_delivery (endpoint_id, message_id) ON DELETE CASCADE
);

-- An endpoint's statistics over a recent window.
CREATE INDEX webhook_attempt_by_time ON webhook_attempt (endpoint_id, started_at);
