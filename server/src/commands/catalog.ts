// Catalog commands: import products into the adapter's store, queue them, sync them to Flow,
// define the price attributes, and look at or requeue the queue.
import {
  catalogQueueStats,
  createStoredProductSource,
  enqueueAllCatalog,
  enqueueCatalog,
  listCatalogRows,
  loadProductFile,
  processCatalogQueue,
  removeProducts,
  requeueCatalog,
  saveProducts,
  savePriceAttributes,
  storedSkus,
} from '../catalog/index.js'
import type { ProductFileFormat, SyncStatus } from '../catalog/index.js'
import { enqueueInventory } from '../inventory/index.js'
import type { Command } from './shared.js'
import { UsageError, defineCommand, intFlag, output } from './shared.js'

const catalogImport = defineCommand({
  name: 'catalog-import',
  summary: 'Import products from a JSON, NDJSON or CSV file and queue what changed for sync.',
  usage: 'FILE [--format json|ndjson|csv] [--replace]',
  description: `Reads FILE (the format from its extension, or --format), saves its products in the adapter's
store, and queues every new or changed product for catalog sync (and its stock for inventory sync
when it has a quantity). Records without a SKU or that cannot be read are reported and skipped
(exit code 1). Run catalog-sync-process next.`,
  flagHelp: `  --format F    json (an array or { "products": [...] }), ndjson (one product per line) or csv
  --replace     the file is the whole catalog: products it lacks are removed and, if they were
                synced before, deleted in Flow by the next sync`,
  flags: { format: { type: 'string' }, replace: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  needs: 'local',
  async run(ctx) {
    const file = ctx.positionals[0] as string
    const format = ctx.values.format
    if (format !== undefined && format !== 'json' && format !== 'ndjson' && format !== 'csv') throw new UsageError(`--format must be json, ndjson or csv, received '${String(format)}'`)
    const { products, problems } = await loadProductFile(file, format as ProductFileFormat | undefined)
    for (const problem of problems) ctx.io.err(`${problem.at}: ${problem.message}`)
    const db = ctx.db()
    const organization = ctx.config.organization
    const saved = saveProducts(db, organization, products, ctx.now())
    let removed: string[] = []
    if (ctx.values.replace === true) {
      const keep = new Set(products.map((product) => product.sku))
      removed = removeProducts(db, organization, storedSkus(db, organization).filter((sku) => !keep.has(sku)))
    }
    const queued = enqueueCatalog(db, organization, [...saved.created, ...saved.updated, ...removed], ctx.now())
    const bySku = new Map(products.map((product) => [product.sku, product]))
    const stock = saved.quantityChanged.map((sku) => ({ sku, quantity: bySku.get(sku)?.quantity as number }))
    const inventory = enqueueInventory(db, organization, stock, ctx.now())
    for (const conflict of queued.conflicts) ctx.io.err(`case conflict: '${conflict.sku}' differs only by case from '${conflict.with}'; it will not be sent.`)
    const ok = problems.length === 0
    output(
      ctx,
      { ok, file, read: products.length, created: saved.created.length, updated: saved.updated.length, unchanged: saved.unchanged.length, removed: removed.length, queued: queued.queued + queued.pending, conflicts: queued.conflicts, inventoryQueued: inventory.queued + inventory.updated + inventory.pending, problems },
      [
        `Imported ${products.length} products from ${file}: ${saved.created.length} new, ${saved.updated.length} changed, ${saved.unchanged.length} unchanged${ctx.values.replace === true ? `, ${removed.length} removed` : ''}.`,
        `Queued ${queued.queued + queued.pending} for catalog sync${queued.conflicts.length > 0 ? ` (${queued.conflicts.length} case conflicts left in error)` : ''} and ${inventory.queued + inventory.updated + inventory.pending} stock levels for inventory sync.`,
        ...(problems.length > 0 ? [`${problems.length} records skipped (listed above).`] : []),
      ],
    )
    return ok ? 0 : 1
  },
})

const catalogQueueAll = defineCommand({
  name: 'catalog-sync-queue-all',
  summary: 'Queue every stored product for sync, and every product gone since its last sync for deletion.',
  usage: '',
  description: `A full sync's first half (the connector's catalog-enqueue): queues every product in the adapter's
store, plus every SKU synced before that the store no longer has (so the sync deletes it in Flow).`,
  needs: 'local',
  async run(ctx) {
    const outcome = await enqueueAllCatalog(ctx.db(), ctx.config.organization, createStoredProductSource(ctx.db(), ctx.config.organization), ctx.now)
    output(ctx, { ok: true, ...outcome }, [
      `Queued ${outcome.queued} SKUs (${outcome.waiting} were already waiting, ${outcome.gone} to delete)${outcome.conflicts.length > 0 ? `; ${outcome.conflicts.length} case conflicts left in error` : ''}.`,
    ])
    return 0
  },
})

const catalogSyncProcess = defineCommand({
  name: 'catalog-sync-process',
  summary: 'Send the queued products to Flow until the queue is empty, with a progress bar.',
  usage: '[--batch-size N] [--concurrency N] [--no-wait] [--regular-pricing-override] [--currency C] [--locale L]',
  description: `Processes the catalog queue (the connector's catalog-sync): PUTs each queued product to Flow, DELETEs
products that are gone (only those synced before), in batches, several requests at a time. Failures
Flow may recover from (429, 5xx, network) are retried with backoff; others stay in error with the
reason (see catalog-sync-status, catalog-sync-requeue). Exit code 1 when any product ended in error.`,
  flagHelp: `  --batch-size N              rows claimed per batch (default 1000)
  --concurrency N             requests in flight (default 10)
  --no-wait                   do not wait for rows backing off after a failure; leave them queued
  --regular-pricing-override  price items at their regular price instead of the final price
  --currency C                currency of products that name none
  --locale L                  locale of products that name none (default en_US)`,
  flags: { 'batch-size': { type: 'string' }, concurrency: { type: 'string' }, 'no-wait': { type: 'boolean' }, 'regular-pricing-override': { type: 'boolean' }, currency: { type: 'string' }, locale: { type: 'string' } },
  needs: 'flow',
  async run(ctx) {
    const batchSize = intFlag(ctx.values, 'batch-size', 1000, 1, 100_000)
    const concurrency = intFlag(ctx.values, 'concurrency', 10, 1, 100)
    const bar = ctx.progress('catalog')
    const db = ctx.db()
    const report = await processCatalogQueue({
      db,
      client: ctx.client(),
      source: createStoredProductSource(db, ctx.config.organization),
      batchSize,
      concurrency,
      waitForRetries: ctx.values['no-wait'] !== true,
      mapping: {
        ...(ctx.values['regular-pricing-override'] === true ? { regularPricingOverride: true } : {}),
        ...(typeof ctx.values.currency === 'string' ? { currency: ctx.values.currency } : {}),
        ...(typeof ctx.values.locale === 'string' ? { locale: ctx.values.locale } : {}),
      },
      onProgress: (p) => bar.update(p.processed, p.total, p.failed + p.invalid > 0 ? `${p.failed + p.invalid} failed` : undefined),
      onWarning: (message) => ctx.io.err(message),
    })
    bar.done()
    const failed = report.failed + report.invalid
    const stats = catalogQueueStats(db, ctx.config.organization)
    output(ctx, { ok: failed === 0, ...report, queue: stats }, [
      `Sent ${report.put} products to Flow, deleted ${report.deleted}, skipped ${report.skipped} gone and never synced${failed > 0 ? `; ${failed} failed` : ''}${report.retrying > 0 ? `; ${report.retrying} retries scheduled` : ''} (${(report.elapsedMs / 1000).toFixed(1)} s).`,
      `Queue: ${stats.done} done, ${stats.error} in error, ${stats.new} waiting, ${stats.processing} in flight; ${stats.synced} SKUs in Flow.`,
      ...(failed > 0 ? [`See the reasons with '${'flow-storefront-server'} catalog-sync-status --status error'.`] : []),
    ])
    return failed === 0 ? 0 : 1
  },
})

const catalogAttributesSave = defineCommand({
  name: 'catalog-sync-attributes-save',
  summary: 'Create or update the 16 price attributes in Flow (idempotent).',
  usage: '',
  description: `Defines the price attributes the sync sends (the connector's 15 plus minimal_price) in Flow with
intent price and type decimal, so Flow localizes them per experience. Safe to run again.`,
  needs: 'flow',
  async run(ctx) {
    const report = await savePriceAttributes(ctx.client())
    const failed = report.attributes.filter((attribute) => attribute.outcome === 'failed')
    for (const attribute of failed) ctx.io.err(`${attribute.key}: ${attribute.error}`)
    output(ctx, { ...report }, [`Saved ${report.attributes.length - failed.length} of ${report.attributes.length} price attributes.`])
    return report.ok ? 0 : 1
  },
})

const catalogStatus = defineCommand({
  name: 'catalog-sync-status',
  summary: 'Show the catalog queue: counts by status, and rows by status or SKU with their last result.',
  usage: '[--status new|processing|error|done] [--sku SKU]... [--limit N]',
  description: 'Counts of the catalog queue by status; with --status or --sku, the matching rows with attempts, last error and result.',
  flagHelp: `  --status S    list rows in this status
  --sku SKU     list this SKU's row (repeatable)
  --limit N     at most N rows (default 100)`,
  flags: { status: { type: 'string' }, sku: { type: 'string', multiple: true }, limit: { type: 'string' } },
  needs: 'local',
  async run(ctx) {
    const status = ctx.values.status
    if (status !== undefined && !['new', 'processing', 'error', 'done'].includes(status as string)) throw new UsageError(`--status must be new, processing, error or done, received '${String(status)}'`)
    const skus = ctx.values.sku as string[] | undefined
    const stats = catalogQueueStats(ctx.db(), ctx.config.organization)
    const rows =
      status !== undefined || skus !== undefined
        ? listCatalogRows(ctx.db(), ctx.config.organization, { ...(status === undefined ? {} : { status: status as SyncStatus }), ...(skus === undefined ? {} : { skus }), limit: intFlag(ctx.values, 'limit', 100, 1, 1_000_000) })
        : []
    output(ctx, { ok: true, stats, rows }, [
      `new ${stats.new}  processing ${stats.processing}  error ${stats.error}  done ${stats.done}  (in Flow: ${stats.synced}, total ${stats.total})`,
      ...rows.map((row) => `${row.sku}\t${row.status}\t${row.synced ? 'in Flow' : 'not in Flow'}\tattempts ${row.attempts}\t${row.last_error ?? row.result?.action ?? ''}`),
    ])
    return 0
  },
})

const catalogRequeue = defineCommand({
  name: 'catalog-sync-requeue',
  summary: 'Put catalog rows in error (all, or the SKUs given) back in the queue.',
  usage: '[SKU...]',
  description: "The connector's admin requeue: rows in error go back to new with their attempts reset (case conflicts are checked again).",
  positionals: { min: 0, max: Number.MAX_SAFE_INTEGER },
  needs: 'local',
  async run(ctx) {
    const outcome = requeueCatalog(ctx.db(), ctx.config.organization, ctx.positionals.length > 0 ? ctx.positionals : undefined, ctx.now())
    output(ctx, { ok: true, ...outcome }, [`Requeued ${outcome.queued} SKUs${outcome.conflicts.length > 0 ? `; ${outcome.conflicts.length} still conflict by case` : ''}.`])
    return 0
  },
})

/** The catalog commands, in the order `--help` lists them. */
export const catalogCommands: Command[] = [catalogImport, catalogAttributesSave, catalogQueueAll, catalogSyncProcess, catalogStatus, catalogRequeue]
