-- Usage ledger, its daily aggregates, rate limits and budgets, and the prompt-logging opt-in of a project.

-- log_prompt stores prompts and completions only for projects that opted in (off by default)
ALTER TABLE projects ADD COLUMN prompt_logging boolean NOT NULL DEFAULT false;

-- One row per request that reached admission. No foreign keys: the ledger outlives deleted keys and projects.
CREATE TABLE usage_records (
    request_id           text PRIMARY KEY,
    created_at           timestamptz NOT NULL,
    key_id               text        NOT NULL,
    user_id              text        NOT NULL,
    project_id           text        NOT NULL,
    model                text        NOT NULL,
    deployment           text,
    prompt_tokens        integer     NOT NULL,
    completion_tokens    integer     NOT NULL,
    total_tokens         integer     NOT NULL,
    cached_prompt_tokens integer,
    token_source         text        NOT NULL CHECK (token_source IN ('upstream', 'tokenizer', 'none')),
    cost_usd             numeric(24, 12) NOT NULL,
    status               text        NOT NULL CHECK (status IN ('ok', 'upstream_error', 'cancelled', 'rejected')),
    error_code           text,
    finish_reason        text,
    latency_ms           integer     NOT NULL,
    ttft_ms              integer,
    streamed             boolean     NOT NULL,
    chat_id              text,
    client_user          text,
    retrieval            boolean     NOT NULL,
    prompt               jsonb,
    completion           text
);
CREATE INDEX usage_records_project_time ON usage_records (project_id, created_at);
CREATE INDEX usage_records_time ON usage_records (created_at);

-- Maintained in the same statement that inserts records (only rows actually inserted count), so reading a month
-- of a busy project reads at most days x users x keys x models rows.
CREATE TABLE usage_daily (
    project_id           text           NOT NULL,
    day                  date           NOT NULL,
    user_id              text           NOT NULL,
    key_id               text           NOT NULL,
    model                text           NOT NULL,
    requests             bigint         NOT NULL,
    prompt_tokens        bigint         NOT NULL,
    completion_tokens    bigint         NOT NULL,
    cached_prompt_tokens bigint         NOT NULL,
    cost_usd             numeric(30, 12) NOT NULL,
    PRIMARY KEY (project_id, day, user_id, key_id, model)
);
CREATE INDEX usage_daily_day ON usage_daily (day);
CREATE INDEX usage_daily_key ON usage_daily (key_id, day);

-- Limits of a project or of one of its service keys; NULL means no limit of that kind.
CREATE TABLE limits (
    scope               text    NOT NULL CHECK (scope IN ('project', 'key')),
    scope_id            text    NOT NULL,
    project_id          text    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    requests_per_minute bigint,
    tokens_per_minute   bigint,
    concurrent_requests integer,
    token_budget        bigint,
    token_budget_period text CHECK (token_budget_period IN ('day', 'month')),
    cost_budget_usd     numeric(24, 12),
    cost_budget_period  text CHECK (cost_budget_period IN ('day', 'month')),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, scope_id)
);

-- cached like identities, dropped on the same notification
CREATE TRIGGER limits_changed AFTER INSERT OR UPDATE OR DELETE ON limits
    FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change();
