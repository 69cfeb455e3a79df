-- Login and access: local and single-sign-on users, groups, sessions and API tokens.
-- Secrets are never stored: passwords as scrypt hashes, session ids and API tokens as sha256 hashes.

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE,    -- lower case
  display_name   TEXT NOT NULL,
  -- 'scrypt$N$r$p$salt$hash'; NULL for single-sign-on users and users who log in with API tokens only
  password_hash  TEXT,
  roles          TEXT NOT NULL DEFAULT '["reader"]', -- JSON array of reader | author | admin | dpo
  source         TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'oidc')),
  -- issuer and subject of a single-sign-on user ("<iss> <sub>"), so that a renamed account stays one user
  oidc_subject   TEXT UNIQUE,
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_login_at  TEXT
);

-- Names as used in the access rules of sources (principal "group:<name>").
CREATE TABLE user_groups (
  name         TEXT PRIMARY KEY,
  description  TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE user_group_members (
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  group_name  TEXT NOT NULL REFERENCES user_groups(name) ON DELETE CASCADE,
  PRIMARY KEY (user_id, group_name)
);
CREATE INDEX user_group_members_group ON user_group_members(group_name);

CREATE TABLE sessions (
  id_hash       TEXT PRIMARY KEY,          -- sha256 of the cookie value
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token    TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  seen_at_ms    INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  token_hash    TEXT NOT NULL UNIQUE,      -- sha256 of the token
  prefix        TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_used_at  TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
