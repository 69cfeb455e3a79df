-- Federation: the shared agent catalogue, catch-up cursors, peer status, and a record of every exchange with
-- another node (the policy issue turns federation_exchanges into the hash-chained audit log).

-- The newest version of every agent published in the network (by this node or a member), as signed by its
-- publisher. A withdrawn agent keeps its row (definition may be null when only the withdrawal arrived), so that
-- a replayed announcement can never bring it back.
CREATE TABLE federation_catalog (
  agent_id      TEXT PRIMARY KEY,             -- the publisher's agent id (uuid)
  publisher     TEXT NOT NULL,                -- peer id of the publishing node
  version       INTEGER NOT NULL DEFAULT 0,
  definition    TEXT,                         -- signed definition, JSON, as received
  name          TEXT NOT NULL DEFAULT '',
  category      TEXT NOT NULL DEFAULT '',
  description   TEXT NOT NULL DEFAULT '',
  published_at  TEXT,                         -- the definition's updatedAt
  received_at   TEXT NOT NULL,
  withdrawn_at  TEXT,
  withdrawal    TEXT,                         -- signed withdrawal, JSON
  change_seq    INTEGER NOT NULL              -- catch-up cursor: raised on every change of the row
);
CREATE UNIQUE INDEX federation_catalog_change_seq ON federation_catalog(change_seq);

-- Which catalogue agent was imported as which local agent, at which version (updates are offered, not applied).
CREATE TABLE federation_catalog_imports (
  agent_id          TEXT NOT NULL,
  local_agent_id    TEXT NOT NULL,
  imported_version  INTEGER NOT NULL,
  imported_at       TEXT NOT NULL,
  PRIMARY KEY (agent_id, local_agent_id)
) WITHOUT ROWID;

-- Per peer: the peer's change_seq up to which its catalogue has been read.
CREATE TABLE federation_sync_cursors (
  peer_id    TEXT PRIMARY KEY,
  cursor     INTEGER NOT NULL,
  synced_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE federation_peers (
  peer_id        TEXT PRIMARY KEY,
  last_seen      TEXT,
  protocols      TEXT NOT NULL DEFAULT '[]',  -- JSON array from identify
  agent_version  TEXT
) WITHOUT ROWID;

-- One row per exchange, both directions. `content` is what left or arrived in the network: the anonymised
-- question or agent id@version; never document text.
CREATE TABLE federation_exchanges (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  direction     TEXT NOT NULL CHECK (direction IN ('out', 'in')),
  kind          TEXT NOT NULL,                -- query | catalog-sync | agent-publish | agent-withdraw | agent-receive
  peer_id       TEXT,                         -- null for a gossip announcement to all
  municipality  TEXT,
  nonce         TEXT,
  status        TEXT NOT NULL,                -- ok | refused | timeout | unreachable | error | rejected
  code          TEXT,
  content       TEXT,
  result_count  INTEGER,
  detail        TEXT,
  took_ms       INTEGER
);
CREATE INDEX federation_exchanges_at ON federation_exchanges(at);
