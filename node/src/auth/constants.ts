/** Limits and lifetimes of login, sessions and tokens. */

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

/** A session ends this long after login, however active it is. */
export const SESSION_MAX_AGE_MS = 12 * HOUR_MS
/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 4 * HOUR_MS
/** `seen_at` is written at most this often per session, so that reads do not each cost a write. */
export const SESSION_TOUCH_INTERVAL_MS = MINUTE_MS

/** Failed logins per username and address within the window before further attempts are refused. */
export const MAX_FAILED_LOGINS_PER_USER_AND_ADDRESS = 5
/** Failed logins per address (any usernames) within the window: slows guessing across many accounts. */
export const MAX_FAILED_LOGINS_PER_ADDRESS = 50
export const LOGIN_WINDOW_MS = 15 * MINUTE_MS
/** Counters kept at most; the oldest are dropped first (bounded memory under a flood of usernames). */
export const MAX_TRACKED_LOGIN_KEYS = 10_000

/** Random bytes of session ids, CSRF tokens and API tokens. */
export const SECRET_BYTES = 32
/** Characters of an API token kept in clear to recognise it in lists ("wn_" + 8). */
export const TOKEN_PREFIX_CHARS = 11
/** Characters of generated passwords (about 95 bits from a 56-character alphabet). */
export const GENERATED_PASSWORD_CHARS = 16

/** scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB and roughly 50–150 ms per hash on a small server. */
export const SCRYPT_COST = 2 ** 15
export const SCRYPT_BLOCK_SIZE = 8
export const SCRYPT_PARALLELISM = 1
export const SCRYPT_KEY_BYTES = 32
export const SCRYPT_SALT_BYTES = 16
export const SCRYPT_MAX_MEMORY_BYTES = 64 * 1024 * 1024

/** An OIDC login must come back from the identity provider within this time. */
export const OIDC_PENDING_LOGIN_MS = 10 * MINUTE_MS
/** Logins started but not finished, kept at most. */
export const MAX_PENDING_OIDC_LOGINS = 1000
/** The browser cookie that ties an OIDC callback to the browser that started the login. */
export const OIDC_STATE_COOKIE = 'wn_oidc'
