-- Agents: definitions are data (protocol/src/agent.ts). Every save is a new row in agent_versions; rows are
-- never updated or deleted, so that any version stays readable for audit. Deleting an agent only sets
-- deleted_at; its id stays taken, so an import can never bring back or overwrite a deleted agent silently.

CREATE TABLE agents (
  id              TEXT PRIMARY KEY,        -- uuid, also the id in the definition
  current_version INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'shared')),
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at      TEXT
);

CREATE TABLE agent_versions (
  agent_id    TEXT NOT NULL REFERENCES agents(id),
  version     INTEGER NOT NULL CHECK (version >= 1),
  definition  TEXT NOT NULL,               -- the full definition as JSON, its "version" equals this row's
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  author      TEXT NOT NULL,               -- who saved it: a principal, or "Wissensnetz" for starter agents
  PRIMARY KEY (agent_id, version)
) WITHOUT ROWID;

-- Knowledge scope: agents name abstract tags ("Satzungen"); this node binds each tag to its own sources.
CREATE TABLE agent_scope_bindings (
  tag        TEXT NOT NULL COLLATE NOCASE,
  source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  PRIMARY KEY (tag, source_id)
) WITHOUT ROWID;

CREATE INDEX agent_scope_bindings_source ON agent_scope_bindings(source_id);
