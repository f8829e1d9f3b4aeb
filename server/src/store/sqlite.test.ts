import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { immediate, openDb } from './sqlite.js'

describe('openDb', () => {
  it('opens in WAL mode with a busy timeout and applies each migration once', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fs-store-')), 'a.db')
    const migrations = [{ feature: 'demo', version: 1, sql: 'CREATE TABLE t (x INTEGER)' }]
    const first = openDb(path, migrations)
    first.prepare('INSERT INTO t (x) VALUES (1)').run()
    first.close()
    const again = openDb(path, [...migrations, { feature: 'demo', version: 2, sql: 'ALTER TABLE t ADD COLUMN y TEXT' }])
    expect({
      mode: again.pragma('journal_mode', { simple: true }),
      busy: again.pragma('busy_timeout', { simple: true }),
      rows: again.prepare('SELECT x, y FROM t').all(),
      versions: again.prepare("SELECT version FROM schema_migrations WHERE feature = 'demo' ORDER BY version").pluck().all(),
    }).toEqual({ mode: 'wal', busy: 5000, rows: [{ x: 1, y: null }], versions: [1, 2] })
    again.close()
  })

  it('rolls back a failed transaction whole', () => {
    const db = openDb(':memory:', [{ feature: 'demo', version: 1, sql: 'CREATE TABLE t (x INTEGER UNIQUE)' }])
    expect(() =>
      immediate(db, () => {
        db.prepare('INSERT INTO t (x) VALUES (1)').run()
        db.prepare('INSERT INTO t (x) VALUES (1)').run()
      }),
    ).toThrow(/UNIQUE/)
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0)
  })
})

describe('settings', () => {
  it('keeps one value per organization and key, last write wins', async () => {
    const { SETTINGS_MIGRATIONS, getSetting, setSetting } = await import('./settings.js')
    const db = openDb(':memory:', SETTINGS_MIGRATIONS)
    setSetting(db, 'demo', 'webhook_secret', 'a')
    setSetting(db, 'demo', 'webhook_secret', 'b')
    setSetting(db, 'other', 'webhook_secret', 'c')
    expect([getSetting(db, 'demo', 'webhook_secret'), getSetting(db, 'other', 'webhook_secret'), getSetting(db, 'demo', 'nope')]).toEqual(['b', 'c', undefined])
  })
})
