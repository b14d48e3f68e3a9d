-- Usage records that PostgreSQL refused for their content (a character it cannot store, a value out of a column's
-- range). The ledger isolates such a record so that it never blocks the others, writes a copy with the offending text
-- replaced into usage_records (so budgets and reports still count its tokens; recorded tells whether that worked),
-- and keeps the original here for an administrator: GET /admin/v1/usage/quarantine.
CREATE TABLE usage_quarantine (
    id             bigserial   PRIMARY KEY,
    request_id     text        NOT NULL UNIQUE,
    quarantined_at timestamptz NOT NULL DEFAULT now(),
    project_id     text,
    sql_state      text,
    error          text        NOT NULL,
    recorded       boolean     NOT NULL,
    record         text        NOT NULL
);
