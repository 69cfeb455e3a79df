/** Defaults of the federation module; every Init field falls back to one of these. */

/** files under the data directory */
export const FEDERATION_DIR = 'federation'
export const IDENTITY_FILE = 'federation/peer.key'
export const DEFAULT_PSK_FILE = 'federation/swarm.key'
export const DEFAULT_MEMBERS_FILE = 'federation/members.json'
export const SECRET_FILE_MODE = 0o600

export const DIAL_TIMEOUT_MS = 5_000
export const SYNC_TIMEOUT_MS = 10_000
export const QUERY_TIMEOUT_MS = 3_000
/** the answering node aborts a query stream that takes longer than this to deliver one request and take its answer */
export const QUERY_STREAM_TIMEOUT_MS = 35_000
/** a query stream kept open between questions is closed by the answering node after this long without a request */
export const QUERY_STREAM_KEEP_OPEN_MS = 300_000
/** the asking node closes a kept stream after this long unused (below QUERY_STREAM_KEEP_OPEN_MS: it closes first) */
export const KEEP_IDLE_STREAM_MS = 240_000
/** streams kept per peer for later requests; concurrent requests beyond this open streams that are then closed */
export const MAX_IDLE_STREAMS_PER_PEER = 4
/** how long after a peer connects the catch-up sync starts (identify has run by then) */
export const SYNC_AFTER_CONNECT_MS = 250
/** pages fetched in one catch-up run, per peer */
export const MAX_SYNC_PAGES_PER_RUN = 256
export const PSK_HANDSHAKE_TIMEOUT_MS = 2_000

/** replay protection: nonces remembered (all peers together), evicted oldest first */
export const MAX_REMEMBERED_NONCES = 20_000
/** inbound query streams handled at once; more are refused with `busy` */
export const MAX_CONCURRENT_INBOUND_QUERIES = 8
export const MAX_INBOUND_STREAMS_PER_PROTOCOL = 16

/** a peer that sends this many bad messages within the window is disconnected and banned */
export const MAX_OFFENCES = 5
export const OFFENCE_WINDOW_MS = 60_000
export const BAN_DURATION_MS = 10 * 60_000
/** peers whose offences are tracked at once (bounded memory under attack from many ids) */
export const MAX_TRACKED_OFFENDERS = 1_000

/** peer status rows are written to the database at most this often per peer */
export const LAST_SEEN_WRITE_INTERVAL_MS = 30_000
