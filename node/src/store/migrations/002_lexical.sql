-- Lexical (BM25) index over chunks. German analysis (folding, stemming, compound parts) happens in JS
-- (node/src/index/analysis); FTS5 receives the analysed terms separated by spaces, so its tokenizer must not
-- change them: unicode61 without diacritic removal, with '_' kept inside tokens for joined numbers (8079_2026).
-- Contentless: the text lives in documents.text; rowid = chunks.id. contentless_delete allows deleting rows.
-- Columns: title (document title: stems and compound parts), body (one stem per word in text order, so that
-- proximity queries see neighbouring words as neighbours), parts (compound parts of body words, weighted
-- lower), exact (body words as written, folded but not stemmed: exact forms rank above other forms).
CREATE VIRTUAL TABLE chunk_fts USING fts5(
  title,
  body,
  parts,
  exact,
  content = '',
  contentless_delete = 1,
  tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);

-- Document frequencies of terms, read by search to drop very common query terms on large indexes.
CREATE VIRTUAL TABLE chunk_fts_vocab USING fts5vocab(chunk_fts, 'row');

-- A chunk that leaves the store (directly or through its document's cascade) leaves the lexical index in the
-- same transaction.
CREATE TRIGGER chunks_lexical_delete AFTER DELETE ON chunks BEGIN
  DELETE FROM chunk_fts WHERE rowid = old.id;
END;
