-- The indexes of a tick's reads (serverless mode: POST /v1/tick), which run on every tick and must not scan.
--
-- Webhook retries (Deliveries.dueWork): the endpoints with a PENDING delivery due, and the earliest PENDING
-- delivery due later. Both filter on state and range over next_attempt_at; the indexes of V7 lead with endpoint_id,
-- message_id or workspace_id, so without this one every tick read every delivery ever made.
CREATE INDEX webhook_delivery_by_state_due ON webhook_delivery (state, next_attempt_at, endpoint_id);

-- Campaign wake-ups (Campaigns.dueWork): scheduled starts and owed summaries filter campaign on status and range over
-- next_wake_at (campaign_by_status alone reads every COMPLETED campaign ever). The leads due in running campaigns
-- are found through campaign_lead_due (V4) already.
CREATE INDEX campaign_by_status_wake ON campaign (status, next_wake_at);
