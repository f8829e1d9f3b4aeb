// The webhook processor: claims stored events with a lease, parks those that arrive before their
// order's `order_placed`, runs the merchant's handlers at least once, applies the event to the
// order projection exactly once (in the transaction that records the progress, refused when the
// lease has expired), retries failures with jittered exponential backoff and sends what keeps
// failing to the dead letters. Work is serialized per order: an event is not claimed while
// another event of the same order holds a live lease.
import { randomUUID } from 'node:crypto'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { errorMessage, silentLogger, type Logger } from '../log.js'
import { immediate } from '../store/sqlite.js'
import { eventSubject, InvalidEventError, isObject, parseJson, type JsonObject } from './envelope.js'
import {
  isWebhookEventType,
  type CheckoutEmailChanged,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookHandler,
  type WebhookHandlerContext,
  type WebhookHandlerName,
} from './events.js'
import { applyEvent, type OrderProjection } from './projection.js'
import type { WebhookEventRow, WebhookStore } from './store.js'

/**
 * Options of `createWebhookProcessor`. Only `store` is required.
 *
 * @example
 * const options: WebhookProcessorOptions = { store, leaseMs: 30_000, maxAttempts: 10, parkingHorizonMs: 86_400_000 }
 */
export type WebhookProcessorOptions = {
  store: WebhookStore
  logger?: Logger
  /** How long a claim lasts without a heartbeat; a crashed worker's event is rescued after it. Default 30 000. */
  leaseMs?: number
  /** Attempts before an event goes to the dead letters. Default 10. */
  maxAttempts?: number
  /** Backoff before attempt n+1: `min(maxMs, baseMs × 2^(n-1))`, jittered to 50–100 %. Defaults 5 000 and 3 600 000. */
  backoff?: { baseMs?: number; maxMs?: number }
  /**
   * How long an event may wait parked for its order before an alert (it keeps waiting: no
   * cut-off). Default 24 hours.
   */
  parkingHorizonMs?: number
  /** Called once per event parked beyond the horizon (also logged as `webhook.parked_too_long`). */
  onAlert?: (alert: ParkedEventAlert) => void
  /** In [0, 1); jitters the backoff. Default `Math.random`. */
  random?: () => number
  /** Names this worker's leases. Default a random UUID. */
  workerId?: string
}

/**
 * An event that has waited for its order longer than the parking horizon.
 *
 * @example
 * const alert: ParkedEventAlert = { eventId: 'evt-1', type: 'capture_upserted_v2', waitingFor: 'order:ord-1', parkedSince: new Date() }
 */
export type ParkedEventAlert = { eventId: string; type: string; waitingFor: string; parkedSince: Date }

/**
 * What one `processNext` did: `done` (handlers ran, projection updated), `parked` (waiting for its
 * order), `retry` (failed, scheduled again), `dead` (failed for good), `lost` (the lease expired
 * before completion, so the result was refused), `deferred` (another event of the same order is
 * running), `idle` (nothing due).
 */
export type ProcessOutcome = 'done' | 'parked' | 'retry' | 'dead' | 'lost' | 'deferred' | 'idle'

/**
 * A running worker loop.
 *
 * @example
 * const worker = processor.start({ concurrency: 2 })
 * receiver.onStored(() => worker.wake())
 * await worker.stop()
 */
export type WebhookWorker = {
  /** Looks for work now instead of at the next poll. */
  wake(): void
  /** Stops claiming and resolves when the events in hand are finished. */
  stop(): Promise<void>
}

/**
 * The processor.
 *
 * @example
 * const processor = createWebhookProcessor({ store })
 * processor.on('order_placed', async (event, { idempotencyKey }) => shop.importOrder(event.order, idempotencyKey))
 * await processor.drain()
 */
export type WebhookProcessor = {
  /** Subscribes a handler; returns the function that unsubscribes it. */
  on<K extends WebhookHandlerName>(name: K, handler: WebhookHandler<K>): () => void
  /** Claims and processes one due event. */
  processNext(): Promise<{ outcome: ProcessOutcome; eventId?: string }>
  /** Processes due events until none is left (or `maxEvents`); returns the count of each outcome. */
  drain(options?: { maxEvents?: number }): Promise<Record<ProcessOutcome, number>>
  /** Alerts (once each) for events parked longer than the horizon; returns them. */
  checkParked(): ParkedEventAlert[]
  /** Runs `concurrency` loops that process events as they come, polling every `pollMs` (default 1000). */
  start(options?: { concurrency?: number; pollMs?: number }): WebhookWorker
}

/** Thrown inside a transaction when this worker no longer holds the event's lease. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError'
}

const ERROR_TEXT_LIMIT = 500

/**
 * Creates a processor over a webhook store.
 *
 * @example
 * const processor = createWebhookProcessor({ store, logger })
 * processor.on('capture_upserted_v2_after', (event, { order }) => notifyWarehouse(order?.number))
 * const worker = processor.start()
 */
export function createWebhookProcessor(options: WebhookProcessorOptions): WebhookProcessor {
  const { store } = options
  const { db } = store
  const logger = options.logger ?? silentLogger
  const leaseMs = positive('leaseMs', options.leaseMs ?? 30_000)
  const maxAttempts = options.maxAttempts ?? 10
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`createWebhookProcessor(): \`maxAttempts\` must be an integer ≥ 1. Received: ${maxAttempts}`)
  const baseMs = positive('backoff.baseMs', options.backoff?.baseMs ?? 5000)
  const maxMs = positive('backoff.maxMs', options.backoff?.maxMs ?? 3_600_000)
  const horizonMs = positive('parkingHorizonMs', options.parkingHorizonMs ?? 86_400_000)
  const random = options.random ?? Math.random
  const owner = options.workerId ?? randomUUID()
  const handlers = new Map<WebhookHandlerName, Set<WebhookHandler<WebhookHandlerName>>>()

  const claimStatement = db.prepare<{ owner: string; now: number; until: number }, WebhookEventRow>(`
    UPDATE webhook_events SET status = 'running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
    WHERE id = (
      SELECT e.id FROM webhook_events e
      WHERE ((e.status = 'pending' AND e.run_at <= @now) OR (e.status = 'running' AND e.lease_until <= @now))
        AND (e.order_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM webhook_events r
          WHERE r.order_key = e.order_key AND r.status = 'running' AND r.lease_until > @now AND r.id <> e.id))
      ORDER BY e.run_at, e.id
      LIMIT 1)
    RETURNING *`)
  const holdsLease = db.prepare<[number, string, number], number>("SELECT 1 FROM webhook_events WHERE id = ? AND status = 'running' AND lease_owner = ? AND lease_until > ?").pluck()
  const extend = db.prepare("UPDATE webhook_events SET lease_until = ? WHERE id = ? AND status = 'running' AND lease_owner = ? AND lease_until > ?")
  const orderOfAuthorization = db.prepare<[string], string>('SELECT order_number FROM webhook_authorizations WHERE authorization_key = ?').pluck()
  const mapAuthorization = db.prepare('INSERT OR IGNORE INTO webhook_authorizations (authorization_key, order_number) VALUES (?, ?)')
  const releaseAuthorization = db.prepare(
    "UPDATE webhook_events SET status = 'pending', run_at = ?, parked_on = NULL, order_key = ?, updated_at = ? WHERE status = 'parked' AND parked_on = ?",
  )
  const rekeyAuthorization = db.prepare("UPDATE webhook_events SET order_key = ?, updated_at = ? WHERE order_key = ? AND status IN ('pending', 'running')")
  const releaseOrder = db.prepare("UPDATE webhook_events SET status = 'pending', run_at = ?, parked_on = NULL, updated_at = ? WHERE status = 'parked' AND parked_on = ?")
  const park = db.prepare(
    "UPDATE webhook_events SET status = 'parked', parked_on = ?, parked_at = COALESCE(parked_at, ?), attempts = attempts - 1, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?",
  )
  const setOrderKey = db.prepare('UPDATE webhook_events SET order_key = ?, updated_at = ? WHERE id = ?')
  const otherRunning = db.prepare<[string, number, number], number>("SELECT 1 FROM webhook_events WHERE order_key = ? AND status = 'running' AND lease_until > ? AND id <> ?").pluck()
  const unclaim = db.prepare("UPDATE webhook_events SET status = 'pending', attempts = attempts - 1, run_at = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?")
  const orderExists = db.prepare<[string], number>('SELECT 1 FROM webhook_orders WHERE order_number = ?').pluck()
  const readOrder = db.prepare<[string], string>('SELECT data FROM webhook_orders WHERE order_number = ?').pluck()
  const writeOrder = db.prepare(`
    INSERT INTO webhook_orders (order_number, organization, status, payment_status, fraud_status, currency, total, data, created_at, updated_at)
    VALUES (@number, @organization, @status, @payment_status, @fraud_status, @currency, @total, @data, @now, @now)
    ON CONFLICT (order_number) DO UPDATE SET organization = excluded.organization, status = excluded.status, payment_status = excluded.payment_status,
      fraud_status = excluded.fraud_status, currency = excluded.currency, total = excluded.total, data = excluded.data, updated_at = excluded.updated_at`)
  const setStage = db.prepare('UPDATE webhook_events SET stage = ?, updated_at = ? WHERE id = ?')
  const finish = db.prepare("UPDATE webhook_events SET status = 'done', stage = 2, done_at = ?, lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = ? WHERE id = ?")
  const reschedule = db.prepare("UPDATE webhook_events SET status = 'pending', run_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?")
  const bury = db.prepare("UPDATE webhook_events SET status = 'dead', last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?")
  const checkoutEmail = db.prepare<[string], { customer_number: string | null; email: string }>('SELECT customer_number, email FROM webhook_checkout_customers WHERE order_number = ?')
  const overdue = db.prepare<[number], WebhookEventRow>("SELECT * FROM webhook_events WHERE status = 'parked' AND alerted_at IS NULL AND parked_at <= ? ORDER BY id LIMIT 100")
  const markAlerted = db.prepare('UPDATE webhook_events SET alerted_at = ? WHERE id = ?')
  const nextDue = db.prepare<[], number | null>("SELECT min(run_at) FROM webhook_events WHERE status = 'pending'").pluck()

  /** Runs `work` in a write transaction only while this worker still holds the event's lease. */
  function withLease<T>(row: WebhookEventRow, work: (now: number) => T): T {
    return immediate(db, () => {
      const now = store.now()
      if (holdsLease.get(row.id, owner, now) === undefined) {
        throw new LeaseLostError(`event ${row.event_id}: the lease expired or was taken by another worker; its result is refused`)
      }
      return work(now)
    })
  }

  async function runHandlers(name: WebhookHandlerName, event: unknown, context: WebhookHandlerContext): Promise<void> {
    for (const handler of [...(handlers.get(name) ?? [])]) await handler(event as never, context)
  }

  function fail(row: WebhookEventRow, error: unknown): 'retry' | 'dead' {
    const message = errorMessage(error).slice(0, ERROR_TEXT_LIMIT)
    const permanent = error instanceof InvalidEventError
    return withLease(row, (now) => {
      if (permanent || row.attempts >= maxAttempts) {
        bury.run(message, now, row.id)
        logger.error('webhook.dead', { event_id: row.event_id, type: row.type, attempts: row.attempts, error: message })
        return 'dead'
      }
      const delay = Math.min(maxMs, baseMs * 2 ** (row.attempts - 1))
      const runAt = now + Math.round(delay / 2 + (random() * delay) / 2)
      reschedule.run(runAt, message, now, row.id)
      logger.warn('webhook.retry', { event_id: row.event_id, type: row.type, attempts: row.attempts, retry_in_ms: runAt - now, error: message })
      return 'retry'
    })
  }

  function project(type: WebhookEventType, row: WebhookEventRow, payload: JsonObject, orderNumber: string): OrderProjection | undefined {
    const data = readOrder.get(orderNumber)
    const current = data === undefined ? undefined : (JSON.parse(data) as OrderProjection)
    return applyEvent(current, { type, eventId: row.event_id, timestamp: row.event_timestamp ?? undefined, payload })
  }

  /** Before handlers run: records authorization → order links, parks or defers when needed. */
  function prepare(row: WebhookEventRow, type: WebhookEventType, payload: JsonObject): { outcome: 'parked' | 'deferred' } | { orderNumber: string } {
    const subject = eventSubject(type, payload)
    return withLease(row, (now) => {
      let orderNumber = subject.orderNumber
      for (const key of subject.authorizationKeys) orderNumber ??= orderOfAuthorization.get(key)
      if (orderNumber === undefined) {
        const waitingFor = `authorization:${subject.authorizationKeys[0]}`
        park.run(waitingFor, now, now, row.id)
        logger.info('webhook.parked', { event_id: row.event_id, type, waiting_for: 'authorization' })
        return { outcome: 'parked' as const }
      }
      const orderKey = `order:${orderNumber}`
      for (const key of subject.authorizationKeys) {
        mapAuthorization.run(key, orderNumber)
        releaseAuthorization.run(now, orderKey, now, `authorization:${key}`)
        rekeyAuthorization.run(orderKey, now, `authorization:${key}`)
      }
      if (row.order_key !== orderKey) {
        setOrderKey.run(orderKey, now, row.id)
        if (otherRunning.get(orderKey, now, row.id) !== undefined) {
          unclaim.run(now + 50, now, row.id)
          return { outcome: 'deferred' as const }
        }
      }
      if (type !== 'order_placed' && orderExists.get(orderNumber) === undefined) {
        park.run(orderKey, now, now, row.id)
        logger.info('webhook.parked', { event_id: row.event_id, type, waiting_for: 'order_placed' })
        return { outcome: 'parked' as const }
      }
      return { orderNumber }
    })
  }

  function emailChange(type: WebhookEventType, order: OrderProjection | undefined): CheckoutEmailChanged | undefined {
    if (type !== 'order_placed' || order === undefined) return undefined
    const recorded = checkoutEmail.get(order.number)
    const email = order.customer?.email
    if (recorded === undefined || email === undefined || email.toLowerCase() === recorded.email.toLowerCase()) return undefined
    return {
      order_number: order.number,
      ...(recorded.customer_number === null ? {} : { customer_number: recorded.customer_number }),
      previous_email: recorded.email,
      email,
    }
  }

  async function processRow(row: WebhookEventRow): Promise<ProcessOutcome> {
    if (!isWebhookEventType(row.type)) return withLease(row, (now) => (finish.run(now, now, row.id), 'done' as const))
    const type = row.type
    let payload: JsonObject
    try {
      const parsed = parseJson(row.payload)
      if (!isObject(parsed)) throw new InvalidEventError('the stored payload is not a JSON object')
      payload = parsed
    } catch (error) {
      return fail(row, error instanceof InvalidEventError ? error : new InvalidEventError(`the stored payload is not JSON: ${errorMessage(error)}`))
    }
    const event = { ...payload, discriminator: type } as WebhookEvent
    const heartbeat = setInterval(() => {
      try {
        const now = store.now()
        extend.run(now + leaseMs, row.id, owner, now)
      } catch (error) {
        logger.warn('webhook.heartbeat_failed', { event_id: row.event_id, error: errorMessage(error) })
      }
    }, Math.max(10, Math.floor(leaseMs / 3)))
    heartbeat.unref()
    try {
      let orderNumber: string | undefined
      if (row.stage === 0) {
        const prepared = prepare(row, type, payload)
        if ('outcome' in prepared) return prepared.outcome
        orderNumber = prepared.orderNumber
        const order = project(type, row, payload, orderNumber)
        const base = { eventId: row.event_id, type, attempt: row.attempts, order }
        await runHandlers(type, event, { ...base, idempotencyKey: row.event_id })
        const change = emailChange(type, order)
        if (change !== undefined) await runHandlers('checkout_email_changed', change, { ...base, idempotencyKey: `${row.event_id}:checkout_email_changed` })
        const committed = withLease(row, (now) => {
          // Re-read inside the transaction: the merge is commutative, so applying to the latest
          // state is the same as applying in any order.
          const next = project(type, row, payload, orderNumber as string)
          if (next !== undefined) {
            writeOrder.run({
              number: next.number,
              organization: next.organization ?? null,
              status: next.status,
              payment_status: next.payment_status ?? null,
              fraud_status: next.fraud_status ?? null,
              currency: next.total?.currency ?? null,
              total: next.total?.amount ?? null,
              data: JSON.stringify(next),
              now,
            })
          }
          if (type === 'order_placed') releaseOrder.run(now, now, `order:${orderNumber}`)
          if ((handlers.get(`${type}_after`)?.size ?? 0) === 0) {
            finish.run(now, now, row.id)
            return 'done' as const
          }
          setStage.run(1, now, row.id)
          return next
        })
        if (committed === 'done') {
          logger.info('webhook.processed', { event_id: row.event_id, type })
          return 'done'
        }
        await runHandlers(`${type}_after`, event, { ...base, order: committed, idempotencyKey: `${row.event_id}:after` })
      } else {
        orderNumber = eventSubject(type, payload).orderNumber ?? (row.order_key?.startsWith('order:') ? row.order_key.slice('order:'.length) : undefined)
        const data = orderNumber === undefined ? undefined : readOrder.get(orderNumber)
        const order = data === undefined ? undefined : (JSON.parse(data) as OrderProjection)
        await runHandlers(`${type}_after`, event, { eventId: row.event_id, type, attempt: row.attempts, order, idempotencyKey: `${row.event_id}:after` })
      }
      withLease(row, (now) => finish.run(now, now, row.id))
      logger.info('webhook.processed', { event_id: row.event_id, type })
      return 'done'
    } catch (error) {
      if (error instanceof LeaseLostError) {
        logger.warn('webhook.lease_lost', { event_id: row.event_id, type })
        return 'lost'
      }
      try {
        return fail(row, error)
      } catch (failure) {
        if (failure instanceof LeaseLostError) return 'lost'
        throw failure
      }
    } finally {
      clearInterval(heartbeat)
    }
  }

  async function processNext(): Promise<{ outcome: ProcessOutcome; eventId?: string }> {
    const now = store.now()
    const row = claimStatement.get({ owner, now, until: now + leaseMs })
    if (row === undefined) return { outcome: 'idle' }
    if (row.attempts > maxAttempts) {
      // Claimed again and again without finishing: each run crashed its worker.
      const outcome = withLease(row, (at) => (bury.run('claimed repeatedly without finishing (the worker crashed each time)', at, row.id), 'dead' as const))
      logger.error('webhook.dead', { event_id: row.event_id, type: row.type, attempts: row.attempts, error: 'worker crashed on every attempt' })
      return { outcome, eventId: row.event_id }
    }
    return { outcome: await processRow(row), eventId: row.event_id }
  }

  function checkParked(): ParkedEventAlert[] {
    const now = store.now()
    const rows = overdue.all(now - horizonMs)
    const alerts = rows.map((row) => ({ eventId: row.event_id, type: row.type, waitingFor: row.parked_on ?? '', parkedSince: new Date(row.parked_at ?? now) }))
    for (const [i, row] of rows.entries()) {
      markAlerted.run(now, row.id)
      const alert = alerts[i] as ParkedEventAlert
      logger.warn('webhook.parked_too_long', { event_id: alert.eventId, type: alert.type, waiting_for: alert.waitingFor.split(':')[0], parked_since: alert.parkedSince.toISOString() })
      try {
        options.onAlert?.(alert)
      } catch (error) {
        logger.error('webhook.alert_failed', { event_id: alert.eventId, error: errorMessage(error) })
      }
    }
    return alerts
  }

  return {
    on(name, handler) {
      const set = handlers.get(name) ?? new Set()
      handlers.set(name, set)
      set.add(handler as WebhookHandler<WebhookHandlerName>)
      return () => void set.delete(handler as WebhookHandler<WebhookHandlerName>)
    },
    processNext,
    async drain(drainOptions = {}) {
      const counts: Record<ProcessOutcome, number> = { done: 0, parked: 0, retry: 0, dead: 0, lost: 0, deferred: 0, idle: 0 }
      const max = drainOptions.maxEvents ?? Number.POSITIVE_INFINITY
      for (let n = 0; n < max; n++) {
        const { outcome } = await processNext()
        counts[outcome] += 1
        if (outcome === 'idle') break
        if (outcome === 'deferred') await yieldToLoop()
      }
      checkParked()
      return counts
    },
    checkParked,
    start(startOptions = {}) {
      const concurrency = startOptions.concurrency ?? 2
      const pollMs = startOptions.pollMs ?? 1000
      let stopped = false
      let wakers: (() => void)[] = []
      let lastAlertCheck = 0
      const wake = () => {
        const waiting = wakers
        wakers = []
        for (const w of waiting) w()
      }
      const pause = (ms: number) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(done, ms)
          function done() {
            clearTimeout(timer)
            wakers = wakers.filter((w) => w !== done)
            resolve()
          }
          wakers.push(done)
        })
      const loop = async () => {
        while (!stopped) {
          let outcome: ProcessOutcome
          try {
            outcome = (await processNext()).outcome
          } catch (error) {
            // The store is unavailable (disk full, locked past busy_timeout): back off, keep going.
            logger.error('webhook.worker_error', { error: errorMessage(error) })
            await pause(pollMs)
            continue
          }
          if (store.now() - lastAlertCheck > 60_000) {
            lastAlertCheck = store.now()
            try {
              checkParked()
            } catch (error) {
              logger.error('webhook.worker_error', { error: errorMessage(error) })
            }
          }
          if (outcome === 'idle') {
            let wait = pollMs
            try {
              const due = nextDue.get()
              if (due !== null && due !== undefined) wait = Math.max(0, Math.min(pollMs, due - store.now()))
            } catch {
              // Polling the next due time is an optimisation only.
            }
            await pause(wait)
          } else {
            // better-sqlite3 is synchronous: let the HTTP server answer between events.
            await yieldToLoop()
          }
        }
      }
      const loops = Array.from({ length: concurrency }, () => loop())
      return {
        wake,
        async stop() {
          stopped = true
          wake()
          await Promise.all(loops)
        },
      }
    },
  }
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`createWebhookProcessor(): \`${name}\` must be a positive number of milliseconds. Received: ${String(value)}`)
  }
  return value
}
