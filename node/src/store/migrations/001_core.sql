-- Core schema: sources, documents, chunks, access sets. SQLite is the source of truth; the vector index is a
-- derived cache rebuilt from the embeddings table.

CREATE TABLE sources (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('folder', 'mail', 'dms')),
  location    TEXT NOT NULL,
  -- connector options (globs, owner, delegates, credentials reference) as JSON
  options     TEXT NOT NULL DEFAULT '{}',
  -- access principals that may see this source's documents, JSON array; '["*"]' = everyone
  principals  TEXT NOT NULL DEFAULT '["*"]',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_scan_at TEXT
);

-- One row per distinct set of access principals. Chunks carry the id, so that search filters by an integer.
CREATE TABLE access_sets (
  id          INTEGER PRIMARY KEY,
  principals  TEXT NOT NULL UNIQUE -- sorted JSON array
);

-- AUTOINCREMENT: ids are never reused, because chunk ids are labels in the vector index files.
CREATE TABLE documents (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  parent_id     INTEGER REFERENCES documents(id) ON DELETE CASCADE,
  path          TEXT NOT NULL,           -- path inside the source; children: parent path + '/' + name
  file_name     TEXT NOT NULL,
  title         TEXT NOT NULL,
  mime          TEXT,
  size          INTEGER NOT NULL DEFAULT 0,
  mtime_ms      INTEGER NOT NULL DEFAULT 0,
  content_hash  TEXT,                    -- sha256 of the bytes
  status        TEXT NOT NULL CHECK (status IN ('indexed', 'failed')),
  error_code    TEXT,                    -- ParseFailureCode when failed
  error_message TEXT,
  metadata      TEXT NOT NULL DEFAULT '{}',
  doc_date      TEXT,                    -- ISO date for filters
  aktenzeichen  TEXT,
  retention_until TEXT,
  access_set_id INTEGER NOT NULL REFERENCES access_sets(id),
  text          TEXT NOT NULL DEFAULT '', -- full extracted text (citations, extractive answers)
  ocr_pages     INTEGER NOT NULL DEFAULT 0,
  indexed_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (source_id, path)
);
CREATE INDEX documents_parent ON documents(parent_id);
CREATE INDEX documents_status ON documents(status);
CREATE INDEX documents_retention ON documents(retention_until) WHERE retention_until IS NOT NULL;

CREATE TABLE chunks (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  ord           INTEGER NOT NULL,
  start_offset  INTEGER NOT NULL,        -- character offsets into documents.text
  end_offset    INTEGER NOT NULL,
  page          INTEGER,
  section       TEXT,                    -- heading path or § label
  access_set_id INTEGER NOT NULL,
  UNIQUE (document_id, ord)
);
CREATE INDEX chunks_document ON chunks(document_id);

-- Embeddings per model; the HNSW index for a model is rebuilt from here when its file is missing or behind.
-- A rowid table on purpose: WITHOUT ROWID puts every 1.5 KB vector on its own overflow page (4.7 GB and 5 s
-- count(*) at a million rows, against 2 GB and 40 ms).
CREATE TABLE embeddings (
  model     TEXT NOT NULL,
  chunk_id  INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
  vector    BLOB NOT NULL,               -- float32 little endian
  PRIMARY KEY (model, chunk_id)
);

-- Chunks deleted since the vector index was last saved: removed from HNSW at load.
CREATE TABLE vector_tombstones (
  model     TEXT NOT NULL,
  chunk_id  INTEGER NOT NULL,
  PRIMARY KEY (model, chunk_id)
) WITHOUT ROWID;

CREATE TABLE ingest_runs (
  id          INTEGER PRIMARY KEY,
  source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  started_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at TEXT,
  state       TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed', 'aborted')),
  stats       TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
