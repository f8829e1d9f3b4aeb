// Reconciliation and cleanup. Flow stops retrying a delivery after about an hour; reconciliation
// reads Flow's delivery log since a time and fills the gaps (events this store never saw), either
// by storing the body Flow recorded (read with the API key over TLS, so it needs no signature) or
// by asking Flow to deliver it again. Cleanup removes processed events after a retention period
// and keeps their ids at least 30 days, the only replay defence for bodies whose signature has no
// timestamp.
import { randomUUID } from 'node:crypto'
import type { FlowClient } from '../client/index.js'
import { errorMessage, silentLogger, type Logger } from '../log.js'
import { immediate } from '../store/sqlite.js'
import { parseEnvelope } from './envelope.js'
import { hasSeenEvent, type WebhookStore } from './store.js'

/**
 * What `reconcileWebhooks` found and did.
 *
 * @example
 * const report: ReconcileReport = { deliveries: 40, events: 20, missing: 2, stored: 2, redelivered: 0, ignored: 0, invalid: 0, failed: 0 }
 */
export type ReconcileReport = {
  /** Deliveries Flow listed since the time (after the URL filter). */
  deliveries: number
  /** Distinct events among them. */
  events: number
  /** Events this store had never seen. */
  missing: number
  /** Missing events now stored from Flow's recorded body. */
  stored: number
  /** Missing events Flow was asked to deliver again (with `redeliver`). */
  redelivered: number
  /** Missing events of a type the adapter does not process (stored as ignored). */
  ignored: number
  /** Recorded bodies that could not be read (kept in the quarantine). */
  invalid: number
  /** Redelivery requests Flow refused. */
  failed: number
}

/**
 * Reads Flow's webhook deliveries since `since` and fills the gaps: every event not in the store
 * is stored from the body Flow recorded (default) or redelivered (`redeliver: true`). With
 * `baseUrl`, only deliveries to this server's `/webhooks/` URLs are considered.
 *
 * @example
 * await reconcileWebhooks({ client: flow, store, since: new Date(Date.now() - 6 * 3_600_000) })
 * // { deliveries: 40, events: 20, missing: 1, stored: 1, … }
 */
export async function reconcileWebhooks(options: {
  client: Pick<FlowClient, 'listAllWebhookDeliveries' | 'redeliverWebhookDelivery'>
  store: WebhookStore
  since: Date
  baseUrl?: string
  redeliver?: boolean
  logger?: Logger
  onStored?: () => void
}): Promise<ReconcileReport> {
  const { client, store } = options
  const logger = options.logger ?? silentLogger
  if (!(options.since instanceof Date) || Number.isNaN(options.since.getTime())) {
    throw new TypeError('reconcileWebhooks(): `since` must be a valid Date')
  }
  const prefix = options.baseUrl === undefined ? undefined : `${options.baseUrl.replace(/\/+$/, '')}/webhooks/`
  const deliveries = (await client.listAllWebhookDeliveries({ since: options.since.toISOString() })).filter(
    (delivery) => prefix === undefined || delivery.url.startsWith(prefix),
  )
  const report: ReconcileReport = { deliveries: deliveries.length, events: 0, missing: 0, stored: 0, redelivered: 0, ignored: 0, invalid: 0, failed: 0 }
  const byEvent = new Map<string, (typeof deliveries)[number]>()
  for (const delivery of deliveries) if (!byEvent.has(delivery.event_id)) byEvent.set(delivery.event_id, delivery)
  report.events = byEvent.size
  const run = randomUUID()
  for (const [eventId, delivery] of byEvent) {
    if (hasSeenEvent(store, eventId)) continue
    report.missing += 1
    if (options.redeliver) {
      try {
        await client.redeliverWebhookDelivery(delivery.id, { idempotencyKey: `reconcile:${run}:${delivery.id}` })
        report.redelivered += 1
      } catch (error) {
        report.failed += 1
        logger.warn('webhook.redeliver_failed', { event_id: eventId, delivery_id: delivery.id, error: errorMessage(error) })
      }
      continue
    }
    const body = Buffer.from(delivery.body, 'utf8')
    const parsed = parseEnvelope(body)
    if (!parsed.ok) {
      store.quarantine({ reason: `reconcile:${parsed.problem}`, body, path: `delivery:${delivery.id}` })
      report.invalid += 1
      continue
    }
    const [outcome] = store.ingest([{ envelope: parsed.envelope, raw: delivery.body, source: 'reconcile' }])
    if (outcome === 'stored') report.stored += 1
    else if (outcome === 'ignored') report.ignored += 1
    logger.info('webhook.reconciled', { event_id: parsed.envelope.eventId, type: parsed.envelope.type, outcome: outcome ?? 'unknown' })
  }
  if (report.stored > 0) options.onStored?.()
  return report
}

/**
 * What `cleanupWebhookEvents` removed.
 *
 * @example
 * const removed: CleanupReport = { events: 120, eventIds: 300, quarantined: 0, checkoutCustomers: 4 }
 */
export type CleanupReport = { events: number; eventIds: number; quarantined: number; checkoutCustomers: number }

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * Removes processed (and ignored) events older than `retentionHours` (default 96, as the
 * connector), event ids older than `idRetentionDays` (default and minimum 30) whose event row is
 * gone, quarantined bodies and checkout e-mail records older than 30 days. Parked and dead events
 * are never removed.
 *
 * @example
 * cleanupWebhookEvents(store) // { events: 120, eventIds: 300, quarantined: 0, checkoutCustomers: 4 }
 */
export function cleanupWebhookEvents(store: Pick<WebhookStore, 'db' | 'now'>, options: { retentionHours?: number; idRetentionDays?: number } = {}): CleanupReport {
  const retentionHours = options.retentionHours ?? 96
  const idRetentionDays = options.idRetentionDays ?? 30
  if (!(retentionHours > 0)) throw new RangeError(`cleanupWebhookEvents(): \`retentionHours\` must be positive. Received: ${retentionHours}`)
  if (!(idRetentionDays >= 30)) {
    throw new RangeError(`cleanupWebhookEvents(): \`idRetentionDays\` must be at least 30: event ids are the only defence against a replayed body. Received: ${idRetentionDays}`)
  }
  const now = store.now()
  const { db } = store
  return immediate(db, () => {
    const cutoff = now - retentionHours * HOUR
    // The ids of removed events stay (from their arrival) so a replay is still a duplicate.
    db.prepare(
      "INSERT OR IGNORE INTO webhook_event_ids (event_id, first_seen_at) SELECT event_id, received_at FROM webhook_events WHERE status IN ('done', 'ignored') AND done_at < ?",
    ).run(cutoff)
    return {
      events: db.prepare("DELETE FROM webhook_events WHERE status IN ('done', 'ignored') AND done_at < ?").run(cutoff).changes,
      eventIds: db.prepare('DELETE FROM webhook_event_ids WHERE first_seen_at < ?').run(now - idRetentionDays * DAY).changes,
      quarantined: db.prepare('DELETE FROM webhook_quarantine WHERE received_at < ?').run(now - 30 * DAY).changes,
      checkoutCustomers: db.prepare('DELETE FROM webhook_checkout_customers WHERE created_at < ?').run(now - 30 * DAY).changes,
    }
  })
}
