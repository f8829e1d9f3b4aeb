// Webhook commands of the connector's CLI, over the webhooks feature: registration, settings,
// processing stored events (once, or continuously with --watch), reconciliation with Flow's
// delivery log, dead-letter requeue, and the order projection. `serve` runs the processor too.
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { createJsonLogger } from '../log.js'
import {
  countWebhookEvents,
  createWebhookProcessor,
  createWebhookStore,
  getOrderProjection,
  listOrderProjections,
  reconcileWebhooks,
  registerWebhooks,
  requeueDeadEvents,
  updateWebhookSettings,
  type WebhookProcessor,
} from '../webhooks/index.js'
import type { Command, CommandContext } from './shared.js'
import { baseUrlFlag, defineCommand, intFlag, output, UsageError } from './shared.js'

const registerCommand = defineCommand({
  name: 'webhook-register-webhooks',
  summary: 'Register (or update) the seven Flow webhooks at this adapter’s URL (idempotent).',
  usage: '--base-url URL',
  description: 'Registers one webhook per event type at URL/webhooks/<event type>, updating those that exist; running it again changes nothing.',
  flagHelp: '  --base-url URL   the public URL of this adapter (also FLOW_BASE_URL)',
  flags: { 'base-url': { type: 'string' } },
  needs: 'flow',
  async run(ctx) {
    const rows = await registerWebhooks(ctx.client(), baseUrlFlag(ctx))
    output(ctx, { ok: true, webhooks: rows }, rows.map((row) => `${row.action.padEnd(9)} ${row.event}  ${row.url}`))
    return 0
  },
})

const settingsCommand = defineCommand({
  name: 'webhook-update-settings',
  summary: 'Set Flow’s webhook settings: the signing secret (kept in the store) and retries.',
  usage: '[--rotate]',
  description: `Puts the webhook settings in Flow with the signing secret kept in the adapter's store (generated the
first time). --rotate makes a new secret; the previous one stays accepted for 48 hours. A running
serve picks the new secret up without a restart.`,
  flagHelp: '  --rotate   generate a new secret',
  flags: { rotate: { type: 'boolean' } },
  needs: 'flow',
  async run(ctx) {
    const result = await updateWebhookSettings(ctx.client(), ctx.db(), { rotate: ctx.values.rotate === true })
    output(ctx, { ok: true, ...result }, [`Webhook settings saved; secret ${result.secret}${result.previousKept ? ', the previous one accepted for 48 h' : ''}.`])
    return 0
  },
})

const processCommand = defineCommand({
  name: 'webhook-event-process',
  summary: 'Process the stored webhook events that are due (once, or continuously with --watch).',
  usage: '[--max N] [--watch] [--handlers FILE]',
  description: `Processes due webhook events until none is left (or N): runs the merchant's handlers and updates
the order projection. With --watch it keeps processing as events arrive until Ctrl+C or SIGTERM
(a worker beside a serve that runs with --workers 0, or on another machine sharing the store).`,
  flagHelp: `  --max N           at most N events (without --watch)
  --watch           keep processing until stopped
  --handlers FILE   an ES module whose default export receives on(name, handler)`,
  flags: { max: { type: 'string' }, watch: { type: 'boolean' }, handlers: { type: 'string' } },
  needs: 'local',
  async run(ctx) {
    const logger = createJsonLogger({ level: ctx.json ? 'warn' : 'info', write: (line) => ctx.io.err(line.trimEnd()) })
    const store = createWebhookStore(ctx.db(), { now: ctx.now })
    const processor = createWebhookProcessor({ store, logger })
    await loadHandlers(ctx, processor.on)
    if (ctx.values.watch === true) {
      const worker = processor.start({ concurrency: 2 })
      const signal = await ctx.io.stopSignal()
      await worker.stop()
      output(ctx, { ok: true, stopped: signal, ...countWebhookEvents(store) }, [`Stopped (${signal}).`])
      return 0
    }
    const max = ctx.values.max === undefined ? undefined : intFlag(ctx.values, 'max', 100, 1, 1_000_000)
    const counts = await processor.drain(max === undefined ? {} : { maxEvents: max })
    const left = countWebhookEvents(store)
    output(ctx, { ok: counts.dead === 0, ...counts, left }, [
      `Processed webhook events: ${Object.entries(counts).map(([outcome, n]) => `${outcome} ${n}`).join(', ')}.`,
      `In the store: ${Object.entries(left).map(([status, n]) => `${status} ${n}`).join(', ')}.`,
    ])
    return counts.dead === 0 ? 0 : 1
  },
})

const reconcileCommand = defineCommand({
  name: 'webhook-reconcile',
  summary: 'Read Flow’s webhook deliveries since a time and fill the gaps in the event store.',
  usage: '--since TIME [--redeliver] [--base-url URL]',
  description: `Flow stops retrying a delivery after about an hour. This reads every delivery since TIME (an ISO
date such as 2024-05-01T00:00:00Z, or a duration back from now: 90m, 6h, 2d) and stores each event the
store has never seen from the body Flow recorded, or, with --redeliver, asks Flow to send it again.
With --base-url (or FLOW_BASE_URL) only deliveries to this adapter's /webhooks/ URLs count.`,
  flagHelp: `  --since TIME      ISO date or a duration (90m, 6h, 2d)
  --redeliver       ask Flow to redeliver instead of storing the recorded body
  --base-url URL    only deliveries to URL/webhooks/…`,
  flags: { since: { type: 'string' }, redeliver: { type: 'boolean' }, 'base-url': { type: 'string' } },
  needs: 'flow',
  async run(ctx) {
    const since = parseSince(ctx.values.since, ctx.now())
    const baseUrl = ctx.values['base-url'] === undefined ? undefined : baseUrlFlag(ctx)
    const report = await reconcileWebhooks({
      client: ctx.client(),
      store: createWebhookStore(ctx.db(), { now: ctx.now }),
      since,
      redeliver: ctx.values.redeliver === true,
      ...(baseUrl === undefined ? {} : { baseUrl }),
    })
    output(ctx, { ok: report.failed === 0, since: since.toISOString(), ...report }, [
      `Since ${since.toISOString()}: ${report.deliveries} deliveries of ${report.events} events; ${report.missing} missing, ${report.stored} stored, ${report.redelivered} redelivered, ${report.ignored} ignored, ${report.invalid} unreadable, ${report.failed} failed.`,
    ])
    return report.failed === 0 ? 0 : 1
  },
})

const requeueCommand = defineCommand({
  name: 'webhook-requeue',
  summary: 'Move dead-lettered webhook events back to the queue (all, or by --event-id).',
  usage: '[--event-id ID]...',
  description: 'Events that failed every attempt wait in the dead letters; this gives them fresh attempts (the connector’s admin "Requeue").',
  flagHelp: '  --event-id ID   only this event (repeatable); default every dead event',
  flags: { 'event-id': { type: 'string', multiple: true } },
  needs: 'local',
  async run(ctx) {
    const ids = ctx.values['event-id'] as string[] | undefined
    const requeued = requeueDeadEvents(createWebhookStore(ctx.db(), { now: ctx.now }), ids === undefined ? {} : { eventIds: ids })
    output(ctx, { ok: true, requeued }, [`Requeued ${requeued} event${requeued === 1 ? '' : 's'}.`])
    return 0
  },
})

const ordersCommand = defineCommand({
  name: 'webhook-orders',
  summary: 'Show the order projection built from webhooks (one order, or the latest).',
  usage: '[--number ORDER] [--limit N]',
  description: 'Prints the order projection as JSON: one order by its Flow number, or the most recently updated ones.',
  flagHelp: `  --number ORDER   one Flow order number
  --limit N        how many of the latest (default 20)`,
  flags: { number: { type: 'string' }, limit: { type: 'string' } },
  needs: 'local',
  async run(ctx) {
    const store = createWebhookStore(ctx.db(), { now: ctx.now })
    if (typeof ctx.values.number === 'string') {
      const order = getOrderProjection(store, ctx.values.number)
      if (order === undefined) {
        output(ctx, { ok: false, error: 'not_found' }, [`No order ${ctx.values.number} in the projection (yet).`])
        return 1
      }
      ctx.io.out(JSON.stringify(ctx.json ? { ok: true, order } : order, null, ctx.json ? undefined : 2))
      return 0
    }
    const orders = listOrderProjections(store, { limit: intFlag(ctx.values, 'limit', 20, 1, 1000) })
    if (ctx.json) ctx.io.out(JSON.stringify({ ok: true, orders }))
    else for (const order of orders) ctx.io.out(`${order.number}  ${order.status.padEnd(9)} ${order.total ? `${order.total.amount} ${order.total.currency}` : ''}`)
    return 0
  },
})

/**
 * Reads `--since`: an ISO date, or a duration back from `now` (`45s`, `90m`, `6h`, `2d`).
 *
 * @example
 * parseSince('2h', Date.parse('2024-05-01T12:00:00Z')) // 2024-05-01T10:00:00.000Z
 */
export function parseSince(value: unknown, now: number): Date {
  if (typeof value !== 'string' || value === '') throw new UsageError('--since is required: an ISO date (2024-05-01T00:00:00Z) or a duration back from now (90m, 6h, 2d)')
  const relative = /^(\d+)([smhd])$/.exec(value)
  if (relative) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd']
    return new Date(now - Number(relative[1]) * unit)
  }
  const at = Date.parse(value)
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at)) throw new UsageError(`--since must be an ISO date or a duration such as 6h, received '${value}'`)
  return new Date(at)
}

/**
 * Loads `--handlers FILE`: an ES module whose default export receives `on` (and may be async).
 *
 * @example
 * // handlers.mjs: export default (on) => on('order_placed', (event) => console.log(event.order.number))
 */
export async function loadHandlers(ctx: CommandContext, on: WebhookProcessor['on']): Promise<void> {
  const file = ctx.values.handlers
  if (typeof file !== 'string') return
  const module = (await import(pathToFileURL(resolve(ctx.io.cwd ?? process.cwd(), file)).href)) as { default?: unknown }
  if (typeof module.default !== 'function') throw new UsageError(`--handlers ${file}: the module must export a default function (on) => { on('order_placed', …) }`)
  await (module.default as (register: WebhookProcessor['on']) => unknown)(on)
}

/** The webhook commands. */
export const webhookCommands: Command[] = [processCommand, registerCommand, settingsCommand, reconcileCommand, requeueCommand, ordersCommand]
