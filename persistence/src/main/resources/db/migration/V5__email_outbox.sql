-- One row per email the service owes, keyed by what it is about: the primary key (campaign_id, kind) is the
-- idempotency key, so a campaign completion replayed after a crash finds its row and sends nothing twice.
-- state: PENDING (composed, waiting for its first attempt), FAILED (an attempt failed; retried at next_attempt_at,
-- or given up when next_attempt_at is NULL), SENT, SKIPPED (a gate was closed; skip_reason says which).
CREATE TABLE email_outbox (
    campaign_id     VARCHAR(64)              NOT NULL,
    kind            VARCHAR(32)              NOT NULL,
    state           VARCHAR(16)              NOT NULL,
    attempts        INTEGER                  NOT NULL,
    last_error      VARCHAR(1000),
    skip_reason     VARCHAR(200),
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    recipient       VARCHAR(320)             NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at         TIMESTAMP WITH TIME ZONE,
    eml_path        VARCHAR(1000),
    PRIMARY KEY (campaign_id, kind),
    CONSTRAINT email_outbox_state CHECK (state IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED'))
);

-- Start-up resumes the rows still owed; health counts by state.
CREATE INDEX email_outbox_by_state ON email_outbox (state, next_attempt_at);
