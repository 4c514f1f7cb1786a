-- Workspaces own the data every /v1 route serves; API keys are a workspace's bearer tokens.
-- Portable between PostgreSQL 15 and H2 2.2: UUID ids made by the service, TIMESTAMP WITH TIME ZONE.
CREATE TABLE workspace (
    id         UUID                     PRIMARY KEY,
    -- Unique, so two instances racing to create the first workspace cannot both succeed.
    name       VARCHAR(200)             NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT workspace_name_unique UNIQUE (name)
);

-- A key is shown once, when issued; only the SHA-256 of its secret part is stored. The prefix is the
-- public part of the key, the lookup handle (unique); the secret is compared by hash, in constant time.
CREATE TABLE api_key (
    id           UUID                     PRIMARY KEY,
    workspace_id UUID                     NOT NULL REFERENCES workspace (id),
    prefix       VARCHAR(32)              NOT NULL,
    hash         VARCHAR(64)              NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_key_prefix_unique UNIQUE (prefix)
);

CREATE INDEX api_key_workspace ON api_key (workspace_id);
