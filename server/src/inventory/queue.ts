// The inventory queue: one row per (organization, SKU) holding the quantity to set at the default
// center. Same life cycle as the catalog queue (new / processing / error / done, leases, attempts,
// backoff, pending). `revision` counts the updates asked for: with the center, SKU and quantity
// it makes the idempotency key, so a retried update is the same update and a new one is new.
// (The connector hashed the row id and timestamps; the SKU-level queue had a bug that reset
// `done` rows instead of stuck ones — connector-behaviour.md §2.2 — not copied.)
import { createHash } from 'node:crypto'
import { SETTINGS_MIGRATIONS } from '../store/settings.js'
import { immediate } from '../store/sqlite.js'
import { prepared } from '../catalog/index.js'
import type { Db, Migration } from '../store/sqlite.js'

/** The inventory queue's table (and the settings table, which holds the center key). */
export const INVENTORY_MIGRATIONS: Migration[] = [
  ...SETTINGS_MIGRATIONS,
  {
    feature: 'inventory_queue',
    version: 1,
    sql: `
      CREATE TABLE inventory_sync (
        id INTEGER PRIMARY KEY,
        organization TEXT NOT NULL,
        sku TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'processing', 'error', 'done')),
        pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        result TEXT,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        available_at INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (organization, sku)
      );
      CREATE INDEX inventory_sync_claim ON inventory_sync (organization, status, available_at);
    `,
  },
]

/** A row's status. */
export type InventoryStatus = 'new' | 'processing' | 'error' | 'done'

/**
 * One quantity to set.
 *
 * @example
 * const stock: StockLevel = { sku: 'TEE', quantity: 12 }
 */
export type StockLevel = { sku: string; quantity: number }

/** A claimed row. `created_at` (ms) goes into the idempotency key, so a row removed by cleanup and queued again never reuses an old key. */
export type ClaimedStock = { id: number; sku: string; quantity: number; revision: number; attempts: number; created_at: number }

/**
 * One row as the library returns it.
 *
 * @example
 * const row: InventorySyncRow = { sku: 'TEE', quantity: 12, status: 'done', attempts: 1, last_error: null, result: { action: 'set', at: '…', update_id: 'inu-1' }, updated_at: '…' }
 */
export type InventorySyncRow = {
  sku: string
  quantity: number
  status: InventoryStatus
  attempts: number
  last_error: string | null
  result: { action: 'set' | 'failed'; at: string; update_id?: string; status?: number } | null
  updated_at: string
}

/**
 * The deterministic idempotency key of an update: the same on every attempt of one update, new for
 * the next.
 *
 * @example
 * inventoryIdempotencyKey({ organization: 'demo', center: 'demo-warehouse', sku: 'TEE', quantity: 12, revision: 1, created_at: 1767225600000 })
 * // 'inv-3f1c…' (sha256, hex)
 */
export function inventoryIdempotencyKey(update: { organization: string; center: string; sku: string; quantity: number; revision: number; created_at: number }): string {
  const { organization, center, sku, quantity, revision, created_at } = update
  return `inv-${createHash('sha256').update(JSON.stringify([organization, center, sku, quantity, revision, created_at])).digest('hex')}`
}

/**
 * Queues quantities to set. A new SKU is inserted; a `done` or `error` row becomes a new update
 * (next revision); a waiting row takes the new quantity (a new revision only if it changed);
 * a row in flight is marked pending and takes the new quantity for its next update.
 *
 * @example
 * enqueueInventory(db, 'demo', [{ sku: 'TEE', quantity: 12 }]) // { queued: 1, updated: 0, pending: 0 }
 */
export function enqueueInventory(db: Db, organization: string, levels: Iterable<StockLevel>, now: number = Date.now()): { queued: number; updated: number; pending: number } {
  const select = prepared<[string, string], { id: number; status: InventoryStatus; quantity: number }>(db, 'SELECT id, status, quantity FROM inventory_sync WHERE organization = ? AND sku = ?')
  const insert = prepared(db, "INSERT INTO inventory_sync (organization, sku, quantity, status, created_at, updated_at, available_at) VALUES (?, ?, ?, 'new', ?, ?, ?)")
  const renew = prepared(db, "UPDATE inventory_sync SET status = 'new', quantity = ?, revision = revision + 1, attempts = 0, available_at = ?, updated_at = ? WHERE id = ?")
  const change = prepared(db, 'UPDATE inventory_sync SET quantity = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
  const pend = prepared(db, 'UPDATE inventory_sync SET pending = 1, quantity = ?, updated_at = ? WHERE id = ?')
  const outcome = { queued: 0, updated: 0, pending: 0 }
  immediate(db, () => {
    for (const { sku, quantity } of levels) {
      if (typeof sku !== 'string' || sku === '') throw new TypeError(`enqueueInventory(): sku must be a non-empty string. Received: ${JSON.stringify(sku)}`)
      if (!Number.isInteger(quantity) || quantity < 0) throw new RangeError(`enqueueInventory(): quantity of '${sku}' must be an integer ≥ 0. Received: ${String(quantity)}`)
      const row = select.get(organization, sku)
      if (!row) {
        insert.run(organization, sku, quantity, now, now, now)
        outcome.queued++
      } else if (row.status === 'processing') {
        pend.run(quantity, now, row.id)
        outcome.pending++
      } else if (row.status === 'new') {
        if (row.quantity !== quantity) change.run(quantity, now, row.id)
        outcome.updated++
      } else {
        renew.run(quantity, now, now, row.id)
        outcome.queued++
      }
    }
  })
  return outcome
}

/**
 * Claims up to `limit` due rows (new, or processing with an expired lease) in one statement.
 *
 * @example
 * claimInventoryBatch(db, 'demo', { worker: 'w', limit: 1000, leaseMs: 30_000, now: Date.now() })
 */
export function claimInventoryBatch(db: Db, organization: string, options: { worker: string; limit: number; leaseMs: number; now: number }): ClaimedStock[] {
  return prepared<Record<string, unknown>, ClaimedStock>(
    db,
    `UPDATE inventory_sync
     SET status = 'processing', lease_owner = @worker, lease_expires_at = @expires, attempts = attempts + 1, updated_at = @now
     WHERE id IN (
       SELECT id FROM inventory_sync
       WHERE organization = @organization
         AND ((status = 'new' AND available_at <= @now) OR (status = 'processing' AND lease_expires_at <= @now))
       ORDER BY available_at, id
       LIMIT @limit)
     RETURNING id, sku, quantity, revision, attempts, created_at`,
  )
    .all({ organization, worker: options.worker, expires: options.now + options.leaseMs, now: options.now, limit: options.limit })
    .sort((a, b) => a.id - b.id)
}

/** Extends this worker's leases; returns how many rows it holds. */
export function renewInventoryLeases(db: Db, organization: string, worker: string, expiresAt: number, now: number): number {
  return db
    .prepare("UPDATE inventory_sync SET lease_expires_at = ?, updated_at = ? WHERE organization = ? AND lease_owner = ? AND status = 'processing'")
    .run(expiresAt, now, organization, worker).changes
}

/**
 * Records the outcome of a claimed row: success (`retryAt` and `error` absent), a retry later, or
 * a permanent error. A pending row goes back to `new` as its next revision. Refused (false) when
 * the worker lost the lease.
 *
 * @example
 * settleInventoryRow(db, { id: 1, worker: 'w', result: { action: 'set', at }, now: Date.now() }) // true
 */
export function settleInventoryRow(
  db: Db,
  row: { id: number; worker: string; result: NonNullable<InventorySyncRow['result']>; error?: string; retryAt?: number; now: number },
): boolean {
  const success = row.error === undefined
  return (
    db
      .prepare(
        `UPDATE inventory_sync SET
           status = CASE WHEN pending = 1 OR @retry = 1 THEN 'new' WHEN @success = 1 THEN 'done' ELSE 'error' END,
           revision = CASE WHEN pending = 1 THEN revision + 1 ELSE revision END,
           attempts = CASE WHEN pending = 1 THEN 0 ELSE attempts END,
           available_at = CASE WHEN pending = 1 THEN @now WHEN @retry = 1 THEN @retryAt ELSE available_at END,
           pending = 0, last_error = @error, result = @result, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
         WHERE id = @id AND status = 'processing' AND lease_owner = @worker`,
      )
      .run({
        id: row.id,
        worker: row.worker,
        success: success ? 1 : 0,
        retry: row.retryAt === undefined ? 0 : 1,
        retryAt: row.retryAt ?? 0,
        error: row.error ?? null,
        result: JSON.stringify(row.result),
        now: row.now,
      }).changes === 1
  )
}

/**
 * Rows due now, and when the next waiting one is due.
 *
 * @example
 * inventoryBacklog(db, 'demo', Date.now()) // { due: 0, nextAt: undefined }
 */
export function inventoryBacklog(db: Db, organization: string, now: number): { due: number; nextAt: number | undefined } {
  const due =
    prepared<[string, number, number], number>(
      db,
      "SELECT count(*) FROM inventory_sync WHERE organization = ? AND ((status = 'new' AND available_at <= ?) OR (status = 'processing' AND lease_expires_at <= ?))",
    )
      .pluck()
      .get(organization, now, now) ?? 0
  const nextAt = prepared<[string, number], number | null>(db, "SELECT min(available_at) FROM inventory_sync WHERE organization = ? AND status = 'new' AND available_at > ?").pluck().get(organization, now)
  return { due, nextAt: nextAt ?? undefined }
}

/**
 * Puts rows in `error` (all, or the given SKUs) back to `new` as a new update.
 *
 * @example
 * requeueInventory(db, 'demo') // 2
 */
export function requeueInventory(db: Db, organization: string, skus?: readonly string[], now: number = Date.now()): number {
  return db
    .prepare(
      `UPDATE inventory_sync SET status = 'new', revision = revision + 1, attempts = 0, available_at = @now, updated_at = @now
       WHERE organization = @organization AND status = 'error' AND (@all = 1 OR sku IN (SELECT value FROM json_each(@skus)))`,
    )
    .run({ organization, now, all: skus === undefined ? 1 : 0, skus: JSON.stringify(skus ?? []) }).changes
}

/**
 * Counts by status.
 *
 * @example
 * inventoryQueueStats(db, 'demo') // { new: 0, processing: 0, error: 0, done: 51, total: 51 }
 */
export function inventoryQueueStats(db: Db, organization: string): { new: number; processing: number; error: number; done: number; total: number } {
  const stats = { new: 0, processing: 0, error: 0, done: 0, total: 0 }
  for (const row of prepared<[string], { status: InventoryStatus; n: number }>(db, 'SELECT status, count(*) AS n FROM inventory_sync WHERE organization = ? GROUP BY status').all(organization)) {
    stats[row.status] = row.n
    stats.total += row.n
  }
  return stats
}

/**
 * The rows of an organization, oldest first.
 *
 * @example
 * listInventoryRows(db, 'demo', { status: 'error' })
 */
export function listInventoryRows(db: Db, organization: string, filter: { status?: InventoryStatus } = {}): InventorySyncRow[] {
  return prepared<Record<string, unknown>, { sku: string; quantity: number; status: InventoryStatus; attempts: number; last_error: string | null; result: string | null; updated_at: number }>(
    db,
    `SELECT sku, quantity, status, attempts, last_error, result, updated_at FROM inventory_sync
     WHERE organization = @organization AND (@status IS NULL OR status = @status) ORDER BY id`,
  )
    .all({ organization, status: filter.status ?? null })
    .map((row) => ({ ...row, result: row.result === null ? null : (JSON.parse(row.result) as InventorySyncRow['result']), updated_at: new Date(row.updated_at).toISOString() }))
}

/**
 * Removes `done` rows not updated since `olderThan` (the connector kept them 3 days). Returns
 * how many were removed.
 *
 * @example
 * cleanupInventoryQueue(db, 'demo', Date.now() - 3 * 86_400_000) // 40
 */
export function cleanupInventoryQueue(db: Db, organization: string, olderThan: number): number {
  return prepared(db, "DELETE FROM inventory_sync WHERE organization = ? AND status = 'done' AND updated_at < ?").run(organization, olderThan).changes
}
