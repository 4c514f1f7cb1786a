-- Outcome events posted by the call provider. The primary key on event_id (the Standard Webhooks webhook-id) is
-- what makes a redelivered event a no-op; processed_at stays NULL until the campaign side has taken the event,
-- so events received but not processed before a crash can be handed over again at start-up.
CREATE TABLE provider_event (
  event_id     VARCHAR(200)             NOT NULL PRIMARY KEY,
  call_id      VARCHAR(200)             NOT NULL,
  campaign_id  VARCHAR(200)             NOT NULL,
  lead_id      VARCHAR(200)             NOT NULL,
  attempt      INTEGER                  NOT NULL,
  status       VARCHAR(32)              NOT NULL,
  payload      VARCHAR(65536)           NOT NULL,
  received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  processed_at TIMESTAMP WITH TIME ZONE
);

-- The start-up query looks for processed_at IS NULL (no partial index: H2 has none).
CREATE INDEX provider_event_unprocessed ON provider_event (processed_at, received_at);
