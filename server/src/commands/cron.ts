// `cron-cleanup`: remove queue and event rows past their retention.
import { cleanupCatalogQueue } from '../catalog/index.js'
import { cleanupInventoryQueue } from '../inventory/index.js'
import { cleanupWebhookEvents, createWebhookStore } from '../webhooks/index.js'
import type { Command } from './shared.js'
import { defineCommand, intFlag, output } from './shared.js'

const DAY = 86_400_000

const cronCleanup = defineCommand({
  name: 'cron-cleanup',
  summary: 'Remove done queue rows and old webhook events past their retention.',
  usage: '[--catalog-days N] [--inventory-days N]',
  description: `Removes catalog rows of SKUs no longer in Flow (done, not synced) older than N days (default 7),
inventory rows done more than N days ago (default 3), and webhook events past the webhooks
feature's retention. Rows of SKUs in Flow are kept: they are what allows a later delete.`,
  flagHelp: `  --catalog-days N     default 7
  --inventory-days N   default 3`,
  flags: { 'catalog-days': { type: 'string' }, 'inventory-days': { type: 'string' } },
  needs: 'local',
  async run(ctx) {
    const db = ctx.db()
    const organization = ctx.config.organization
    const catalog = cleanupCatalogQueue(db, organization, ctx.now() - intFlag(ctx.values, 'catalog-days', 7, 0, 36_500) * DAY)
    const inventory = cleanupInventoryQueue(db, organization, ctx.now() - intFlag(ctx.values, 'inventory-days', 3, 0, 36_500) * DAY)
    const webhooks = cleanupWebhookEvents(createWebhookStore(db, { now: ctx.now }))
    output(ctx, { ok: true, catalog, inventory, webhooks }, [`Removed ${catalog} catalog rows, ${inventory} inventory rows, ${webhooks.events} webhook events.`])
    return 0
  },
})

/** The cleanup command. */
export const cronCommands: Command[] = [cronCleanup]
