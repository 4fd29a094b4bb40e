-- The version of the accounts as a signed-in request reads them (a user, their roles, whether
-- two-step verification is on): one row, bumped by triggers on every change, whoever makes it
-- (the server, the command line, an operator's SQL). Each server keeps the users it has read in
-- memory and watches this number, so that a change made elsewhere reaches every node.
CREATE TABLE user_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO user_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_user_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

-- NB: constraint triggers, deferred: the bump runs at commit, the last lock a transaction takes,
-- so two transactions that change users never wait on each other's bump in a cycle.
CREATE CONSTRAINT TRIGGER users_changed AFTER UPDATE OR DELETE ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_user_version();
CREATE CONSTRAINT TRIGGER user_roles_changed AFTER INSERT OR UPDATE OR DELETE ON user_roles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_user_version();
CREATE CONSTRAINT TRIGGER user_mfa_changed AFTER INSERT OR DELETE OR UPDATE OF enabled_at ON user_mfa
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_user_version();
