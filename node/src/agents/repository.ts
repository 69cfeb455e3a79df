import type { AgentDefinition, AgentStatus } from '@wissensnetz/protocol'
import type { Db } from '../store/db.ts'

export interface AgentRecord {
  id: string
  currentVersion: number
  status: AgentStatus
  createdAt: string
  deletedAt: string | null
}

/** One saved version: the definition as it was saved, and who saved it. */
export interface AgentVersionRow {
  agentId: string
  version: number
  definition: AgentDefinition
  createdAt: string
  author: string
}

/** An agent as listed: its record and its current definition. */
export interface StoredAgent {
  record: AgentRecord
  definition: AgentDefinition
}

interface RawRecord {
  id: string
  current_version: number
  status: AgentStatus
  created_at: string
  deleted_at: string | null
}

interface RawVersion {
  agent_id: string
  version: number
  definition: string
  created_at: string
  author: string
}

const toRecord = (r: RawRecord): AgentRecord => ({
  id: r.id,
  currentVersion: r.current_version,
  status: r.status,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
})

const toVersion = (r: RawVersion): AgentVersionRow => ({
  agentId: r.agent_id,
  version: r.version,
  definition: JSON.parse(r.definition) as AgentDefinition,
  createdAt: r.created_at,
  author: r.author,
})

/** SQL for agents and their versions; no rules here (see AgentService). Version rows are insert-only. */
export class AgentRepository {
  constructor(private readonly db: Db) {}

  /** The record, deleted ones included (an id stays taken after deletion). */
  record(id: string): AgentRecord | undefined {
    const raw = this.db.prepare('SELECT * FROM agents WHERE id = ?').get(id) as RawRecord | undefined
    return raw === undefined ? undefined : toRecord(raw)
  }

  version(id: string, version: number): AgentVersionRow | undefined {
    const raw = this.db.prepare('SELECT * FROM agent_versions WHERE agent_id = ? AND version = ?').get(id, version) as
      | RawVersion
      | undefined
    return raw === undefined ? undefined : toVersion(raw)
  }

  versions(id: string): AgentVersionRow[] {
    return (this.db.prepare('SELECT * FROM agent_versions WHERE agent_id = ? ORDER BY version DESC').all(id) as RawVersion[]).map(toVersion)
  }

  /** Every agent that is not deleted, with its current definition. */
  listCurrent(): StoredAgent[] {
    const rows = this.db
      .prepare(
        `SELECT a.*, v.definition AS definition FROM agents a
         JOIN agent_versions v ON v.agent_id = a.id AND v.version = a.current_version
         WHERE a.deleted_at IS NULL`,
      )
      .all() as Array<RawRecord & { definition: string }>
    return rows.map((r) => ({ record: toRecord(r), definition: JSON.parse(r.definition) as AgentDefinition }))
  }

  insert(definition: AgentDefinition, status: AgentStatus, author: string): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO agents (id, current_version, status, created_at) VALUES (?, ?, ?, ?)')
        .run(definition.id, definition.version, status, definition.createdAt)
      this.insertVersionRow(definition, author)
    })()
  }

  /**
   * Appends a version if the agent is still at `expectedVersion` and not deleted. Returns false when another
   * save came first (optimistic concurrency); the check and the write are one transaction.
   */
  appendVersion(definition: AgentDefinition, expectedVersion: number, author: string, status?: AgentStatus): boolean {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `UPDATE agents SET current_version = ?, status = COALESCE(?, status)
           WHERE id = ? AND current_version = ? AND deleted_at IS NULL`,
        )
        .run(definition.version, status ?? null, definition.id, expectedVersion)
      if (info.changes !== 1) return false
      this.insertVersionRow(definition, author)
      return true
    })()
  }

  setStatus(id: string, status: AgentStatus): void {
    this.db.prepare('UPDATE agents SET status = ? WHERE id = ? AND deleted_at IS NULL').run(status, id)
  }

  softDelete(id: string, at: string): void {
    this.db.prepare('UPDATE agents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(at, id)
  }

  private insertVersionRow(definition: AgentDefinition, author: string): void {
    this.db
      .prepare('INSERT INTO agent_versions (agent_id, version, definition, created_at, author) VALUES (?, ?, ?, ?, ?)')
      .run(definition.id, definition.version, JSON.stringify(definition), definition.updatedAt, author)
  }
}
