import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { z } from 'zod'
import { ValidationError, WissensnetzError } from '../errors.ts'

export interface Member {
  peerId: string
  municipality: string
}

const MAX_MEMBERS = 1_000
const membersFileSchema = z
  .array(z.object({ peerId: z.string().min(1).max(128), municipality: z.string().trim().min(1).max(200) }).strict())
  .max(MAX_MEMBERS)

export class MembersFileError extends WissensnetzError {
  constructor(message: string) {
    super('members_file_invalid', message, { status: 500, expose: true })
  }
}

/** Checks that a text is an Ed25519 peer id (the only identities Wissensnetz nodes create). */
export function checkPeerId(text: string): string {
  try {
    const id = peerIdFromString(text)
    if (id.type !== 'Ed25519') throw new Error('not Ed25519')
    return id.toString()
  } catch {
    throw new ValidationError(`Keine gültige Peer-ID: ${text.slice(0, 80)}`)
  }
}

/**
 * The consortium's members: peer id → municipality. Configured members and the members file (written by
 * `wissensnetz network members add`) together; the connection gater admits no one else.
 */
export class MemberList {
  private readonly byPeer = new Map<string, Member>()

  constructor(
    private readonly file: string,
    private readonly configured: Member[] = [],
  ) {
    this.reload()
  }

  reload(): void {
    this.byPeer.clear()
    for (const m of [...this.configured, ...readMembersFile(this.file)]) this.byPeer.set(checkPeerId(m.peerId), m)
  }

  has(peerId: string): boolean {
    return this.byPeer.has(peerId)
  }

  get(peerId: string): Member | undefined {
    return this.byPeer.get(peerId)
  }

  municipalityOf(peerId: string): string {
    return this.byPeer.get(peerId)?.municipality ?? 'unbekannt'
  }

  list(): Member[] {
    return [...this.byPeer.values()].sort((a, b) => a.municipality.localeCompare(b.municipality, 'de'))
  }

  /** Adds or renames a member in the members file. */
  add(peerId: string, municipality: string): Member {
    const member = { peerId: checkPeerId(peerId), municipality: municipality.trim() }
    if (member.municipality === '') throw new ValidationError('Name der Kommune fehlt')
    const inFile = readMembersFile(this.file).filter((m) => m.peerId !== member.peerId)
    inFile.push(member)
    if (inFile.length > MAX_MEMBERS) throw new ValidationError(`Höchstens ${MAX_MEMBERS} Mitglieder`)
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, `${JSON.stringify(inFile, null, 2)}\n`, { mode: 0o640 })
    renameSync(tmp, this.file)
    this.reload()
    return member
  }
}

function readMembersFile(file: string): Member[] {
  if (!existsSync(file)) return []
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    throw new MembersFileError(`Mitgliederliste ${file} ist kein gültiges JSON.`)
  }
  const parsed = membersFileSchema.safeParse(raw)
  if (!parsed.success) throw new MembersFileError(`Mitgliederliste ${file}: ${parsed.error.issues[0]?.message ?? 'ungültig'}`)
  return parsed.data
}

/**
 * Admits members only, and no banned peer. Checked on dial and again once the remote's identity is proven
 * by the encrypted handshake (the private-network key already kept out everyone outside the consortium).
 */
export function memberGater(members: { has(peerId: string): boolean }, banned: (peerId: string) => boolean): ConnectionGater {
  const deny = (peer: PeerId): boolean => {
    const id = peer.toString()
    return !members.has(id) || banned(id)
  }
  return {
    denyDialPeer: deny,
    denyInboundEncryptedConnection: deny,
    denyOutboundEncryptedConnection: deny,
  }
}
