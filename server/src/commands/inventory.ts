// Inventory commands: the default center key, queueing stock levels, and sending them to Flow.
import { createStoredProductSource } from '../catalog/index.js'
import { defaultCenterKey, enqueueAllInventory, fetchCenterKeys, inventoryQueueStats, processInventoryQueue } from '../inventory/index.js'
import type { Command } from './shared.js'
import { defineCommand, intFlag, output } from './shared.js'

const centerFetchKeys = defineCommand({
  name: 'inventory-center-fetch-keys',
  summary: "Read Flow's centers and keep the first one's key as the default center.",
  usage: '',
  description: "The connector's center-fetch: reads every center of the organization and stores the first key; inventory updates are sent for that center.",
  needs: 'flow',
  async run(ctx) {
    const result = await fetchCenterKeys(ctx.client(), ctx.db())
    output(ctx, { ok: true, ...result }, [`Default center: ${result.key} (${result.keys.length} center${result.keys.length === 1 ? '' : 's'} in Flow: ${result.keys.join(', ')}).`])
    return 0
  },
})

const inventoryQueueAll = defineCommand({
  name: 'inventory-sync-queue-all',
  summary: 'Queue the stock level of every stored product that has a quantity.',
  usage: '',
  description: "The connector's inventory-enqueue: queues a 'set' update for every product in the adapter's store with a quantity.",
  needs: 'local',
  async run(ctx) {
    const outcome = await enqueueAllInventory(ctx.db(), ctx.config.organization, createStoredProductSource(ctx.db(), ctx.config.organization), ctx.now)
    output(ctx, { ok: true, ...outcome }, [`Queued ${outcome.queued + outcome.updated + outcome.pending} stock levels (${outcome.withoutQuantity} products have no quantity).`])
    return 0
  },
})

const inventorySyncProcess = defineCommand({
  name: 'inventory-sync-process',
  summary: 'Send the queued stock levels to Flow until the queue is empty, with a progress bar.',
  usage: '[--batch-size N] [--concurrency N] [--no-wait]',
  description: `Processes the inventory queue (the connector's inventory-sync): one inventory update per SKU with
type set at the default center (fetched first if unknown) and a deterministic idempotency key.
Exit code 1 when any update ended in error.`,
  flagHelp: `  --batch-size N   rows claimed per batch (default 1000)
  --concurrency N  requests in flight (default 10)
  --no-wait        do not wait for rows backing off after a failure`,
  flags: { 'batch-size': { type: 'string' }, concurrency: { type: 'string' }, 'no-wait': { type: 'boolean' } },
  needs: 'flow',
  async run(ctx) {
    const db = ctx.db()
    const client = ctx.client()
    const center = defaultCenterKey(db, ctx.config.organization) ?? (await fetchCenterKeys(client, db)).key
    const bar = ctx.progress('inventory')
    const report = await processInventoryQueue({
      db,
      client,
      center,
      batchSize: intFlag(ctx.values, 'batch-size', 1000, 1, 100_000),
      concurrency: intFlag(ctx.values, 'concurrency', 10, 1, 100),
      waitForRetries: ctx.values['no-wait'] !== true,
      onProgress: (p) => bar.update(p.processed, p.total, p.failed > 0 ? `${p.failed} failed` : undefined),
    })
    bar.done()
    const stats = inventoryQueueStats(db, ctx.config.organization)
    output(ctx, { ok: report.failed === 0, center, ...report, queue: stats }, [
      `Set ${report.set} stock levels at ${center}${report.failed > 0 ? `; ${report.failed} failed` : ''} (${(report.elapsedMs / 1000).toFixed(1)} s).`,
      `Queue: ${stats.done} done, ${stats.error} in error, ${stats.new} waiting.`,
    ])
    return report.failed === 0 ? 0 : 1
  },
})

/** The inventory commands. */
export const inventoryCommands: Command[] = [centerFetchKeys, inventoryQueueAll, inventorySyncProcess]
