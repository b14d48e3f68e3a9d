-- Identity: users, projects, memberships, keys (PATs, service keys, admin tokens) and the admin audit log.
-- Ids are stable strings chosen by the gateway (usr_..., prj_...) or by the admin.

CREATE TABLE projects (
    id             text PRIMARY KEY,
    name           text        NOT NULL,
    -- NULL: every configured model; otherwise only these model ids
    allowed_models text[],
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id                 text PRIMARY KEY,
    name               text,
    email              text UNIQUE,
    default_project_id text REFERENCES projects (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    project_id text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('member', 'owner')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_keys (
    -- the public key id, part of the key itself
    id                          text PRIMARY KEY,
    kind                        text        NOT NULL CHECK (kind IN ('pat', 'service', 'admin')),
    name                        text        NOT NULL,
    user_id                     text REFERENCES users (id) ON DELETE CASCADE,
    project_id                  text REFERENCES projects (id) ON DELETE CASCADE,
    -- SHA-256 of the secret; the secret itself is never stored
    secret_hash                 bytea       NOT NULL,
    -- after a rotation with a grace period, the previous secret keeps working until it expires
    previous_secret_hash        bytea,
    previous_secret_expires_at  timestamptz,
    last_four                   text        NOT NULL,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    expires_at                  timestamptz,
    last_used_at                timestamptz,
    revoked_at                  timestamptz,
    CHECK ((kind = 'pat' AND user_id IS NOT NULL AND project_id IS NULL)
        OR (kind = 'service' AND project_id IS NOT NULL AND user_id IS NULL)
        OR (kind = 'admin' AND user_id IS NULL AND project_id IS NULL))
);
CREATE INDEX api_keys_user ON api_keys (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX api_keys_project ON api_keys (project_id) WHERE project_id IS NOT NULL;

CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_key_id   text        NOT NULL,
    action         text        NOT NULL,
    target_type    text        NOT NULL,
    target_id      text        NOT NULL,
    remote_address text,
    details        jsonb
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

-- Every replica caches verified keys; a change to anything a cached identity depends on is announced on
-- this channel so that every replica drops what it cached within a second.
CREATE FUNCTION notify_identity_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('gateway_identity_changed', TG_TABLE_NAME);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- INSERT too: unknown key ids are cached as absent. Updates of last_used_at alone do not notify.
CREATE TRIGGER api_keys_changed
    AFTER INSERT OR DELETE OR UPDATE OF kind, name, user_id, project_id, secret_hash, previous_secret_hash,
        previous_secret_expires_at, expires_at, revoked_at ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change();
CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change();
CREATE TRIGGER projects_changed AFTER UPDATE OR DELETE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change();
CREATE TRIGGER memberships_changed AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change();
