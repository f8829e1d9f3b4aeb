// The inventory processor: claims a batch of stock levels and sets each at the default center with
// `POST /:organization/inventory_updates` (`type: set`, a deterministic idempotency key, so the
// client may retry the POST), with bounded concurrency, outcomes written per SKU.
import { randomUUID } from 'node:crypto'
import type { FlowClient } from '../client/index.js'
import { isFlowApiError } from '../client/index.js'
import { createGroupCommit, isTransient, retryDelay } from '../catalog/index.js'
import type { GroupCommit, ProductSource } from '../catalog/index.js'
import type { Db } from '../store/sqlite.js'
import { claimInventoryBatch, enqueueInventory, inventoryBacklog, inventoryIdempotencyKey, renewInventoryLeases, settleInventoryRow } from './queue.js'
import type { ClaimedStock, InventorySyncRow, StockLevel } from './queue.js'

/** The calls the processor makes. */
export type InventoryClient = Pick<FlowClient, 'organization' | 'createInventoryUpdate'>

/**
 * Options of {@link processInventoryQueue}.
 *
 * @example
 * const options: InventorySyncOptions = { db, client: flow, center: 'demo-warehouse' }
 */
export type InventorySyncOptions = {
  db: Db
  client: InventoryClient
  /** The center key (see `fetchCenterKeys` / `defaultCenterKey`). */
  center: string
  batchSize?: number
  concurrency?: number
  leaseMs?: number
  maxAttempts?: number
  retryDelay?: { baseMs: number; maxMs: number }
  waitForRetries?: boolean
  onProgress?: (progress: { processed: number; total: number; set: number; failed: number; retrying: number; elapsedMs: number }) => void
  worker?: string
  signal?: AbortSignal
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/**
 * Counts of a run.
 *
 * @example
 * const report: InventorySyncReport = { batches: 1, claimed: 51, set: 51, failed: 0, retrying: 0, lost: 0, elapsedMs: 300 }
 */
export type InventorySyncReport = { batches: number; claimed: number; set: number; failed: number; retrying: number; lost: number; elapsedMs: number }

/**
 * Processes the inventory queue until nothing is due (waiting for rows backing off unless
 * `waitForRetries` is false). The connector's `inventory-sync`.
 *
 * @example
 * await processInventoryQueue({ db, client: flow, center: defaultCenterKey(db, 'demo') ?? 'main' })
 * // { batches: 1, claimed: 51, set: 51, failed: 0, retrying: 0, lost: 0, elapsedMs: 280 }
 */
export async function processInventoryQueue(options: InventorySyncOptions): Promise<InventorySyncReport> {
  if (typeof options.center !== 'string' || options.center === '') {
    throw new TypeError('processInventoryQueue(): `center` must be a center key; run inventory-center-fetch-keys (fetchCenterKeys) first.')
  }
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const random = options.random ?? Math.random
  const worker = options.worker ?? `inventory-${randomUUID()}`
  const batchSize = options.batchSize ?? 1000
  const concurrency = options.concurrency ?? 10
  const leaseMs = options.leaseMs ?? 30_000
  const maxAttempts = options.maxAttempts ?? 5
  const delay = options.retryDelay ?? { baseMs: 2_000, maxMs: 300_000 }
  const organization = options.client.organization
  const report: InventorySyncReport = { batches: 0, claimed: 0, set: 0, failed: 0, retrying: 0, lost: 0, elapsedMs: 0 }
  const started = now()
  let total = inventoryBacklog(options.db, organization, started).due

  const settle = async (row: ClaimedStock, commit: GroupCommit) => {
    const key = inventoryIdempotencyKey({ organization, center: options.center, sku: row.sku, quantity: row.quantity, revision: row.revision, created_at: row.created_at })
    const at = () => new Date(now()).toISOString()
    let ok: boolean
    try {
      const update = await options.client.createInventoryUpdate({ center: options.center, item_number: row.sku, quantity: row.quantity, type: 'set', idempotency_key: key })
      ok = await commit(() => settleInventoryRow(options.db, { id: row.id, worker, result: { action: 'set', at: at(), update_id: update.id }, now: now() }))
      if (ok) report.set++
    } catch (error) {
      const retry = isTransient(error) && row.attempts < maxAttempts
      const result: NonNullable<InventorySyncRow['result']> = { action: 'failed', at: at() }
      if (isFlowApiError(error) && error.status !== undefined) result.status = error.status
      const message = error instanceof Error ? error.message : String(error)
      const retryAt = retry ? now() + retryDelay(delay, row.attempts, error, random) : undefined
      ok = await commit(() =>
        settleInventoryRow(options.db, {
          id: row.id,
          worker,
          result,
          error: isTransient(error) && !retry ? `gave up after ${row.attempts} attempts: ${message}` : message,
          ...(retryAt === undefined ? {} : { retryAt }),
          now: now(),
        }),
      )
      if (ok) report[retry ? 'retrying' : 'failed']++
    }
    if (!ok) report.lost++
    options.onProgress?.({ processed: report.set + report.failed + report.retrying + report.lost, total: Math.max(total, report.claimed), set: report.set, failed: report.failed, retrying: report.retrying, elapsedMs: now() - started })
  }

  for (;;) {
    if (options.signal?.aborted) break
    const rows = claimInventoryBatch(options.db, organization, { worker, limit: batchSize, leaseMs, now: now() })
    if (rows.length === 0) {
      const { due, nextAt } = inventoryBacklog(options.db, organization, now())
      if (due > 0) continue
      if (options.waitForRetries === false || nextAt === undefined) break
      await sleep(Math.max(0, nextAt - now()))
      continue
    }
    report.batches++
    report.claimed += rows.length
    const renew = setInterval(() => renewInventoryLeases(options.db, organization, worker, now() + leaseMs, now()), Math.max(1, Math.floor(leaseMs / 3)))
    renew.unref()
    try {
      // Outcomes that arrive together share one commit (see catalog/commit.ts).
      const commit = createGroupCommit(options.db, { maxBatch: Math.min(concurrency, rows.length), maxDelayMs: 5 })
      let next = 0
      const work = async () => {
        while (next < rows.length) await settle(rows[next++] as ClaimedStock, commit)
      }
      await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, work))
    } finally {
      clearInterval(renew)
    }
    total = Math.max(total, report.claimed - report.retrying + inventoryBacklog(options.db, organization, now()).due)
  }
  report.elapsedMs = now() - started
  return report
}

/**
 * Queues the stock of every product of the source that has a `quantity` (the connector's
 * `inventory-enqueue`). Returns the counts and the SKUs without a quantity.
 *
 * @example
 * await enqueueAllInventory(db, 'demo', source) // { queued: 51, updated: 0, pending: 0, withoutQuantity: 0 }
 */
export async function enqueueAllInventory(db: Db, organization: string, source: ProductSource, now: () => number = Date.now): Promise<{ queued: number; updated: number; pending: number; withoutQuantity: number }> {
  const total = { queued: 0, updated: 0, pending: 0, withoutQuantity: 0 }
  let chunk: StockLevel[] = []
  const flush = () => {
    const outcome = enqueueInventory(db, organization, chunk, now())
    total.queued += outcome.queued
    total.updated += outcome.updated
    total.pending += outcome.pending
    chunk = []
  }
  for await (const product of source.products()) {
    if (typeof product.quantity !== 'number' || !Number.isInteger(product.quantity) || product.quantity < 0) {
      total.withoutQuantity++
      continue
    }
    chunk.push({ sku: product.sku, quantity: product.quantity })
    if (chunk.length >= 1000) flush()
  }
  flush()
  return total
}
