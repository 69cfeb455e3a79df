/** Links per node in the HNSW graph (layer 0 gets twice as many). 16 is hnswlib's recommended middle ground. */
export const HNSW_M = 16
/**
 * Candidate list size while inserting. Measured on 100k clustered 384-d vectors (bench/latency.ts): 100 builds
 * in 126 s, 200 in 197 s, both at recall@10 1.00; with a filter passing 1 in 10, 200 keeps a little more
 * recall (0.982 against 0.973 at ef 64). Filtered searches are the norm here (access rights), so 200.
 */
export const HNSW_EF_CONSTRUCTION = 200
/**
 * Candidate list size while searching; raised to k when more results are asked for. Measured on 1M vectors:
 * ef 64 gave recall@10 0.955, ef 128 gave 1.00 at 0.6 ms p50; with a filter passing 1 in 10, ef 128 gave
 * 0.99 (100k) and 1.00 (1M) at 8 to 13 ms p50. The query embedding costs far more than either.
 */
export const DEFAULT_EF_SEARCH = 128

/** First capacity of a new graph; it grows by CAPACITY_GROWTH_FACTOR when full. */
export const INITIAL_CAPACITY_VECTORS = 1024
export const CAPACITY_GROWTH_FACTOR = 1.5

/**
 * Rebuilds with at least this many vectors run in a worker thread: hnswlib inserts 200 to 2 000 vectors per
 * second at 384 dimensions (a million took 26 CPU minutes), and a build blocks the thread it runs on. Smaller
 * ones run in slices in place.
 * The fingerprint scan of the embeddings table moves to a worker from the same size on.
 */
export const WORKER_BUILD_MIN_VECTORS = 20_000
/** In-place work (catch-up from SQLite, large add batches) yields to the event loop after this long. */
export const SLICE_BUDGET_MS = 20
/** Rows read and inserted per catch-up step (at 1 to 2 ms per insert into a large graph, a step stays short). */
export const CATCH_UP_PAGE_ROWS = 32

/** Deleted entries stay in the graph until a rebuild; compact when they reach this share of the graph ... */
export const COMPACT_DELETED_RATIO = 0.2
/** ... and at least this many (small graphs are cheap to carry). */
export const COMPACT_MIN_DELETED = 10_000

/** Saves a changed index this often (0 = only on save() and stop()). Bounds the catch-up after a crash. */
export const AUTOSAVE_INTERVAL_MS = 10 * 60 * 1000
/** The worker reports build progress this often. */
export const PROGRESS_INTERVAL_MS = 10_000

/** hnswlib-node passes labels as uint32. */
export const MAX_CHUNK_ID = 2 ** 32 - 1
/** Header bytes of the index file whose hash the meta file records, so a foreign or garbled file is noticed. */
export const HEADER_CHECK_BYTES = 4096
export const META_FORMAT_VERSION = 1
