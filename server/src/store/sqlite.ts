// The embedded durable store: one SQLite file per adapter, in WAL mode, shared by the queues
// (catalog, inventory), the webhook event store and the settings. Each feature owns its tables
// and passes its migrations here; nothing else in the package opens the database.
import Database from 'better-sqlite3'

export type Db = Database.Database

/** One migration of one feature: applied once, in order, inside a transaction. */
export type Migration = { feature: string; version: number; sql: string }

export type OpenOptions = {
  /** How long a writer waits for another's lock before SQLITE_BUSY, in ms. Default 5000. */
  busyTimeoutMs?: number
  readonly?: boolean
}

/**
 * Opens (creating if needed) the SQLite database at `path` (`:memory:` for tests) with WAL,
 * a non-zero `busy_timeout`, foreign keys and `synchronous=FULL` (an acked write survives power
 * loss), then applies the given migrations that have not run yet.
 *
 * @example
 * const db = openDb('flow.db', [{ feature: 'catalog', version: 1, sql: 'CREATE TABLE ...' }])
 */
export function openDb(path: string, migrations: readonly Migration[] = [], options: OpenOptions = {}): Db {
  const db = new Database(path, { readonly: options.readonly ?? false })
  db.pragma('journal_mode = WAL')
  db.pragma(`busy_timeout = ${Math.max(1, Math.floor(options.busyTimeoutMs ?? 5000))}`)
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  if (!options.readonly) migrate(db, migrations)
  return db
}

/** Applies the migrations that have not run yet, each feature's in version order. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (feature TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (feature, version))')
  const applied = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM schema_migrations WHERE feature = ? AND version = ?')
  const record = db.prepare('INSERT INTO schema_migrations (feature, version, applied_at) VALUES (?, ?, ?)')
  const ordered = [...migrations].sort((a, b) => a.feature.localeCompare(b.feature) || a.version - b.version)
  for (const migration of ordered) {
    if ((applied.get(migration.feature, migration.version)?.n ?? 0) > 0) continue
    immediate(db, () => {
      db.exec(migration.sql)
      record.run(migration.feature, migration.version, new Date().toISOString())
    })
  }
}

/**
 * Runs `work` in a `BEGIN IMMEDIATE` transaction: the write lock is taken at the start, so two
 * writers never deadlock upgrading a read lock (SQLITE_BUSY mid-transaction).
 *
 * @example
 * immediate(db, () => db.prepare('UPDATE jobs SET status = ? WHERE id = ?').run('done', id))
 */
export function immediate<T>(db: Db, work: () => T): T {
  return db.transaction(work).immediate()
}
