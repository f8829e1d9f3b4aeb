// Conformance: every real payload Flow sent the Magento connector (../shared/flow-api/fixtures/
// webhooks, read in place, never copied into the project) goes through the receiver and the
// processor without an error, and the orders among them reach the projection with Flow's figures.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { signed, TEST_SECRET } from '../../test/webhook-fixtures.js'
import { makeStore } from '../../test/webhook-harness.js'
import { isObject } from './envelope.js'
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from './events.js'
import { createWebhookProcessor } from './processor.js'
import { createWebhookReceiver } from './receiver.js'
import { countWebhookEvents, getOrderProjection, getWebhookEvent } from './store.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const fixtures = join(repoRoot, '../shared/flow-api/fixtures/webhooks')
const available = existsSync(fixtures)
if (!available) console.log(`conformance: skipped, ${fixtures} does not exist (the shared Flow API material is not checked out beside the repo)`)

type Fixture = { file: string; raw: string; payload: Record<string, unknown> }
const load = (): Fixture[] =>
  readdirSync(fixtures)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = readFileSync(join(fixtures, file), 'utf8')
      return { file, raw, payload: JSON.parse(raw) as Record<string, unknown> }
    })

describe.skipIf(!available)('conformance with Flow payloads (../shared/flow-api/fixtures/webhooks)', () => {
  it('covers every processed event type', () => {
    const types = new Set(load().map((f) => f.payload.discriminator))
    expect(WEBHOOK_EVENT_TYPES.filter((t) => !types.has(t))).toEqual([])
  })

  it('each payload alone: accepted, parsed, and either applied (orders) or parked for its order (the rest)', async () => {
    const outcomes: Record<string, string> = {}
    for (const fixture of load()) {
      const { store } = makeStore()
      const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET] })
      const answer = await receiver.receive(signed(fixture.raw))
      await createWebhookProcessor({ store }).drain()
      const row = getWebhookEvent(store, fixture.payload.event_id as string)
      outcomes[fixture.file] = `${answer.status} ${row?.status}${row?.last_error ? ` ${row.last_error}` : ''}`
    }
    expect(outcomes).toEqual(
      Object.fromEntries(Object.keys(outcomes).map((file) => [file, file.startsWith('order_placed') ? '200 done' : '200 parked'])),
    )
  })

  it('each order_placed reaches the projection with its number, customer, items, total and price breakdown', async () => {
    for (const fixture of load().filter((f) => f.payload.discriminator === 'order_placed')) {
      const { store } = makeStore()
      await createWebhookReceiver({ store, secrets: [TEST_SECRET] }).receive(signed(fixture.raw))
      await createWebhookProcessor({ store }).drain()
      const order = fixture.payload.order as Record<string, any>
      const projection = getOrderProjection(store, order.number)
      const componentSum = (prefix: string) =>
        Math.round(
          (order.prices as any[]).flatMap((p) => p.components as any[]).filter((c) => String(c.key).startsWith(prefix)).reduce((s, c) => s + Math.round(c.amount * 1e6), 0),
        ) / 1e6
      expect({
        file: fixture.file,
        number: projection?.number,
        email: projection?.customer?.email,
        items: projection?.items.map((i) => [i.number, i.quantity]),
        total: [projection?.total?.amount, projection?.total?.currency, projection?.total?.base?.amount, projection?.total?.base?.currency],
        prices: Object.keys(projection?.prices ?? {}).sort(),
        vat: projection?.vat?.amount ?? 0,
        duty: projection?.duty?.amount ?? 0,
        payment: projection?.payment?.reference,
        country: projection?.destination?.country,
      }).toEqual({
        file: fixture.file,
        number: order.number,
        email: order.customer.email,
        items: (order.items as any[]).map((i) => [i.number, i.quantity]),
        total: [order.total.amount, order.total.currency, order.total.base.amount, order.total.base.currency],
        prices: (order.prices as any[]).map((p) => p.key).sort(),
        vat: componentSum('vat'),
        duty: componentSum('dut'),
        payment: order.payments[0].reference,
        country: order.destination.country,
      })
    }
  })

  it('all payloads together: the events of one order apply to it in any arrival order, none dies', async () => {
    const all = load()
    const { store } = makeStore()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET] })
    // Deliver the non-order events first: they must wait for their order, then apply.
    const ordered = [...all.filter((f) => f.payload.discriminator !== 'order_placed'), ...all.filter((f) => f.payload.discriminator === 'order_placed')]
    for (const f of ordered) expect((await receiver.receive(signed(f.raw))).status).toBe(200)
    await createWebhookProcessor({ store }).drain()
    const counts = countWebhookEvents(store)
    // Orders that have both an order_placed and later events in the set.
    const orderNumbers = all.filter((f) => f.payload.discriminator === 'order_placed').map((f) => (f.payload.order as Record<string, unknown>).number as string)
    const related = all.filter((f) => f.payload.discriminator !== 'order_placed' && orderNumbers.some((n) => f.raw.includes(n)))
    for (const f of related) {
      const row = getWebhookEvent(store, f.payload.event_id as string)
      expect([f.file, row?.status]).toEqual([f.file, 'done'])
    }
    const withEvents = orderNumbers.filter((n) => related.some((f) => f.raw.includes(n)))
    const projections = withEvents.map((n) => getOrderProjection(store, n))
    for (const projection of projections) {
      const events = related.filter((f) => f.raw.includes(projection?.number ?? '?'))
      const captures = events.filter((f) => f.payload.discriminator === 'capture_upserted_v2')
      if (captures.length > 0) expect(projection?.captured?.amount).toBe((captures[0]!.payload.capture as Record<string, number>).amount)
      for (const auth of events.filter((f) => String(f.payload.discriminator).endsWith('authorization_upserted_v2'))) {
        const a = auth.payload.authorization as Record<string, any>
        expect(projection?.authorizations[a.id]?.status).toBe(a.result.status)
      }
      const fraud = events.find((f) => f.payload.discriminator === 'fraud_status_changed')
      if (fraud) expect(projection?.fraud_status).toBe(fraud.payload.status)
    }
    expect({ dead: counts.dead, running: counts.running, pending: counts.pending, typesKnown: all.every((f) => isObject(f.payload) && isWebhookEventType(String(f.payload.discriminator))) }).toEqual({
      dead: 0,
      running: 0,
      pending: 0,
      typesKnown: true,
    })
    expect(withEvents.length).toBeGreaterThan(0)
  })
})
