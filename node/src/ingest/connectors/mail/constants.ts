/** Limits and timeouts of the mail connectors. Each one is read where it applies; tests may not change them. */

/** Bytes read from the start of a local message file to find its Date header (headers are rarely longer). */
export const HEADER_PROBE_BYTES = 64 * 1024

/** Header bytes kept per mbox message to find Date and Message-ID; the rest of an oversized header is ignored. */
export const MAX_HEADER_BYTES = 256 * 1024

/** mbox is read in chunks of this size, so a 2 GB mailbox never sits in memory. */
export const MBOX_CHUNK_BYTES = 1024 * 1024

/**
 * An unterminated line longer than this is handed on in pieces instead of being joined across chunks.
 * Separator and header lines are short; only pathological body lines get this long.
 */
export const MBOX_MAX_CARRY_BYTES = 64 * 1024

/** Hex characters of the hash that makes an mbox item path unique (48 bits). */
export const MBOX_KEY_HEX_CHARS = 12

/** Local watchers collect events for this long before one onChange call (a delivery touches several files). */
export const WATCH_DEBOUNCE_MS = 300

/** TCP and TLS connect to an IMAP server. */
export const IMAP_CONNECTION_TIMEOUT_MS = 15_000

/** Server greeting after connect. */
export const IMAP_GREETING_TIMEOUT_MS = 15_000

/** A connection silent for this long is considered dead. */
export const IMAP_SOCKET_TIMEOUT_MS = 5 * 60_000

/** IDLE is renewed this often, below common NAT and server idle limits (dovecot: 30 min, RFC 9051: 29 min). */
export const IMAP_MAX_IDLE_MS = 4 * 60_000

/** The watch connection issues no other commands, so IDLE can start almost immediately. */
export const IMAP_IDLE_START_DELAY_MS = 1_000

/** A dropped IDLE connection is reopened after this pause. */
export const IMAP_WATCH_RECONNECT_DELAY_MS = 30_000

/** The shared scan/read IMAP connection is logged out after this long without use. */
export const IMAP_SESSION_IDLE_MS = 60_000
