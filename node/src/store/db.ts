import Database from 'better-sqlite3'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { logger } from '../log.ts'

const log = logger('node:store')
const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

export type Db = Database.Database

/**
 * Opens (and creates) the node's SQLite database with WAL and foreign keys, then applies pending migrations.
 * Migrations are `NNN_name.sql` files applied in order inside one transaction each; `PRAGMA user_version`
 * records the last one applied.
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  const db = new Database(file, { readonly: options.readonly ?? false })
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  if (!options.readonly) migrate(db)
  return db
}

export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
  let applied = current
  for (const file of files) {
    const version = Number(file.slice(0, 3))
    if (version <= current) continue
    const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8')
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${version}`)
    })()
    log.info('migration applied', file)
    applied = version
  }
  return applied
}
