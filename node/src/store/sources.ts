import { ConflictError, NotFoundError } from '../errors.ts'
import type { Db } from './db.ts'

export type SourceKind = 'folder' | 'mail' | 'dms'

export interface SourceRow {
  id: number
  name: string
  kind: SourceKind
  location: string
  options: Record<string, unknown>
  principals: string[]
  createdAt: string
  lastScanAt: string | null
}

interface RawSource {
  id: number
  name: string
  kind: SourceKind
  location: string
  options: string
  principals: string
  created_at: string
  last_scan_at: string | null
}

const toRow = (r: RawSource): SourceRow => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  location: r.location,
  options: JSON.parse(r.options) as Record<string, unknown>,
  principals: JSON.parse(r.principals) as string[],
  createdAt: r.created_at,
  lastScanAt: r.last_scan_at,
})

export class SourceRepository {
  constructor(private readonly db: Db) {}

  list(): SourceRow[] {
    return (this.db.prepare('SELECT * FROM sources ORDER BY id').all() as RawSource[]).map(toRow)
  }

  get(idOrName: number | string): SourceRow {
    const raw = (
      typeof idOrName === 'number'
        ? this.db.prepare('SELECT * FROM sources WHERE id = ?').get(idOrName)
        : this.db.prepare('SELECT * FROM sources WHERE name = ? OR CAST(id AS TEXT) = ?').get(idOrName, idOrName)
    ) as RawSource | undefined
    if (raw === undefined) throw new NotFoundError(`Quelle "${idOrName}"`)
    return toRow(raw)
  }

  add(input: { name: string; kind: SourceKind; location: string; options?: Record<string, unknown>; principals?: string[] }): SourceRow {
    const exists = this.db.prepare('SELECT 1 FROM sources WHERE name = ?').get(input.name)
    if (exists !== undefined) throw new ConflictError(`Eine Quelle namens "${input.name}" gibt es schon.`)
    const principals = input.principals !== undefined && input.principals.length > 0 ? [...input.principals].sort() : ['*']
    const info = this.db
      .prepare('INSERT INTO sources (name, kind, location, options, principals) VALUES (?, ?, ?, ?, ?)')
      .run(input.name, input.kind, input.location, JSON.stringify(input.options ?? {}), JSON.stringify(principals))
    return this.get(Number(info.lastInsertRowid))
  }

  markScanned(id: number): void {
    this.db.prepare("UPDATE sources SET last_scan_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run(id)
  }

  /** Deletes the source row; the caller removes its documents from the indexes first. */
  deleteRow(id: number): void {
    this.db.prepare('DELETE FROM sources WHERE id = ?').run(id)
  }
}
