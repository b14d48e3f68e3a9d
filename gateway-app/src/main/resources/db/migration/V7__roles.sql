-- Roles. A user may hold a gateway-wide role (administrator: everything; auditor: reads everything); a project's
-- owners manage it within caps the administrators set; each audited change names the user who made it and the
-- project it was made in.
ALTER TABLE users ADD COLUMN role text CHECK (role IN ('administrator', 'auditor'));

-- NULL: owners may allow any configured model; otherwise only these
ALTER TABLE projects ADD COLUMN model_cap text[];

-- scope 'cap': the most a project's owners may set as its limits (read by the admin API only, never by admission)
ALTER TABLE limits DROP CONSTRAINT limits_scope_check;
ALTER TABLE limits ADD CONSTRAINT limits_scope_check CHECK (scope IN ('project', 'key', 'cap'));

ALTER TABLE audit_log ADD COLUMN actor_user_id text;
ALTER TABLE audit_log ADD COLUMN project_id text;
CREATE INDEX audit_log_project ON audit_log (project_id, id) WHERE project_id IS NOT NULL;
