-- The version of the accounts as a signed-in request reads them (a user, their roles, whether
-- two-step verification is on): one row, bumped by triggers on every change, whoever makes it
-- (the server, the command line, an operator's SQL). Each server keeps the users it has read in
-- memory and watches this number, so that a change made elsewhere reaches every node.
CREATE TABLE user_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO user_version (id, version) VALUES (1, 1);

CREATE TRIGGER users_changed AFTER UPDATE ON users
BEGIN UPDATE user_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER users_deleted AFTER DELETE ON users
BEGIN UPDATE user_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER user_roles_added AFTER INSERT ON user_roles
BEGIN UPDATE user_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER user_roles_changed AFTER UPDATE ON user_roles
BEGIN UPDATE user_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER user_roles_removed AFTER DELETE ON user_roles
BEGIN UPDATE user_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER user_mfa_added AFTER INSERT ON user_mfa
BEGIN UPDATE user_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER user_mfa_changed AFTER UPDATE OF enabled_at ON user_mfa
BEGIN UPDATE user_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER user_mfa_removed AFTER DELETE ON user_mfa
BEGIN UPDATE user_version SET version = version + 1 WHERE id = 1; END;
