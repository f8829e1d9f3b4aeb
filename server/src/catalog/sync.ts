// The catalog sync processor: claims a batch of queue rows, looks their products up in the source,
// and sends each to Flow with bounded concurrency: PUT for a product the source has, DELETE for one
// it no longer has that was synced before. Every row's outcome is written as soon as it is known,
// keyed by SKU (the connector matched pooled answers by position and could credit the wrong row).
import { randomUUID } from 'node:crypto'
import { isFlowApiError } from '../client/index.js'
import type { FlowClient, Item, ItemForm } from '../client/index.js'
import type { Db } from '../store/sqlite.js'
import { createGroupCommit } from './commit.js'
import type { GroupCommit } from './commit.js'
import { toItemForm } from './mapping.js'
import { isTransient, retryDelay } from './retry.js'
import type { MappingOptions } from './mapping.js'
import type { Product } from './product.js'
import { catalogBacklog, claimCatalogBatch, completeCatalogRow, enqueueCatalog, failCatalogRow, renewCatalogLeases, syncedSkus } from './queue.js'
import type { ClaimedRow, EnqueueOutcome, SyncResult } from './queue.js'
import type { ProductSource } from './sources.js'

/** The calls the processor makes. A `FlowClient` has them. */
export type CatalogClient = Pick<FlowClient, 'organization' | 'putItem' | 'deleteItem'>

/**
 * What `productSyncAfter` receives (the connector's `flow_product_sync_after` event): the SKU,
 * what was done, and for a PUT the product, the form sent and Flow's item.
 *
 * @example
 * const event: ProductSyncEvent = { sku: 'TEE', action: 'put', product, form, item }
 */
export type ProductSyncEvent =
  | { sku: string; action: 'put'; product: Product; form: ItemForm; item: Item }
  | { sku: string; action: 'delete' }

/**
 * Progress of a run, reported after every row.
 *
 * @example
 * const progress: CatalogProgress = { processed: 120, total: 1000, put: 118, deleted: 0, skipped: 0, invalid: 1, failed: 0, retrying: 1, elapsedMs: 900 }
 */
export type CatalogProgress = {
  processed: number
  total: number
  put: number
  deleted: number
  skipped: number
  invalid: number
  failed: number
  retrying: number
  elapsedMs: number
}

/**
 * Options of {@link processCatalogBatch} and {@link processCatalogQueue}.
 *
 * @example
 * const options: CatalogSyncOptions = { db, client: createFlowClient({ organization, apiKey }), source: createStoredProductSource(db, organization) }
 */
export type CatalogSyncOptions = {
  db: Db
  client: CatalogClient
  source: ProductSource
  /** Rows claimed per batch. Default 1000 (the connector's). */
  batchSize?: number
  /** Requests in flight at once. Default 10 (the connector's). */
  concurrency?: number
  /** How long a claim lasts without renewal; a dead worker's rows come back after it. Default 30 000. */
  leaseMs?: number
  /** Attempts before a transient failure is left in `error`. Default 5. */
  maxAttempts?: number
  /** Backoff between attempts of a row: doubles from `baseMs` up to `maxMs`. Default 2 000 / 300 000. */
  retryDelay?: { baseMs: number; maxMs: number }
  mapping?: MappingOptions
  /** Called after each successful PUT or DELETE; a hook that throws is reported, not retried. */
  productSyncAfter?: (event: ProductSyncEvent) => void | Promise<void>
  onProgress?: (progress: CatalogProgress) => void
  /** Non-fatal trouble (a hook that threw, a lease lost to another worker). Default `console.warn`. */
  onWarning?: (message: string) => void
  /** This worker's lease name. Default a random id. */
  worker?: string
  /** `processCatalogQueue` only: wait for rows whose retry is due later (default true). */
  waitForRetries?: boolean
  /** Stops after the rows in flight. */
  signal?: AbortSignal
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/**
 * Counts of one run.
 *
 * @example
 * const report: CatalogSyncReport = { batches: 1, claimed: 51, put: 51, deleted: 0, skipped: 0, invalid: 0, failed: 0, retrying: 0, lost: 0, elapsedMs: 420 }
 */
export type CatalogSyncReport = {
  batches: number
  claimed: number
  put: number
  deleted: number
  skipped: number
  invalid: number
  /** Left in `error`: permanent failures and transient ones out of attempts. */
  failed: number
  /** Back to `new` for a later attempt. */
  retrying: number
  /** Rows whose lease another worker took over (outcome not written). */
  lost: number
  elapsedMs: number
}

type Resolved = Required<Omit<CatalogSyncOptions, 'productSyncAfter' | 'onProgress' | 'signal' | 'mapping'>> &
  Pick<CatalogSyncOptions, 'productSyncAfter' | 'onProgress' | 'signal' | 'mapping'>

function resolve(options: CatalogSyncOptions): Resolved {
  const positive = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`processCatalogQueue(): \`${name}\` must be an integer ≥ 1. Received: ${String(value)}`)
    return value
  }
  return {
    ...options,
    batchSize: positive('batchSize', options.batchSize ?? 1000),
    concurrency: positive('concurrency', options.concurrency ?? 10),
    leaseMs: positive('leaseMs', options.leaseMs ?? 30_000),
    maxAttempts: positive('maxAttempts', options.maxAttempts ?? 5),
    retryDelay: options.retryDelay ?? { baseMs: 2_000, maxMs: 300_000 },
    onWarning: options.onWarning ?? ((message) => console.warn(message)),
    worker: options.worker ?? `catalog-${randomUUID()}`,
    waitForRetries: options.waitForRetries ?? true,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
  }
}

const emptyReport = (): CatalogSyncReport => ({ batches: 0, claimed: 0, put: 0, deleted: 0, skipped: 0, invalid: 0, failed: 0, retrying: 0, lost: 0, elapsedMs: 0 })

/**
 * Processes one batch: claims up to `batchSize` rows and settles each. Returns the counts
 * (`claimed: 0` when nothing was due).
 *
 * @example
 * const report = await processCatalogBatch({ db, client, source })
 * // { batches: 1, claimed: 51, put: 51, … }
 */
export async function processCatalogBatch(options: CatalogSyncOptions): Promise<CatalogSyncReport> {
  const config = resolve(options)
  const report = emptyReport()
  const started = config.now()
  await runBatch(config, report, started, () => report.claimed)
  report.elapsedMs = config.now() - started
  return report
}

/**
 * Processes the queue until nothing is due: batch after batch, then (unless `waitForRetries` is
 * false) waits for rows backing off after a transient failure. The connector's `processAll`.
 *
 * @example
 * const report = await processCatalogQueue({ db, client, source, onProgress: (p) => bar.update(p) })
 * // { batches: 1, claimed: 51, put: 51, deleted: 0, skipped: 0, invalid: 0, failed: 0, retrying: 0, lost: 0, elapsedMs: 410 }
 */
export async function processCatalogQueue(options: CatalogSyncOptions): Promise<CatalogSyncReport> {
  const config = resolve(options)
  const report = emptyReport()
  const started = config.now()
  let total = catalogBacklog(config.db, config.client.organization, started).due
  for (;;) {
    if (config.signal?.aborted) break
    const claimed = await runBatch(config, report, started, () => total)
    if (claimed > 0) {
      // Rows requeued for a retry or enqueued meanwhile join the total.
      total = Math.max(total, report.claimed - report.retrying + catalogBacklog(config.db, config.client.organization, config.now()).due)
      continue
    }
    const { due, nextAt } = catalogBacklog(config.db, config.client.organization, config.now())
    if (due > 0) continue
    if (!config.waitForRetries || nextAt === undefined) break
    await config.sleep(Math.max(0, nextAt - config.now()))
  }
  report.elapsedMs = config.now() - started
  return report
}

async function runBatch(config: Resolved, report: CatalogSyncReport, started: number, total: () => number): Promise<number> {
  const organization = config.client.organization
  const rows = claimCatalogBatch(config.db, organization, { worker: config.worker, limit: config.batchSize, leaseMs: config.leaseMs, now: config.now() })
  if (rows.length === 0) return 0
  report.batches++
  report.claimed += rows.length
  const renew = setInterval(() => {
    try {
      renewCatalogLeases(config.db, organization, config.worker, config.now() + config.leaseMs, config.now())
    } catch (error) {
      config.onWarning(`catalog sync: could not renew leases: ${(error as Error).message}`)
    }
  }, Math.max(1, Math.floor(config.leaseMs / 3)))
  renew.unref()
  try {
    const products = await lookUp(config.source, rows.map((row) => row.sku))
    // Outcomes that arrive together share one commit (one disk flush), at most as many as are in flight.
    const commit = createGroupCommit(config.db, { maxBatch: Math.min(config.concurrency, rows.length), maxDelayMs: 5 })
    let next = 0
    const work = async () => {
      while (next < rows.length) {
        const row = rows[next++] as ClaimedRow
        await settle(config, commit, row, products.get(row.sku), report)
        config.onProgress?.({
          processed: report.put + report.deleted + report.skipped + report.invalid + report.failed + report.retrying + report.lost,
          total: Math.max(total(), report.claimed),
          put: report.put,
          deleted: report.deleted,
          skipped: report.skipped,
          invalid: report.invalid,
          failed: report.failed,
          retrying: report.retrying,
          elapsedMs: config.now() - started,
        })
      }
    }
    await Promise.all(Array.from({ length: Math.min(config.concurrency, rows.length) }, work))
  } finally {
    clearInterval(renew)
  }
  return rows.length
}

async function lookUp(source: ProductSource, skus: string[]): Promise<Map<string, Product>> {
  if (source.getMany) return source.getMany(skus)
  const found = new Map<string, Product>()
  for (const sku of skus) {
    const product = await source.get(sku)
    if (product) found.set(sku, product)
  }
  return found
}

async function settle(config: Resolved, commit: GroupCommit, row: ClaimedRow, product: Product | undefined, report: CatalogSyncReport): Promise<void> {
  const { db, worker } = config
  const at = () => new Date(config.now()).toISOString()
  const lost = () => {
    report.lost++
    config.onWarning(`catalog sync: SKU '${row.sku}': this worker's lease was taken over by another worker; its outcome is the one kept.`)
  }

  if (!product) {
    // Gone from the source. Only a SKU that reached Flow is deleted there (connector: state = done).
    if (!row.synced) {
      if (await commit(() => completeCatalogRow(db, { id: row.id, worker, synced: false, result: { action: 'skip', at: at() }, now: config.now() }))) report.skipped++
      else lost()
      return
    }
    try {
      await config.client.deleteItem(row.sku)
    } catch (error) {
      return failed(config, commit, row, error, report, lost)
    }
    if (await commit(() => completeCatalogRow(db, { id: row.id, worker, synced: false, result: { action: 'delete', at: at() }, now: config.now() }))) {
      report.deleted++
      await hook(config, { sku: row.sku, action: 'delete' })
    } else lost()
    return
  }

  const mapped = product.sku === row.sku ? toItemForm(product, config.mapping) : { ok: false as const, errors: [`the source answered SKU '${String(product.sku)}' for '${row.sku}'`] }
  if (!mapped.ok) {
    const error = `invalid product, not sent: ${mapped.errors.join('; ')}`
    if (await commit(() => failCatalogRow(db, { id: row.id, worker, error, result: { action: 'invalid', at: at() }, now: config.now() }))) report.invalid++
    else lost()
    return
  }
  let item: Item
  try {
    item = await config.client.putItem(mapped.form)
  } catch (error) {
    return failed(config, commit, row, error, report, lost)
  }
  if (await commit(() => completeCatalogRow(db, { id: row.id, worker, synced: true, result: { action: 'put', at: at(), item_id: item.id }, now: config.now() }))) {
    report.put++
    await hook(config, { sku: row.sku, action: 'put', product, form: mapped.form, item })
  } else lost()
}

async function failed(config: Resolved, commit: GroupCommit, row: ClaimedRow, error: unknown, report: CatalogSyncReport, lost: () => void): Promise<void> {
  const transient = isTransient(error)
  const retry = transient && row.attempts < config.maxAttempts
  const result: SyncResult = { action: 'failed', at: new Date(config.now()).toISOString() }
  if (isFlowApiError(error)) {
    if (error.status !== undefined) result.status = error.status
    if (error.requestId !== undefined) result.request_id = error.requestId
  }
  const message = error instanceof Error ? error.message : String(error)
  const reason = transient && !retry ? `gave up after ${row.attempts} attempts: ${message}` : message
  const retryAt = retry ? config.now() + retryDelay(config.retryDelay, row.attempts, error, config.random) : undefined
  const ok = await commit(() => failCatalogRow(config.db, { id: row.id, worker: config.worker, error: reason, result, ...(retryAt === undefined ? {} : { retryAt }), now: config.now() }))
  if (!ok) return lost()
  if (retry) report.retrying++
  else report.failed++
}

async function hook(config: Resolved, event: ProductSyncEvent): Promise<void> {
  if (!config.productSyncAfter) return
  try {
    await config.productSyncAfter(event)
  } catch (error) {
    config.onWarning(`catalog sync: productSyncAfter threw for SKU '${event.sku}': ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * A full sync's enqueue (the connector's `enqueueAllProducts`): every SKU of the source, plus every
 * SKU synced before that the source no longer has, so it gets deleted in Flow. Enqueues in chunks
 * of 1000 while reading the source.
 *
 * @example
 * await enqueueAllCatalog(db, 'demo', source) // { queued: 51, waiting: 0, pending: 0, conflicts: [], gone: 0 }
 */
export async function enqueueAllCatalog(db: Db, organization: string, source: ProductSource, now: () => number = Date.now): Promise<EnqueueOutcome & { gone: number }> {
  const total: EnqueueOutcome & { gone: number } = { queued: 0, waiting: 0, pending: 0, conflicts: [], gone: 0 }
  const add = (outcome: EnqueueOutcome) => {
    total.queued += outcome.queued
    total.waiting += outcome.waiting
    total.pending += outcome.pending
    total.conflicts.push(...outcome.conflicts)
  }
  const seen = new Set<string>()
  let chunk: string[] = []
  for await (const product of source.products()) {
    seen.add(product.sku)
    chunk.push(product.sku)
    if (chunk.length >= 1000) {
      add(enqueueCatalog(db, organization, chunk, now()))
      chunk = []
    }
  }
  const gone = syncedSkus(db, organization).filter((sku) => !seen.has(sku))
  total.gone = gone.length
  add(enqueueCatalog(db, organization, [...chunk, ...gone], now()))
  return total
}
