// The final state must not depend on arrival order: 500 random arrival orders (seeded) of one
// order's events, with duplicates and processing interleaved with arrivals, all end in the same
// projection, with every event processed and every handler run once.
import { describe, expect, it } from 'vitest'
import {
  makeCapture,
  makeCardAuthorization,
  makeFraudStatusChanged,
  makeLabel,
  makeOnlineAuthorization,
  makeOrderPlaced,
  makeRefundCapture,
  ORDER,
  signed,
  TEST_SECRET,
} from '../../test/webhook-fixtures.js'
import { makeStore } from '../../test/webhook-harness.js'
import { WEBHOOK_EVENT_TYPES } from './events.js'
import { createWebhookProcessor } from './processor.js'
import type { OrderProjection } from './projection.js'
import { createWebhookReceiver } from './receiver.js'
import { countWebhookEvents, getOrderProjection } from './store.js'

/** mulberry32: a small seeded PRNG, so a failing order can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const EVENTS = [
  makeOrderPlaced(),
  makeCardAuthorization({ eventId: 'evt-auth-pending', status: 'pending', timestamp: '2024-05-01T10:00:02.000Z' }),
  makeCardAuthorization({ eventId: 'evt-auth-authorized', status: 'authorized', timestamp: '2024-05-01T10:00:03.000Z' }),
  makeOnlineAuthorization({ status: 'declined' }),
  makeFraudStatusChanged({ eventId: 'evt-fraud-pending', status: 'pending', timestamp: '2024-05-01T10:00:01.000Z' }),
  makeFraudStatusChanged({ eventId: 'evt-fraud-approved', status: 'approved', timestamp: '2024-05-01T10:00:09.000Z' }),
  makeCapture({ eventId: 'evt-capture-1', id: 'cap-1', amount: 200, timestamp: '2024-05-01T10:05:00.000Z' }),
  // A capture that names only its authorization, like a refund does.
  makeCapture({ eventId: 'evt-capture-2', id: 'cap-2', amount: 70, order: null, timestamp: '2024-05-01T10:06:00.000Z' }),
  makeLabel({ eventId: 'evt-label-1', id: 'lab-1' }),
  makeLabel({ eventId: 'evt-label-2', id: 'lab-2', timestamp: '2024-05-01T11:00:00.000Z' }),
  makeRefundCapture({ eventId: 'evt-refund-1', id: 'rfc-1', amount: 30.1 }),
  makeRefundCapture({ eventId: 'evt-refund-2', id: 'rfc-2', amount: 20.2, timestamp: '2024-05-01T12:30:00.000Z' }),
].map((payload) => ({ eventId: payload.event_id as string, ...signed(payload) }))

async function run(seed: number): Promise<{ projection: OrderProjection | undefined; runs: Record<string, number>; counts: ReturnType<typeof countWebhookEvents>; deliveries: number }> {
  const random = prng(seed)
  const { store } = makeStore()
  const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET] })
  const processor = createWebhookProcessor({ store, random })
  const runs: Record<string, number> = {}
  for (const type of WEBHOOK_EVENT_TYPES) processor.on(type, (_event, ctx) => void (runs[ctx.idempotencyKey] = (runs[ctx.idempotencyKey] ?? 0) + 1))
  // Every event once, a third of them delivered again, in a shuffled order.
  const deliveries = [...EVENTS, ...EVENTS.filter(() => random() < 0.35)]
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!]
  }
  for (const delivery of deliveries) {
    const answer = await receiver.receive(delivery)
    if (answer.status !== 200) throw new Error(`seed ${seed}: ${delivery.eventId} answered ${answer.status}`)
    for (let steps = Math.floor(random() * 3); steps > 0; steps--) await processor.processNext()
  }
  await processor.drain()
  return { projection: getOrderProjection(store, ORDER), runs, counts: countWebhookEvents(store), deliveries: deliveries.length }
}

describe('arrival order', () => {
  it('500 random arrival orders with duplicates end in the same projection, each event processed once', async () => {
    const reference = await run(0)
    const everyEventOnce = Object.fromEntries(EVENTS.map((e) => [e.eventId, 1]))
    expect({ runs: reference.runs, counts: reference.counts }).toEqual({
      runs: everyEventOnce,
      counts: { pending: 0, running: 0, parked: 0, done: EVENTS.length, dead: 0, ignored: 0 },
    })
    expect(reference.projection).toMatchObject({
      status: 'refunded',
      fraud_status: 'approved',
      payment_status: 'authorized',
      captured: { amount: 270, currency: 'BRL' },
      refunded: { amount: 50.3, currency: 'BRL' },
    })
    const differing: number[] = []
    let duplicated = 0
    for (let seed = 1; seed < 500; seed++) {
      const result = await run(seed)
      duplicated += result.deliveries - EVENTS.length
      // Byte-identical JSON: the stored projection is canonical, not only deep-equal.
      const same =
        JSON.stringify(result.projection) === JSON.stringify(reference.projection) &&
        JSON.stringify(Object.entries(result.runs).sort()) === JSON.stringify(Object.entries(everyEventOnce).sort()) &&
        result.counts.done === EVENTS.length
      if (!same) differing.push(seed)
    }
    expect({ differing, duplicatesDelivered: duplicated > 500 }).toEqual({ differing: [], duplicatesDelivered: true })
  }, 60_000)
})
