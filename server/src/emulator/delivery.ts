// Webhook delivery as Flow does it: POST the event JSON to every webhook registered for its
// type, signed `X-Flow-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`, retried on
// failure (6 attempts, exponential from the base delay: 1, 2, 4, 8, 16 × base), every attempt
// recorded as a delivery request.
import { createHmac } from 'node:crypto'
import { newId, type DeliveryRecord, type DeliveryRequest, type EmulatorState, type Json } from './state.js'

/** Retry settings that override the organization's webhook settings (so tests run fast). */
export type WebhookRetryOptions = {
  /** Attempts in all, first included (Flow: 6). */
  attempts?: number
  /** Delay before the second attempt; each later one doubles it (Flow: 60 000 ms). */
  baseDelayMs?: number
}

/** Sends and records webhook deliveries. */
export type WebhookDeliveries = {
  /** Queues `event` for every webhook subscribed to its `discriminator`; returns the new deliveries. */
  publish(event: Json): DeliveryRecord[]
  /** Tries a delivery once more, now, and resolves with that attempt. */
  redeliver(id: string): Promise<DeliveryRequest>
  /** Resolves once no delivery is in flight or waiting for a retry. */
  idle(): Promise<void>
  /** Re-arms the deliveries a saved state left scheduled (after a restart). */
  resume(): void
  /** Stops timers and waits for requests in flight; scheduled deliveries stay scheduled in the state. */
  close(): Promise<void>
}

type DeliveryOptions = {
  getState(): EmulatorState
  save(): void
  now(): Date
  retry?: WebhookRetryOptions | undefined
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number
}

/**
 * The signature Flow puts in `X-Flow-Signature` for a raw body.
 *
 * @example
 * signBody('secret', '{"event_id":"evt-1"}') // 'sha256=' + 64 hex digits
 */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/**
 * Creates the delivery service over the emulator's state.
 *
 * @example
 * const deliveries = createWebhookDeliveries({ getState: () => store.state, save: store.save, now: () => new Date() })
 * deliveries.publish(orderPlacedEvent)
 * await deliveries.idle()
 */
export function createWebhookDeliveries(options: DeliveryOptions): WebhookDeliveries {
  const timers = new Map<string, NodeJS.Timeout>()
  const inFlight = new Set<Promise<unknown>>()
  let waiters: (() => void)[] = []
  let closed = false

  const settings = () => {
    const s = options.getState().webhook_settings
    return {
      attempts: options.retry?.attempts ?? s.retry_max_attempts,
      baseDelayMs: options.retry?.baseDelayMs ?? s.retry_sleep_ms,
      firstDelayMs: s.sleep_ms,
    }
  }
  const find = (id: string) => options.getState().deliveries.find((d) => d.id === id)

  function notifyIfIdle(): void {
    if (timers.size > 0 || inFlight.size > 0) return
    const resolve = waiters
    waiters = []
    for (const w of resolve) w()
  }

  function schedule(delivery: DeliveryRecord, delayMs: number): void {
    if (closed) return
    delivery.next_attempt_at = new Date(options.now().getTime() + delayMs).toISOString()
    const timer = setTimeout(() => {
      timers.delete(delivery.id)
      track(attemptScheduled(delivery.id))
    }, delayMs)
    timers.set(delivery.id, timer)
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise)
    const done = () => {
      inFlight.delete(promise)
      notifyIfIdle()
    }
    promise.then(done, done)
    return promise
  }

  async function attemptScheduled(id: string): Promise<void> {
    const delivery = find(id)
    if (!delivery || delivery.status !== 'scheduled') return
    await attempt(delivery)
    if (delivery.status === 'scheduled') {
      const { attempts, baseDelayMs } = settings()
      if (delivery.attempts >= attempts) {
        delivery.status = 'failed'
        delete delivery.next_attempt_at
      } else {
        schedule(delivery, baseDelayMs * 2 ** (delivery.attempts - 1))
      }
    }
    options.save()
  }

  async function attempt(delivery: DeliveryRecord): Promise<DeliveryRequest> {
    const started = options.now()
    const request: DeliveryRequest = { id: newId('whr'), attempted_at: started.toISOString(), duration_ms: 0 }
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'flow-storefront-emulator' }
    const secret = options.getState().webhook_settings.secret
    if (secret) headers['x-flow-signature'] = signBody(secret, delivery.body)
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers,
        body: delivery.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      })
      await response.arrayBuffer().catch(() => undefined)
      request.status = response.status
      if (response.status < 200 || response.status > 299) request.error = `the receiver answered ${response.status}`
    } catch (error) {
      request.error = `no answer: ${(error as Error).message}`
    }
    request.duration_ms = Math.max(0, options.now().getTime() - started.getTime())
    delivery.attempts += 1
    delivery.requests.push(request)
    delivery.updated_at = request.attempted_at
    if (request.error === undefined) {
      delivery.status = 'succeeded'
      delete delivery.next_attempt_at
      const timer = timers.get(delivery.id)
      if (timer) clearTimeout(timer)
      timers.delete(delivery.id)
    }
    return request
  }

  return {
    publish(event) {
      const state = options.getState()
      const type = String(event.discriminator)
      const body = JSON.stringify(event)
      const now = options.now().toISOString()
      const created: DeliveryRecord[] = []
      for (const webhook of state.webhooks) {
        if (!webhook.events.includes(type) && !webhook.events.includes('*')) continue
        const delivery: DeliveryRecord = {
          id: newId('whd'),
          webhook_id: webhook.id,
          url: webhook.url,
          event_id: String(event.event_id),
          event_type: type,
          body,
          status: 'scheduled',
          attempts: 0,
          created_at: now,
          updated_at: now,
          requests: [],
        }
        state.deliveries.push(delivery)
        created.push(delivery)
        schedule(delivery, settings().firstDelayMs)
      }
      options.save()
      return created
    },

    async redeliver(id) {
      const delivery = find(id)
      if (!delivery) throw new Error(`redeliver(): no delivery ${id}`)
      const request = await track(attempt(delivery))
      options.save()
      return request
    },

    idle() {
      if (timers.size === 0 && inFlight.size === 0) return Promise.resolve()
      return new Promise((resolve) => waiters.push(resolve))
    },

    resume() {
      for (const delivery of options.getState().deliveries) {
        if (delivery.status !== 'scheduled' || timers.has(delivery.id)) continue
        const due = delivery.next_attempt_at ? Date.parse(delivery.next_attempt_at) - options.now().getTime() : 0
        schedule(delivery, Math.max(0, due))
      }
    },

    async close() {
      closed = true
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
      await Promise.allSettled([...inFlight])
      notifyIfIdle()
    },
  }
}
