-- One row per start of the service: written through the permit facade at start-up and stamped at
-- shutdown, so an operator can see which instances ran against this database and whether they stopped cleanly.
CREATE TABLE sluice_instance (
    instance_id VARCHAR(64) PRIMARY KEY,
    host        VARCHAR(255) NOT NULL,
    started_at  TIMESTAMP    NOT NULL,
    stopped_at  TIMESTAMP
);
