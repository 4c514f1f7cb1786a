-- Recurring schedules. One row per (queue, workspace): NULLS NOT DISTINCT makes the system schedules (no
-- workspace) unique too, where a plain UNIQUE would let every restart add another NULL row. Both PostgreSQL 15+
-- and H2 2.2 support it, so there is no sentinel workspace. next_due_at is the compare-and-set guard of a firing.
CREATE TABLE schedule (
  id               VARCHAR(40)              NOT NULL PRIMARY KEY,
  queue            VARCHAR(100)             NOT NULL,
  workspace_id     VARCHAR(200),
  interval_ms      BIGINT,
  cron             VARCHAR(200),
  time_zone        VARCHAR(64),
  payload          VARCHAR(1048576)         NOT NULL,
  action_kind      VARCHAR(32)              NOT NULL,
  action_target    VARCHAR(200)             NOT NULL,
  overlap_policy   VARCHAR(16)              NOT NULL,
  catch_up_policy  VARCHAR(16)              NOT NULL,
  paused           BOOLEAN                  NOT NULL,
  next_due_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  last_run_at      TIMESTAMP WITH TIME ZONE,
  last_outcome     VARCHAR(16),
  last_error       VARCHAR(1000),
  registrations    BIGINT                   NOT NULL,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT schedule_queue_workspace UNIQUE NULLS NOT DISTINCT (queue, workspace_id),
  CONSTRAINT schedule_one_cadence CHECK ((interval_ms IS NULL AND cron IS NOT NULL AND time_zone IS NOT NULL)
      OR (interval_ms IS NOT NULL AND cron IS NULL))
);

CREATE INDEX schedule_workspace ON schedule (workspace_id, queue);

-- Every firing under its (schedule, due time) key, written in the transaction that moves the schedule on: a
-- second scheduler firing the same due time finds the schedule already moved, and could not insert the key anyway.
CREATE TABLE schedule_firing (
  schedule_id  VARCHAR(40)              NOT NULL REFERENCES schedule (id) ON DELETE CASCADE,
  due_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  kind         VARCHAR(16)              NOT NULL,
  status       VARCHAR(16)              NOT NULL,
  recorded_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  started_at   TIMESTAMP WITH TIME ZONE,
  finished_at  TIMESTAMP WITH TIME ZONE,
  error        VARCHAR(1000),
  PRIMARY KEY (schedule_id, due_at)
);

CREATE INDEX schedule_firing_status ON schedule_firing (status);
