// Small durable key-value settings kept in the adapter's store (the webhook secret set by
// `integration-initialize`, the center key, ...).
import type { Db, Migration } from './sqlite.js'

export const SETTINGS_MIGRATIONS: Migration[] = [
  {
    feature: 'settings',
    version: 1,
    sql: 'CREATE TABLE settings (organization TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (organization, key))',
  },
]

/** Reads one setting of an organization, or undefined. */
export function getSetting(db: Db, organization: string, key: string): string | undefined {
  return db.prepare<[string, string], string>('SELECT value FROM settings WHERE organization = ? AND key = ?').pluck().get(organization, key)
}

/** Writes one setting of an organization (insert or replace). */
export function setSetting(db: Db, organization: string, key: string, value: string): void {
  db.prepare(
    'INSERT INTO settings (organization, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (organization, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(organization, key, value, new Date().toISOString())
}
