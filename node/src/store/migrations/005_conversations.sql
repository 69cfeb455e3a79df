-- Conversations of the answer service: questions and answers per user, so that follow-up questions see the
-- previous turns. A conversation belongs to one owner key (see answers/owner.ts); nobody else can list it.
CREATE TABLE conversations (
  id          TEXT PRIMARY KEY,            -- random UUID: ids appear in URLs and must not be guessable
  owner       TEXT NOT NULL,               -- stable key of the principal ('local' for the local operator)
  agent_id    TEXT,                        -- the agent the conversation runs with; no foreign key, agents keep versions
  title       TEXT NOT NULL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX conversations_owner ON conversations(owner, updated_at);

CREATE TABLE conversation_messages (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role             TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content          TEXT NOT NULL,
  citations        TEXT NOT NULL DEFAULT '[]', -- JSON array of the citations shown with an answer
  mode             TEXT,                        -- 'generative' | 'extractive' for answers
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX conversation_messages_conversation ON conversation_messages(conversation_id, id);
