-- Outbound calling campaigns. The campaign entity's journal is the source of truth for a campaign's settings and
-- counters; `campaign` is its read side, written by the entity through permits. Leads, their attempts and outcomes
-- live only here, so a campaign of many thousand leads never sits in the entity's state.
-- Portable PostgreSQL 15 / H2 2.2: no SERIAL, no JSON type (JSON is stored as text), no partial indexes.

CREATE TABLE campaign (
    id            VARCHAR(64)              PRIMARY KEY,
    workspace_id  VARCHAR(64)              NOT NULL,
    name          VARCHAR(200)             NOT NULL,
    owner_user_id VARCHAR(200)             NOT NULL,
    owner_email   VARCHAR(320)             NOT NULL,
    status        VARCHAR(16)              NOT NULL,
    lead_count    INTEGER                  NOT NULL,
    final_count   INTEGER                  NOT NULL,
    hot_count     INTEGER                  NOT NULL,
    next_wake_at  TIMESTAMP WITH TIME ZONE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX campaign_by_workspace ON campaign (workspace_id, created_at);
CREATE INDEX campaign_by_status ON campaign (status);

CREATE TABLE campaign_lead (
    campaign_id     VARCHAR(64)              NOT NULL,
    -- 1-based import order within the campaign.
    lead_id         BIGINT                   NOT NULL,
    name            VARCHAR(200)             NOT NULL,
    -- E.164.
    phone           VARCHAR(20)              NOT NULL,
    -- IANA zone ids separated by single spaces, sorted; the lead is callable only when all are in a window.
    zones           VARCHAR(2000)            NOT NULL,
    -- A JSON object of strings.
    metadata        VARCHAR(65535)           NOT NULL,
    -- PENDING (waiting for next_attempt_at), DIALING (claimed by attempt `attempts`), FINAL.
    state           VARCHAR(16)              NOT NULL,
    attempts        INTEGER                  NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    last_outcome    VARCHAR(32),
    score           INTEGER,
    classification  VARCHAR(100),
    summary         VARCHAR(65535),
    hot             BOOLEAN                  NOT NULL,
    call_id         VARCHAR(200),
    idempotency_key VARCHAR(200),
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (campaign_id, lead_id),
    CONSTRAINT campaign_lead_phone_once UNIQUE (campaign_id, phone),
    CONSTRAINT campaign_lead_state CHECK (state IN ('PENDING', 'DIALING', 'FINAL'))
);

-- Due leads: state = 'PENDING' AND next_attempt_at <= now, earliest first.
CREATE INDEX campaign_lead_due ON campaign_lead (campaign_id, state, next_attempt_at, lead_id);
-- Hot leads, best first.
CREATE INDEX campaign_lead_hot ON campaign_lead (campaign_id, hot, score);

CREATE TABLE do_not_call (
    workspace_id VARCHAR(64)              NOT NULL,
    -- E.164.
    phone        VARCHAR(20)              NOT NULL,
    added_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    reason       VARCHAR(500),
    PRIMARY KEY (workspace_id, phone)
);

CREATE TABLE notification_preference (
    workspace_id           VARCHAR(64)  NOT NULL,
    user_id                VARCHAR(200) NOT NULL,
    campaign_summary_email BOOLEAN      NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
