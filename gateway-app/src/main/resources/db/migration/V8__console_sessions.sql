-- Sessions of the web console, shared by every replica (no sticky sessions). The id is the SHA-256 of the cookie's
-- value, so that what the table holds cannot be replayed as a cookie.
CREATE TABLE console_sessions (
    id               text PRIMARY KEY,
    attributes       bytea       NOT NULL,
    created_at       timestamptz NOT NULL,
    last_accessed_at timestamptz NOT NULL,
    max_idle_seconds integer     NOT NULL,
    expires_at       timestamptz NOT NULL
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);
