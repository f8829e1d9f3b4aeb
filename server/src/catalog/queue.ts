// The catalog sync queue: one row per (organization, SKU), in SQLite. The connector's table
// (`flow_connector_sync_skus`, connector-behaviour.md §1.2) plus what it lacked: attempts with
// backoff, leases so a killed worker's rows come back, a `pending` flag so a product changed while
// being sent is sent again, and case conflicts reported instead of silently merged by Flow.
//
// Status: `new` (waiting, maybe until `available_at`), `processing` (claimed under a lease),
// `error` (permanent failure, or out of attempts; `last_error` says why; requeue to retry),
// `done` (the last outcome succeeded; `result` says what was done). `synced` is the connector's
// `state = done`: the SKU is in Flow, so a product that disappears from the source is deleted there.
import { immediate } from '../store/sqlite.js'
import { prepared } from './commit.js'
import type { Db, Migration } from '../store/sqlite.js'

/** The queue's tables and indexes. */
export const CATALOG_QUEUE_MIGRATIONS: Migration[] = [
  {
    feature: 'catalog_queue',
    version: 1,
    sql: `
      CREATE TABLE catalog_sync (
        id INTEGER PRIMARY KEY,
        organization TEXT NOT NULL,
        sku TEXT NOT NULL,
        sku_folded TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'processing', 'error', 'done')),
        synced INTEGER NOT NULL DEFAULT 0 CHECK (synced IN (0, 1)),
        pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        result TEXT,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        available_at INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        synced_at INTEGER,
        UNIQUE (organization, sku)
      );
      CREATE INDEX catalog_sync_claim ON catalog_sync (organization, status, available_at);
      CREATE INDEX catalog_sync_folded ON catalog_sync (organization, sku_folded);
    `,
  },
]

/** A row's status. */
export type SyncStatus = 'new' | 'processing' | 'error' | 'done'

/**
 * What was last done for a SKU: sent (`put`), deleted in Flow (`delete`), nothing because it was
 * gone and never synced (`skip`), refused before sending (`invalid`, `conflict`) or failed.
 *
 * @example
 * const result: SyncResult = { action: 'put', at: '2026-12-03T10:00:00.000Z', item_id: 'itm-1' }
 */
export type SyncResult = {
  action: 'put' | 'delete' | 'skip' | 'invalid' | 'conflict' | 'failed'
  at: string
  item_id?: string
  status?: number
  request_id?: string
  conflicts_with?: string
}

/**
 * One queue row as the library returns it (times as ISO strings).
 *
 * @example
 * const row: CatalogSyncRow = { sku: 'TEE', status: 'done', synced: true, attempts: 1, last_error: null, result: { action: 'put', at: '…' }, updated_at: '…', synced_at: '…' }
 */
export type CatalogSyncRow = {
  sku: string
  status: SyncStatus
  synced: boolean
  attempts: number
  last_error: string | null
  result: SyncResult | null
  updated_at: string
  synced_at: string | null
}

/** A row claimed by a worker. */
export type ClaimedRow = { id: number; sku: string; synced: boolean; attempts: number }

/**
 * What enqueueing did: SKUs newly queued or put back to `new`, already waiting, marked to be sent
 * again after the send in flight, and case conflicts (left in `error`, not sent).
 *
 * @example
 * const outcome: EnqueueOutcome = { queued: 2, waiting: 0, pending: 0, conflicts: [{ sku: 'tee', with: 'TEE' }] }
 */
export type EnqueueOutcome = { queued: number; waiting: number; pending: number; conflicts: { sku: string; with: string }[] }

/**
 * Counts of rows by status, plus how many are in Flow.
 *
 * @example
 * catalogQueueStats(db, 'demo') // { new: 0, processing: 0, error: 1, done: 50, synced: 50, total: 51 }
 */
export type QueueStats = { new: number; processing: number; error: number; done: number; synced: number; total: number }

const fold = (sku: string): string => sku.toLowerCase()

/**
 * Puts SKUs in the queue (connector `enqueue` rules): a new SKU is inserted as `new`; a `done` or
 * `error` row goes back to `new` with its attempts reset; a row being processed is marked
 * `pending`, so it is sent again once the send in flight finishes; a `new` row stays as it is.
 * A SKU that differs only by case from another queued SKU of the organization is a conflict:
 * Flow treats item numbers case-insensitively, so sending both would overwrite one with the
 * other. The later one is left in `error` with the reason and is never sent.
 *
 * @example
 * enqueueCatalog(db, 'demo', ['TEE', 'tee']) // { queued: 1, waiting: 0, pending: 0, conflicts: [{ sku: 'tee', with: 'TEE' }] }
 */
export function enqueueCatalog(db: Db, organization: string, skus: Iterable<string>, now: number = Date.now()): EnqueueOutcome {
  const select = prepared<[string, string], { id: number; status: SyncStatus }>(db, 'SELECT id, status FROM catalog_sync WHERE organization = ? AND sku = ?')
  // A partner that is gone from Flow (done and not synced) no longer conflicts.
  const partner = prepared<[string, string, string], string>(
    db,
    "SELECT sku FROM catalog_sync WHERE organization = ? AND sku_folded = ? AND sku <> ? AND NOT (status = 'done' AND synced = 0) AND NOT (status = 'error' AND result LIKE '{\"action\":\"conflict\"%') ORDER BY id LIMIT 1",
  )
    .pluck()
  const insert = prepared(
    db,
    "INSERT INTO catalog_sync (organization, sku, sku_folded, status, created_at, updated_at, available_at) VALUES (?, ?, ?, 'new', ?, ?, ?)",
  )
  const conflict = prepared(
    db,
    `INSERT INTO catalog_sync (organization, sku, sku_folded, status, last_error, result, created_at, updated_at)
     VALUES (@organization, @sku, @folded, 'error', @error, @result, @now, @now)
     ON CONFLICT (organization, sku) DO UPDATE SET status = CASE WHEN status = 'processing' THEN status ELSE 'error' END,
       pending = 0, last_error = excluded.last_error, result = excluded.result, updated_at = excluded.updated_at`,
  )
  const requeue = prepared(db, "UPDATE catalog_sync SET status = 'new', attempts = 0, available_at = ?, updated_at = ? WHERE id = ?")
  const markPending = prepared(db, 'UPDATE catalog_sync SET pending = 1, updated_at = ? WHERE id = ?')
  const outcome: EnqueueOutcome = { queued: 0, waiting: 0, pending: 0, conflicts: [] }
  immediate(db, () => {
    for (const sku of new Set(skus)) {
      if (typeof sku !== 'string' || sku === '') throw new TypeError(`enqueueCatalog(): every SKU must be a non-empty string. Received: ${JSON.stringify(sku)}`)
      const other = partner.get(organization, fold(sku), sku)
      if (other !== undefined) {
        const error = `case conflict: SKU '${sku}' differs only by case from '${other}'; Flow item numbers are case-insensitive, so one would overwrite the other. Rename one of them, then requeue.`
        const result: SyncResult = { action: 'conflict', at: new Date(now).toISOString(), conflicts_with: other }
        conflict.run({ organization, sku, folded: fold(sku), error, result: JSON.stringify(result), now })
        outcome.conflicts.push({ sku, with: other })
        continue
      }
      const row = select.get(organization, sku)
      if (!row) {
        insert.run(organization, sku, fold(sku), now, now, now)
        outcome.queued++
      } else if (row.status === 'processing') {
        markPending.run(now, row.id)
        outcome.pending++
      } else if (row.status === 'new') {
        outcome.waiting++
      } else {
        requeue.run(now, now, row.id)
        outcome.queued++
      }
    }
  })
  return outcome
}

/**
 * Claims up to `limit` rows in one statement: `new` rows whose time has come, and `processing`
 * rows whose lease expired (their worker died). Each claimed row gets this worker's lease and one
 * more attempt.
 *
 * @example
 * claimCatalogBatch(db, 'demo', { worker: 'w1', limit: 1000, leaseMs: 30_000, now: Date.now() }) // [{ id: 1, sku: 'TEE', synced: false, attempts: 1 }]
 */
export function claimCatalogBatch(db: Db, organization: string, options: { worker: string; limit: number; leaseMs: number; now: number }): ClaimedRow[] {
  const rows = prepared<Record<string, unknown>, { id: number; sku: string; synced: number; attempts: number }>(
    db,
    `UPDATE catalog_sync
     SET status = 'processing', lease_owner = @worker, lease_expires_at = @expires, attempts = attempts + 1, updated_at = @now
     WHERE id IN (
       SELECT id FROM catalog_sync
       WHERE organization = @organization
         AND ((status = 'new' AND available_at <= @now) OR (status = 'processing' AND lease_expires_at <= @now))
       ORDER BY available_at, id
       LIMIT @limit)
     RETURNING id, sku, synced, attempts`,
  )
    .all({ organization, worker: options.worker, expires: options.now + options.leaseMs, now: options.now, limit: options.limit })
  return rows.map((row) => ({ id: row.id, sku: row.sku, synced: row.synced === 1, attempts: row.attempts })).sort((a, b) => a.id - b.id)
}

/**
 * Extends this worker's leases (called while a batch is in flight, so only a dead worker's rows
 * expire). Returns how many rows it still holds.
 *
 * @example
 * renewCatalogLeases(db, 'demo', 'w1', Date.now() + 30_000, Date.now()) // 1000
 */
export function renewCatalogLeases(db: Db, organization: string, worker: string, expiresAt: number, now: number): number {
  return db
    .prepare("UPDATE catalog_sync SET lease_expires_at = ?, updated_at = ? WHERE organization = ? AND lease_owner = ? AND status = 'processing'")
    .run(expiresAt, now, organization, worker).changes
}

/**
 * Records a success: `synced` says whether the SKU is now in Flow. A row marked `pending` while
 * in flight goes back to `new`. Refused (returns false) when this worker no longer holds the
 * row's lease: another worker has it, and its outcome is the one that counts.
 *
 * @example
 * completeCatalogRow(db, { id: 1, worker: 'w1', synced: true, result: { action: 'put', at }, now: Date.now() }) // true
 */
export function completeCatalogRow(db: Db, row: { id: number; worker: string; synced: boolean; result: SyncResult; now: number }): boolean {
  return (
    db
      .prepare(
        `UPDATE catalog_sync SET
           status = CASE WHEN pending = 1 THEN 'new' ELSE 'done' END,
           attempts = CASE WHEN pending = 1 THEN 0 ELSE attempts END,
           available_at = CASE WHEN pending = 1 THEN @now ELSE available_at END,
           pending = 0, synced = @synced, last_error = NULL, result = @result,
           lease_owner = NULL, lease_expires_at = NULL, updated_at = @now,
           synced_at = CASE WHEN @synced = 1 THEN @now ELSE synced_at END
         WHERE id = @id AND status = 'processing' AND lease_owner = @worker`,
      )
      .run({ id: row.id, worker: row.worker, synced: row.synced ? 1 : 0, result: JSON.stringify(row.result), now: row.now }).changes === 1
  )
}

/**
 * Records a failure. With `retryAt` the row goes back to `new` until then (a transient failure
 * with attempts left); without, it stays in `error` with the reason. A row marked `pending` goes
 * back to `new` at once either way: the product changed, so the new version deserves a try.
 * Refused (false) when this worker no longer holds the lease.
 *
 * @example
 * failCatalogRow(db, { id: 1, worker: 'w1', error: 'PUT …: 503', result, retryAt: Date.now() + 2000, now: Date.now() }) // true
 */
export function failCatalogRow(db: Db, row: { id: number; worker: string; error: string; result: SyncResult; retryAt?: number; now: number }): boolean {
  return (
    db
      .prepare(
        `UPDATE catalog_sync SET
           status = CASE WHEN pending = 1 OR @retry = 1 THEN 'new' ELSE 'error' END,
           available_at = CASE WHEN pending = 1 THEN @now WHEN @retry = 1 THEN @retryAt ELSE available_at END,
           attempts = CASE WHEN pending = 1 THEN 0 ELSE attempts END,
           pending = 0, last_error = @error, result = @result,
           lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
         WHERE id = @id AND status = 'processing' AND lease_owner = @worker`,
      )
      .run({
        id: row.id,
        worker: row.worker,
        error: row.error,
        result: JSON.stringify(row.result),
        retry: row.retryAt === undefined ? 0 : 1,
        retryAt: row.retryAt ?? 0,
        now: row.now,
      }).changes === 1
  )
}

/**
 * Puts rows in `error` (all of them, or the given SKUs) back in the queue through the usual
 * enqueue rules, so case conflicts are checked again. Returns the enqueue outcome.
 *
 * @example
 * requeueCatalog(db, 'demo') // { queued: 3, waiting: 0, pending: 0, conflicts: [] }
 */
export function requeueCatalog(db: Db, organization: string, skus?: readonly string[], now: number = Date.now()): EnqueueOutcome {
  const list = skus ?? prepared<[string], string>(db, "SELECT sku FROM catalog_sync WHERE organization = ? AND status = 'error' ORDER BY id").pluck().all(organization)
  return enqueueCatalog(db, organization, list, now)
}

/**
 * SKUs that are in Flow (synced before): with the source's SKUs, what a full sync enqueues, so
 * products that are gone get deleted.
 *
 * @example
 * syncedSkus(db, 'demo') // ['TEE', 'MUG']
 */
export function syncedSkus(db: Db, organization: string): string[] {
  return prepared<[string], string>(db, 'SELECT sku FROM catalog_sync WHERE organization = ? AND synced = 1 ORDER BY id').pluck().all(organization)
}

/**
 * Counts by status.
 *
 * @example
 * catalogQueueStats(db, 'demo') // { new: 51, processing: 0, error: 0, done: 0, synced: 0, total: 51 }
 */
export function catalogQueueStats(db: Db, organization: string): QueueStats {
  const stats: QueueStats = { new: 0, processing: 0, error: 0, done: 0, synced: 0, total: 0 }
  for (const row of prepared<[string], { status: SyncStatus; n: number; synced: number }>(db, 'SELECT status, count(*) AS n, sum(synced) AS synced FROM catalog_sync WHERE organization = ? GROUP BY status')
    .all(organization)) {
    stats[row.status] = row.n
    stats.synced += row.synced
    stats.total += row.n
  }
  return stats
}

/**
 * How many rows a worker could claim now, and when the next waiting one becomes due (ms since
 * the epoch), if any is waiting for a retry.
 *
 * @example
 * catalogBacklog(db, 'demo', Date.now()) // { due: 12, nextAt: undefined }
 */
export function catalogBacklog(db: Db, organization: string, now: number): { due: number; nextAt: number | undefined } {
  const due = prepared<[string, number, number], number>(
    db,
    "SELECT count(*) FROM catalog_sync WHERE organization = ? AND ((status = 'new' AND available_at <= ?) OR (status = 'processing' AND lease_expires_at <= ?))",
  )
    .pluck()
    .get(organization, now, now) ?? 0
  const nextAt = prepared<[string, number], number | null>(db, "SELECT min(available_at) FROM catalog_sync WHERE organization = ? AND status = 'new' AND available_at > ?")
    .pluck()
    .get(organization, now)
  return { due, nextAt: nextAt ?? undefined }
}

/**
 * The queue rows of an organization (all, by status, or by SKU), oldest first.
 *
 * @example
 * listCatalogRows(db, 'demo', { status: 'error' }) // [{ sku: 'BAD', status: 'error', last_error: 'name: required, …', … }]
 */
export function listCatalogRows(db: Db, organization: string, filter: { status?: SyncStatus; skus?: readonly string[]; limit?: number } = {}): CatalogSyncRow[] {
  const where = ['organization = @organization']
  if (filter.status) where.push('status = @status')
  if (filter.skus) where.push('sku IN (SELECT value FROM json_each(@skus))')
  const rows = prepared<Record<string, unknown>, { sku: string; status: SyncStatus; synced: number; attempts: number; last_error: string | null; result: string | null; updated_at: number; synced_at: number | null }>(
    db,
    `SELECT sku, status, synced, attempts, last_error, result, updated_at, synced_at FROM catalog_sync WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`,
  )
    .all({ organization, status: filter.status ?? null, skus: JSON.stringify(filter.skus ?? []), limit: filter.limit ?? -1 })
  return rows.map((row) => ({
    sku: row.sku,
    status: row.status,
    synced: row.synced === 1,
    attempts: row.attempts,
    last_error: row.last_error,
    result: row.result === null ? null : (JSON.parse(row.result) as SyncResult),
    updated_at: new Date(row.updated_at).toISOString(),
    synced_at: row.synced_at === null ? null : new Date(row.synced_at).toISOString(),
  }))
}

/**
 * Removes `done` rows of SKUs that are no longer in Flow (deleted or skipped) and older than
 * `olderThan` (ms since the epoch): they carry no state worth keeping. Synced rows are kept
 * forever: they are what allows a later delete. Returns how many were removed.
 *
 * @example
 * cleanupCatalogQueue(db, 'demo', Date.now() - 7 * 86_400_000) // 3
 */
export function cleanupCatalogQueue(db: Db, organization: string, olderThan: number): number {
  return prepared(db, "DELETE FROM catalog_sync WHERE organization = ? AND status = 'done' AND synced = 0 AND updated_at < ?").run(organization, olderThan).changes
}
