// Webhook delivery: Flow's events in Flow's shapes, signed with the webhook secret, retried with
// exponential backoff, recorded as deliveries and redeliverable.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { afterEach, describe, expect, test } from 'vitest'
import { startEmulator, type DeliveryRecord, type RunningEmulator, type StartEmulatorOptions } from '../src/emulator/index.js'
import { createApi, startReceiver, validator } from './helpers.js'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close()
})

async function setup(statuses: number[] = [], options: StartEmulatorOptions = {}) {
  const emulator = await startEmulator({ webhookRetry: { baseDelayMs: 2 }, ...options })
  const receiver = await startReceiver(statuses)
  cleanup.push(() => emulator.close(), () => receiver.close())
  const api = createApi(emulator)
  return { emulator, receiver, api }
}

async function placeOrder(emulator: RunningEmulator, api: ReturnType<typeof createApi>, items = [{ number: 'CAP-DAD-KHA', quantity: 2 }]) {
  const session = (await api.raw('POST', '/sessions/organizations/demo', { auth: 'none', body: { country: 'BR' } })).json as { id: string }
  const token = (await api.raw('POST', '/demo/checkout/tokens', { body: { discriminator: 'checkout_token_order_form', session_id: session.id, order_form: { items } } })).json as { id: string; order: { number: string } }
  const placed = await fetch(emulator.checkoutUrl(token.id), { method: 'POST', body: 'email=a%40example.com&first=Ana', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  expect(placed.status).toBe(200)
  return token.order.number
}

function verify(secret: string, body: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(header)) return false
  const expected = createHmac('sha256', secret).update(body).digest()
  return timingSafeEqual(expected, Buffer.from(header.slice(7), 'hex'))
}

const EVENTS = ['order_placed', 'card_authorization_upserted_v2', 'fraud_status_changed', 'capture_upserted_v2']

describe('webhook delivery', () => {
  test('placing an order sends the four events, in lifecycle order, signed with the secret, in valid shapes', async () => {
    const { emulator, receiver, api } = await setup()
    await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: EVENTS } })
    const number = await placeOrder(emulator, api)
    await receiver.waitFor(4)
    await emulator.webhooksIdle()

    const events = receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>)
    expect(events.map((e) => e.discriminator).sort()).toEqual([...EVENTS].sort())
    for (const [i, request] of receiver.received.entries()) {
      expect(verify('demo-webhook-secret', request.body, request.headers['x-flow-signature'])).toBe(true)
      expect(verify('another-secret', request.body, request.headers['x-flow-signature'])).toBe(false)
      validator.assertValid(events[i], 'event')
    }
    const byType = Object.fromEntries(events.map((e) => [e.discriminator, e])) as Record<string, Record<string, any>>
    expect(byType.order_placed?.order_number).toBe(number)
    expect(byType.card_authorization_upserted_v2?.authorization.order.number).toBe(number)
    expect(byType.fraud_status_changed?.order.number).toBe(number)
    expect(byType.capture_upserted_v2?.capture.amount).toBe(byType.order_placed?.order.total.amount)
    expect(byType.order_placed?.order.customer).toEqual({ name: { first: 'Ana' }, email: 'a@example.com' })
    expect(new Set(events.map((e) => e.event_id)).size).toBe(4)
  })

  test('shipping a placed order (admin lever) delivers a signed label_upserted in a valid shape', async () => {
    const { emulator, receiver, api } = await setup()
    await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: ['label_upserted'] } })
    const number = await placeOrder(emulator, api)
    const missing = await fetch(`${emulator.url}/_emulator/orders/ord-nope/labels`, { method: 'POST' })
    const shipped = await fetch(`${emulator.url}/_emulator/orders/${number}/labels`, { method: 'POST' })
    await receiver.waitFor(1)
    const [request] = receiver.received
    const event = JSON.parse(request!.body) as Record<string, any>
    validator.assertValid(event, 'event')
    expect({
      missing: missing.status,
      shipped: shipped.status,
      signed: verify('demo-webhook-secret', request!.body, request!.headers['x-flow-signature']),
      discriminator: event.discriminator,
      order: event.order,
      items: event.package.items,
    }).toEqual({
      missing: 404,
      shipped: 201,
      signed: true,
      discriminator: 'label_upserted',
      order: number,
      items: [{ number: 'CAP-DAD-KHA', quantity: 2 }],
    })
  })

  test('only webhooks subscribed to an event receive it', async () => {
    const { emulator, receiver, api } = await setup()
    const other = await startReceiver()
    cleanup.push(() => other.close())
    await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: ['capture_upserted_v2'] } })
    await api.raw('POST', '/demo/webhooks', { body: { url: other.url, events: ['label_upserted'] } })
    await placeOrder(emulator, api)
    await emulator.webhooksIdle()
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { discriminator: string }).discriminator)).toEqual(['capture_upserted_v2'])
    expect(other.received).toEqual([])
  })

  test('a rotated secret signs the next deliveries', async () => {
    const { emulator, receiver, api } = await setup()
    await api.raw('PUT', '/demo/webhook/settings', { body: { secret: 'rotated-secret', retry_max_attempts: 6, retry_sleep_ms: 60000, sleep_ms: 0 } })
    await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: ['order_placed'] } })
    await placeOrder(emulator, api)
    await receiver.waitFor(1)
    const request = receiver.received[0]
    expect(verify('rotated-secret', request?.body ?? '', request?.headers['x-flow-signature'])).toBe(true)
  })

  test('a receiver that fails twice gets a third attempt, after a doubled delay; the delivery records all three', async () => {
    const { emulator, receiver, api } = await setup([500, 503], { webhookRetry: { baseDelayMs: 20 } })
    const webhook = (await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: ['order_placed'] } })).json as { id: string }
    await placeOrder(emulator, api)
    await receiver.waitFor(3)
    await emulator.webhooksIdle()

    const deliveries = (await api.raw('GET', `/demo/webhook/deliveries?webhook_id=${webhook.id}`)).json as DeliveryRecord[]
    expect(deliveries).toHaveLength(1)
    const [delivery] = deliveries
    expect([delivery?.status, delivery?.attempts, delivery?.requests.map((r) => r.status)]).toEqual(['succeeded', 3, [500, 503, 200]])
    expect(delivery?.body).toBe(receiver.received[2]?.body)
    // The retries wait base × 1, then base × 2 (a timer may fire a millisecond early, hence the slack).
    const at = (delivery?.requests ?? []).map((r) => Date.parse(r.attempted_at))
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(19)
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(38)
  })

  test('a delivery gives up after the last attempt, and a redelivery can still succeed', async () => {
    const { emulator, receiver, api } = await setup([500, 500, 500], { webhookRetry: { attempts: 3, baseDelayMs: 1 } })
    await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: ['fraud_status_changed'] } })
    await placeOrder(emulator, api)
    await receiver.waitFor(3)
    await emulator.webhooksIdle()
    const [failed] = (await api.raw('GET', '/demo/webhook/deliveries')).json as DeliveryRecord[]
    expect([failed?.status, failed?.attempts, failed?.next_attempt_at]).toEqual(['failed', 3, undefined])

    const request = await api.raw('POST', `/demo/webhook/deliveries/${failed?.id ?? ''}/requests`)
    expect([request.status, (request.json as { status: number }).status]).toEqual([201, 200])
    const [after] = (await api.raw('GET', '/demo/webhook/deliveries')).json as DeliveryRecord[]
    expect([after?.status, after?.attempts]).toEqual(['succeeded', 4])
    expect(receiver.received).toHaveLength(4)
  })

  test('an unreachable receiver is recorded as "no answer"', async () => {
    const { emulator, receiver, api } = await setup([], { webhookRetry: { attempts: 1, baseDelayMs: 1 } })
    await receiver.close()
    await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: ['order_placed'] } })
    await placeOrder(emulator, api)
    await emulator.webhooksIdle()
    const [delivery] = (await api.raw('GET', '/demo/webhook/deliveries')).json as DeliveryRecord[]
    expect(delivery?.status).toBe('failed')
    expect(delivery?.requests[0]?.error).toMatch(/^no answer/)
    expect(delivery?.requests[0]?.status).toBeUndefined()
  })

  test('a refund delivers refund_capture_upserted_v2', async () => {
    const { emulator, receiver, api } = await setup()
    await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: ['refund_capture_upserted_v2'] } })
    const number = await placeOrder(emulator, api)
    const refund = await api.raw('POST', '/demo/refunds', { body: { order_number: number } })
    expect(refund.status).toBe(201)
    await receiver.waitFor(1)
    const event = JSON.parse(receiver.received[0]?.body ?? '{}') as { refund_capture: { amount: number } }
    validator.assertValid(event, 'event')
    expect(event.refund_capture.amount).toBe((refund.json as { amount: number }).amount)
  })

  test('deliveries filter by since', async () => {
    const { emulator, receiver, api } = await setup()
    await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: ['order_placed'] } })
    await placeOrder(emulator, api)
    await emulator.webhooksIdle()
    const future = new Date(Date.now() + 60_000).toISOString()
    expect((await api.raw('GET', `/demo/webhook/deliveries?since=${encodeURIComponent(future)}`)).json).toEqual([])
    expect((await api.raw('GET', '/demo/webhook/deliveries?since=2000-01-01T00:00:00Z')).json).toHaveLength(1)
    expect((await api.raw('GET', '/demo/webhook/deliveries?since=yesterday')).status).toBe(422)
  })
})
