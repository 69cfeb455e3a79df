import { createHash, randomBytes, randomInt, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto'
import {
  GENERATED_PASSWORD_CHARS,
  SCRYPT_BLOCK_SIZE,
  SCRYPT_COST,
  SCRYPT_KEY_BYTES,
  SCRYPT_MAX_MEMORY_BYTES,
  SCRYPT_PARALLELISM,
  SCRYPT_SALT_BYTES,
  SECRET_BYTES,
} from './constants.ts'

const SCHEME = 'scrypt'
/** No 0/O, 1/l/I: generated passwords are read off a screen and typed. */
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

function deriveKey(password: string, salt: Buffer, options: ScryptOptions, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, { ...options, maxmem: SCRYPT_MAX_MEMORY_BYTES }, (err, key) =>
      err === null ? resolve(key) : reject(err),
    )
  })
}

/** `scrypt$N$r$p$salt$hash` (base64url): parameters travel with the hash, so that they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT_SALT_BYTES)
  const options = { N: SCRYPT_COST, r: SCRYPT_BLOCK_SIZE, p: SCRYPT_PARALLELISM }
  const key = await deriveKey(password, salt, options, SCRYPT_KEY_BYTES)
  return [SCHEME, options.N, options.r, options.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** True when the password matches; false for a wrong password or a malformed hash. Constant-time comparison. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, keyText] = stored.split('$')
  if (scheme !== SCHEME || saltText === undefined || keyText === undefined) return false
  const options = { N: Number(n), r: Number(r), p: Number(p) }
  if (!Object.values(options).every((v) => Number.isInteger(v) && v > 0)) return false
  const expected = Buffer.from(keyText, 'base64url')
  if (expected.length === 0) return false
  const actual = await deriveKey(password, Buffer.from(saltText, 'base64url'), options, expected.length)
  return timingSafeEqual(actual, expected)
}

let dummyHash: Promise<string> | null = null

/**
 * Spends the time of one verification for an unknown user, so that response times do not tell which
 * usernames exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(SCRYPT_SALT_BYTES).toString('hex'))
  await verifyPassword(password, await dummyHash)
  return false
}

/** A random password for a new account, printed once. */
export function generatePassword(length = GENERATED_PASSWORD_CHARS): string {
  let out = ''
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]
  return out
}

/** A random secret (session id, CSRF token, API token body) as base64url. */
export function randomSecret(bytes = SECRET_BYTES): string {
  return randomBytes(bytes).toString('base64url')
}

/** Session ids and API tokens are stored only as this hash. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** Constant-time string comparison (CSRF tokens). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
