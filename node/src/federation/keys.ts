import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKey } from '@libp2p/pnet'
import { WissensnetzError } from '../errors.ts'
import { SECRET_FILE_MODE } from './constants.ts'

/** The node's libp2p identity or the network key cannot be read. */
export class FederationKeyError extends WissensnetzError {
  constructor(message: string, cause?: unknown) {
    super('federation_key_invalid', message, { status: 500, expose: true, cause })
  }
}

/** Length of a libp2p pnet v1 key file: header lines plus 64 hex digits. */
const PSK_FILE_BYTES = 95
const PSK_PATTERN = /^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}\s*$/

/**
 * Loads the node's persistent Ed25519 identity, creating it (mode 0600) on first use. The peer id derived from
 * it is what other members put on their member lists, so it must never change by accident.
 */
export async function loadOrCreateIdentity(file: string): Promise<PrivateKey> {
  if (existsSync(file)) {
    try {
      const key = privateKeyFromProtobuf(readFileSync(file))
      if (key.type !== 'Ed25519') throw new Error(`key type ${key.type}`)
      return key
    } catch (err) {
      throw new FederationKeyError(`Die Knotenidentität ${file} ist unlesbar.`, err)
    }
  }
  const key = await generateKeyPair('Ed25519')
  writeSecret(file, privateKeyToProtobuf(key))
  return key
}

/** Writes a new network key (pre-shared key of the private network). Refuses to overwrite one. */
export function writeNetworkKey(file: string): void {
  if (existsSync(file)) throw new FederationKeyError(`Es gibt bereits einen Netzwerkschlüssel: ${file}`)
  const key = new Uint8Array(PSK_FILE_BYTES)
  generateKey(key)
  writeSecret(file, key)
}

/** Reads and checks a network key file. */
export function readNetworkKey(file: string): Uint8Array {
  if (!existsSync(file)) {
    throw new FederationKeyError(`Netzwerkschlüssel fehlt: ${file} (anlegen mit "wissensnetz network init-key" oder vom Verbund erhalten)`)
  }
  const bytes = readFileSync(file)
  if (!PSK_PATTERN.test(bytes.toString('latin1'))) throw new FederationKeyError(`${file} ist kein gültiger Netzwerkschlüssel (pnet v1).`)
  return new Uint8Array(bytes)
}

function writeSecret(file: string, bytes: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  writeFileSync(file, bytes, { mode: SECRET_FILE_MODE, flag: 'wx' })
  // umask may have narrowed or widened the mode on some systems; make it exact.
  chmodSync(file, SECRET_FILE_MODE)
}

/** The peer id of an existing identity file, or null when the node has none yet (read-only commands). */
export function peerIdOfIdentity(file: string): string | null {
  if (!existsSync(file)) return null
  try {
    return peerIdFromPrivateKey(privateKeyFromProtobuf(readFileSync(file))).toString()
  } catch {
    return null
  }
}
