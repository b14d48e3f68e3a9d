-- A user signed in through single sign-on is bound to the provider's (issuer, subject), never to a name that the
-- provider may hand to someone else later; and a user's own usage is read by user.
ALTER TABLE users ADD COLUMN sso_issuer text;
ALTER TABLE users ADD COLUMN sso_subject text;
CREATE UNIQUE INDEX users_sso_identity ON users (sso_issuer, sso_subject) WHERE sso_subject IS NOT NULL;

CREATE INDEX usage_records_user_time ON usage_records (user_id, created_at);
