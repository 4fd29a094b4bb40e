-- Every refresh token remembers when its family (its sign-in) began, so that rotation cannot keep
-- a sign-in alive for ever. Rows from before this migration count from their own creation.
ALTER TABLE refresh_tokens ADD COLUMN family_started_at TEXT;
UPDATE refresh_tokens SET family_started_at = created_at WHERE family_started_at IS NULL;
