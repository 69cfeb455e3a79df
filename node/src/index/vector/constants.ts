/** Links per node in the HNSW graph (layer 0 gets twice as many). 16 is hnswlib's recommended middle ground. */
export const HNSW_M = 16
/**
 * Candidate list size while inserting. Measured at 100k clustered 384-d vectors: see bench/latency.ts and the
 * figures in docs; 200 buys recall headroom for filtered searches at about twice the build time of 100.
 */
export const HNSW_EF_CONSTRUCTION = 200
/** Candidate list size while searching; raised to k when more results are asked for. */
export const DEFAULT_EF_SEARCH = 64
/**
 * A filter (access rights, document filters) rejects candidates after hnswlib has visited them, so a filtered
 * search widens its candidate list to keep recall.
 */
export const FILTERED_EF_FACTOR = 2

/** First capacity of a new graph; it grows by CAPACITY_GROWTH_FACTOR when full. */
export const INITIAL_CAPACITY_VECTORS = 1024
export const CAPACITY_GROWTH_FACTOR = 1.5

/**
 * Rebuilds with at least this many vectors run in a worker thread: hnswlib inserts 500 to 2 000 vectors per
 * second at 384 dimensions, and a build blocks the thread it runs on. Smaller ones run in slices in place.
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
