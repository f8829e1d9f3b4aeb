import { describe, expect, it } from 'vitest'
import {
  AUTHORIZATION,
  makeCapture,
  makeCardAuthorization,
  makeFraudStatusChanged,
  makeLabel,
  makeOnlineAuthorization,
  makeOrderPlaced,
  makeRefundCapture,
  ORDER,
} from '../../test/webhook-fixtures.js'
import { captureLogger, makeStore } from '../../test/webhook-harness.js'
import { parseEnvelope } from './envelope.js'
import type { WebhookHandlerContext } from './events.js'
import { createWebhookProcessor, type WebhookProcessorOptions } from './processor.js'
import {
  countWebhookEvents,
  getOrderProjection,
  getWebhookEvent,
  recordCheckoutCustomer,
  requeueDeadEvents,
  type WebhookStore,
} from './store.js'

function put(store: WebhookStore, ...payloads: Record<string, unknown>[]) {
  return store.ingest(
    payloads.map((payload) => {
      const raw = JSON.stringify(payload)
      const parsed = parseEnvelope(Buffer.from(raw))
      if (!parsed.ok) throw new Error(parsed.problem)
      return { envelope: parsed.envelope, raw, source: 'webhook' as const }
    }),
  )
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

function processor(store: WebhookStore, options: Partial<WebhookProcessorOptions> = {}) {
  return createWebhookProcessor({ store, random: () => 0.5, ...options })
}

describe('processing order and parking', () => {
  it('parks events that arrive before their order_placed and applies them once it is processed', async () => {
    const { store } = makeStore()
    const p = processor(store)
    const calls: string[] = []
    p.on('order_placed', (e) => void calls.push(e.discriminator))
    p.on('capture_upserted_v2', (e, ctx) => void calls.push(`${e.discriminator}:${ctx.order?.status}`))
    p.on('label_upserted', (e, ctx) => void calls.push(`${e.discriminator}:${ctx.order?.status}`))
    put(store, makeLabel(), makeCapture())
    const early = await p.drain()
    const parked = { label: getWebhookEvent(store, 'evt-label-0001')?.status, capture: getWebhookEvent(store, 'evt-capture-0001')?.status, order: getOrderProjection(store, ORDER) }
    put(store, makeOrderPlaced())
    await p.drain()
    expect({ early: [early.parked, early.done], parked, calls, status: getOrderProjection(store, ORDER)?.status, counts: countWebhookEvents(store) }).toEqual({
      early: [2, 0],
      parked: { label: 'parked', capture: 'parked', order: undefined },
      calls: ['order_placed', 'label_upserted:labelled', 'capture_upserted_v2:labelled'],
      status: 'labelled',
      counts: { pending: 0, running: 0, parked: 0, done: 3, dead: 0, ignored: 0 },
    })
  })

  it('parks a refund that names only its authorization until an event links it to an order', async () => {
    const { store } = makeStore()
    const p = processor(store)
    put(store, makeRefundCapture())
    await p.drain()
    const waiting = getWebhookEvent(store, 'evt-refund-0001')
    put(store, makeOrderPlaced(), makeCapture())
    await p.drain()
    expect({
      waiting: [waiting?.status, waiting?.parked_on],
      after: getWebhookEvent(store, 'evt-refund-0001')?.status,
      status: getOrderProjection(store, ORDER)?.status,
      refunded: getOrderProjection(store, ORDER)?.refunded,
    }).toEqual({
      waiting: ['parked', `authorization:${AUTHORIZATION}`],
      after: 'done',
      status: 'refunded',
      refunded: { amount: 50, currency: 'BRL', base: { amount: 10, currency: 'USD' } },
    })
  })

  it('serializes work per order: a second event of a running order waits, another order does not', async () => {
    const { store } = makeStore()
    put(store, makeOrderPlaced({ eventId: 'evt-a1' }), makeOrderPlaced({ eventId: 'evt-b1', number: 'ord-other', authorization: 'aut-other' }))
    await processor(store).drain()
    put(store, makeFraudStatusChanged({ eventId: 'evt-a2' }), makeFraudStatusChanged({ eventId: 'evt-a3', status: 'pending' }), makeFraudStatusChanged({ eventId: 'evt-b2', order: 'ord-other' }))
    const gate = deferred()
    const first = processor(store, { workerId: 'w1' })
    first.on('fraud_status_changed', () => gate.promise)
    const running = first.processNext()
    const second = processor(store, { workerId: 'w2' })
    const claimed = await second.processNext()
    const nothing = await second.processNext()
    gate.resolve()
    const finished = await running
    const rest = await second.drain()
    expect({ running: finished, claimed, nothing, rest: rest.done }).toEqual({
      running: { outcome: 'done', eventId: 'evt-a2' },
      claimed: { outcome: 'done', eventId: 'evt-b2' },
      nothing: { outcome: 'idle' },
      rest: 1,
    })
  })
})

describe('leases', () => {
  it("rescues an expired lease and refuses the late worker's completion", async () => {
    const { store, clock } = makeStore()
    put(store, makeOrderPlaced())
    const gate = deferred()
    const slow = processor(store, { workerId: 'slow', leaseMs: 1000 })
    const runs: string[] = []
    slow.on('order_placed', async (_e, ctx) => {
      runs.push(`slow:${ctx.attempt}`)
      await gate.promise
    })
    const late = slow.processNext()
    await Promise.resolve()
    clock.now += 1001
    const rescuer = processor(store, { workerId: 'rescuer', leaseMs: 1000 })
    rescuer.on('order_placed', (_e, ctx) => void runs.push(`rescuer:${ctx.attempt}`))
    const rescued = await rescuer.processNext()
    gate.resolve()
    const refused = await late
    const row = getWebhookEvent(store, 'evt-placed-0001')
    expect({ rescued, refused, runs, row: [row?.status, row?.attempts, row?.lease_owner], placed: getOrderProjection(store, ORDER)?.status }).toEqual({
      rescued: { outcome: 'done', eventId: 'evt-placed-0001' },
      refused: { outcome: 'lost', eventId: 'evt-placed-0001' },
      runs: ['slow:1', 'rescuer:2'],
      row: ['done', 2, null],
      placed: 'placed',
    })
  })

  it('does not rescue a live lease', async () => {
    const { store, clock } = makeStore()
    put(store, makeOrderPlaced())
    const gate = deferred()
    const holder = processor(store, { workerId: 'holder', leaseMs: 1000 })
    holder.on('order_placed', () => gate.promise)
    const running = holder.processNext()
    clock.now += 999
    const other = await processor(store, { workerId: 'other', leaseMs: 1000 }).processNext()
    gate.resolve()
    expect([other.outcome, (await running).outcome]).toEqual(['idle', 'done'])
  })
})

describe('failures', () => {
  it('retries with jittered exponential backoff, then dead-letters, and requeue brings it back', async () => {
    const { store, clock } = makeStore()
    const randoms = [0, 0.999999, 0.5]
    let r = 0
    const p = createWebhookProcessor({ store, maxAttempts: 4, backoff: { baseMs: 1000, maxMs: 3000 }, random: () => randoms[r++ % randoms.length] as number })
    let failing = true
    const attempts: number[] = []
    p.on('order_placed', (_e, ctx) => {
      attempts.push(ctx.attempt)
      if (failing) throw new Error(`merchant system down (attempt ${ctx.attempt})`)
    })
    put(store, makeOrderPlaced())
    const delays: number[] = []
    for (let i = 0; i < 4; i++) {
      const before = clock.now
      const { outcome } = await p.processNext()
      const row = getWebhookEvent(store, 'evt-placed-0001')
      if (outcome === 'retry') {
        delays.push((row?.run_at ?? 0) - before)
        expect(await p.processNext()).toEqual({ outcome: 'idle' })
        clock.now = row?.run_at ?? clock.now
      }
    }
    const dead = getWebhookEvent(store, 'evt-placed-0001')
    const requeued = requeueDeadEvents(store)
    failing = false
    const after = await p.drain()
    // Delays: base·2^(n-1) capped at maxMs, scaled into [50 %, 100 %] by the jitter.
    expect({ delays, attempts, dead: [dead?.status, dead?.attempts, dead?.last_error], requeued, after: after.done, status: getWebhookEvent(store, 'evt-placed-0001')?.status }).toEqual({
      delays: [500, 2000, 2250],
      attempts: [1, 2, 3, 4, 1],
      dead: ['dead', 4, 'merchant system down (attempt 4)'],
      requeued: 1,
      after: 1,
      status: 'done',
    })
  })

  it('sends an unprocessable payload straight to the dead letters', async () => {
    const { store } = makeStore()
    const capture = makeCapture()
    delete (capture.capture as Record<string, unknown>).id
    put(store, capture)
    const outcome = await processor(store).processNext()
    const row = getWebhookEvent(store, 'evt-capture-0001')
    expect({ outcome: outcome.outcome, row: [row?.status, row?.attempts, row?.last_error] }).toEqual({
      outcome: 'dead',
      row: ['dead', 1, 'capture_upserted_v2 without `capture.id`'],
    })
  })

  it('runs handlers at least once: a handler that fails after its effect runs again with the same idempotency key', async () => {
    const { store, clock } = makeStore()
    const p = processor(store, { backoff: { baseMs: 10, maxMs: 10 } })
    const effects = new Map<string, number>()
    let crash = true
    p.on('order_placed', (_e, ctx) => {
      effects.set(ctx.idempotencyKey, (effects.get(ctx.idempotencyKey) ?? 0) + 1)
      if (crash) {
        crash = false
        throw new Error('lost the connection after writing')
      }
    })
    put(store, makeOrderPlaced())
    await p.processNext()
    clock.now += 10
    await p.processNext()
    expect({ effects: Object.fromEntries(effects), status: getWebhookEvent(store, 'evt-placed-0001')?.status }).toEqual({ effects: { 'evt-placed-0001': 2 }, status: 'done' })
  })
})

describe('handlers', () => {
  it('dispatches typed events, then `<type>_after` with the applied projection; a failing after-handler does not rerun the first', async () => {
    const { store, clock } = makeStore()
    const p = processor(store, { backoff: { baseMs: 10, maxMs: 10 } })
    const log: string[] = []
    let failAfter = true
    p.on('order_placed', (event, ctx) => void log.push(`placed ${event.order.number} ${ctx.idempotencyKey} ${ctx.order?.status}`))
    p.on('order_placed_after', (event, ctx) => {
      log.push(`after ${event.order_number} ${ctx.idempotencyKey} attempt ${ctx.attempt}`)
      if (failAfter) {
        failAfter = false
        throw new Error('after failed once')
      }
    })
    p.on('card_authorization_upserted_v2_after', (event, ctx) => void log.push(`auth after ${event.authorization.result.status} ${ctx.order?.status}`))
    put(store, makeOrderPlaced(), makeCardAuthorization())
    await p.drain()
    clock.now += 10
    await p.drain()
    expect({ log, stored: getOrderProjection(store, ORDER)?.status }).toEqual({
      log: [
        `placed ${ORDER} evt-placed-0001 placed`,
        `after ${ORDER} evt-placed-0001:after attempt 1`,
        'auth after authorized authorized',
        `after ${ORDER} evt-placed-0001:after attempt 2`,
      ],
      stored: 'authorized',
    })
  })

  it('unsubscribes', async () => {
    const { store } = makeStore()
    const p = processor(store)
    let runs = 0
    const off = p.on('order_placed', () => void (runs += 1))
    off()
    put(store, makeOrderPlaced())
    await p.drain()
    expect(runs).toBe(0)
  })

  it('fires checkout_email_changed when the placed order carries another e-mail than the checkout did', async () => {
    const { store } = makeStore()
    recordCheckoutCustomer(store, { orderNumber: ORDER, customerNumber: '42', email: 'old@example.com' })
    recordCheckoutCustomer(store, { orderNumber: 'ord-same', email: 'Same@Example.com' })
    const p = processor(store)
    const seen: [unknown, string][] = []
    p.on('checkout_email_changed', (change, ctx: WebhookHandlerContext) => void seen.push([change, ctx.idempotencyKey]))
    put(store, makeOrderPlaced({ email: 'new@example.com' }), makeOrderPlaced({ eventId: 'evt-same', number: 'ord-same', email: 'same@example.com', authorization: 'aut-same' }))
    await p.drain()
    expect(seen).toEqual([
      [{ order_number: ORDER, customer_number: '42', previous_email: 'old@example.com', email: 'new@example.com' }, 'evt-placed-0001:checkout_email_changed'],
    ])
  })
})

describe('parking horizon', () => {
  it('alerts once past the horizon and keeps waiting: an order placed 30 days later still applies', async () => {
    const { store, clock } = makeStore()
    const logger = captureLogger()
    const alerts: unknown[] = []
    const p = processor(store, { parkingHorizonMs: 3_600_000, onAlert: (a) => void alerts.push(a), logger })
    put(store, makeCapture())
    await p.drain()
    const parkedAt = clock.now
    clock.now += 3_600_000 - 1
    const early = p.checkParked()
    clock.now += 2
    const due = p.checkParked()
    const again = p.checkParked()
    clock.now += 30 * 86_400_000
    put(store, makeOrderPlaced())
    await p.drain()
    expect({ early, due, again, alerts: alerts.length, capture: getWebhookEvent(store, 'evt-capture-0001')?.status, warned: logger.lines.filter((l) => l.includes('parked_too_long')).length }).toEqual({
      early: [],
      due: [{ eventId: 'evt-capture-0001', type: 'capture_upserted_v2', waitingFor: `order:${ORDER}`, parkedSince: new Date(parkedAt) }],
      again: [],
      alerts: 1,
      capture: 'done',
      warned: 1,
    })
  })
})

describe('the order projection', () => {
  it('holds number, status, items, localized and base totals with the breakdown, addresses and payment', async () => {
    const { store } = makeStore()
    put(
      store,
      makeOrderPlaced(),
      makeCardAuthorization(),
      makeOnlineAuthorization({ status: 'declined' }),
      makeFraudStatusChanged({ eventId: 'evt-f1', status: 'pending', timestamp: '2024-05-01T10:00:01.000Z' }),
      makeFraudStatusChanged({ eventId: 'evt-f2', status: 'approved', timestamp: '2024-05-01T10:00:09.000Z' }),
      makeCapture(),
      makeLabel(),
      makeRefundCapture(),
    )
    await processor(store).drain()
    const brl = (amount: number, base: number) => ({ amount, currency: 'BRL', label: `BRL ${amount.toFixed(2)}`, base: { amount: base, currency: 'USD', label: `US$${base.toFixed(2)}` } })
    expect(getOrderProjection(store, ORDER)).toEqual({
      number: ORDER,
      organization: 'demo',
      status: 'refunded',
      placed: { at: '2024-05-01T10:00:05.000Z', event_id: 'evt-placed-0001' },
      submitted_at: '2024-05-01T10:00:00.000Z',
      experience: 'brazil',
      customer: { number: 'cus-42', name: { first: 'Ana', last: 'Silva' }, email: 'ana.silva@example.com', phone: '+55 21 5555-0100' },
      destination: {
        streets: ['Rua das Flores 10', 'Apto 3'],
        city: 'Rio de Janeiro',
        province: 'RJ',
        postal: '20000-000',
        country: 'BRA',
        name: { first: 'Ana', last: 'Silva' },
        email: 'ana.silva@example.com',
        phone: '+55 21 5555-0100',
      },
      billing_address: { streets: ['Av. Atlântica 99'], city: 'Rio de Janeiro', province: 'RJ', postal: '22000-000', country: 'BRA', name: { first: 'Ana', last: 'Silva' } },
      items: [
        { number: 'SKU-TEE', name: 'Tee', quantity: 2, unit_price: brl(100, 20), total: brl(200, 40), attributes: { options: '{"size":"M"}' } },
        { number: 'SKU-CAP', name: 'Cap', quantity: 1, unit_price: brl(50, 10), total: brl(50, 10), discount: brl(5, 1) },
      ],
      total: brl(270, 54),
      prices: {
        subtotal: {
          ...brl(250, 50),
          name: 'Item subtotal',
          components: [
            { key: 'item_price', ...brl(180.5, 36.1), name: 'Item price' },
            { key: 'vat_item_price', ...brl(40.3, 8.06), name: 'ICMS on item price' },
            { key: 'duties_item_price', ...brl(29.2, 5.84), name: 'Duties on item price' },
          ],
        },
        shipping: { ...brl(25, 5), name: 'Shipping', components: [{ key: 'shipping', ...brl(25, 5) }] },
        discount: { ...brl(-5, -1), name: 'Discount', components: [{ key: 'order_discount', ...brl(-5, -1) }] },
      },
      vat: { amount: 40.3, currency: 'BRL', base: { amount: 8.06, currency: 'USD' } },
      duty: { amount: 29.2, currency: 'BRL', base: { amount: 5.84, currency: 'USD' } },
      payment: { reference: AUTHORIZATION, type: 'card', description: 'VISA 1111', total: brl(270, 54) },
      payment_status: 'authorized',
      fraud_status: 'approved',
      fraud: { at: '2024-05-01T10:00:09.000Z', event_id: 'evt-f2', status: 'approved' },
      attributes: { quote_id: '77', customer_id: '42' },
      authorizations: {
        [AUTHORIZATION]: {
          at: '2024-05-01T10:00:03.000Z',
          event_id: 'evt-auth-0001',
          id: AUTHORIZATION,
          key: AUTHORIZATION,
          type: 'card',
          status: 'authorized',
          amount: 270,
          currency: 'BRL',
          base: { amount: 54, currency: 'USD' },
          method: 'visa',
        },
        'aut-online-0001': {
          at: '2024-05-01T10:00:04.000Z',
          event_id: 'evt-online-0001',
          id: 'aut-online-0001',
          key: 'aut-online-0001',
          type: 'online',
          status: 'declined',
          amount: 270,
          currency: 'BRL',
          method: 'paypal',
        },
      },
      captures: {
        'cap-0001': { at: '2024-05-01T10:05:00.000Z', event_id: 'evt-capture-0001', id: 'cap-0001', authorization: AUTHORIZATION, status: 'succeeded', amount: 270, currency: 'BRL', base: { amount: 54, currency: 'USD' } },
      },
      captured: { amount: 270, currency: 'BRL', base: { amount: 54, currency: 'USD' } },
      refunds: {
        'rfc-0001': { at: '2024-05-01T12:00:00.000Z', event_id: 'evt-refund-0001', id: 'rfc-0001', refund_id: 'ref-1', authorization: AUTHORIZATION, status: 'succeeded', amount: 50, currency: 'BRL', base: { amount: 10, currency: 'USD' } },
      },
      refunded: { amount: 50, currency: 'BRL', base: { amount: 10, currency: 'USD' } },
      labels: {
        'lab-0001': {
          at: '2024-05-01T09:59:00.000Z',
          event_id: 'evt-label-0001',
          id: 'lab-0001',
          carrier: 'dhl',
          service: 'dhl-express-worldwide',
          flow_tracking_number: 'FLOW123',
          flow_tracking_number_url: 'https://track.example/FLOW123',
          carrier_tracking_number: 'DHL123',
          carrier_tracking_number_url: 'https://track.example/DHL123',
          center_key: 'main',
          commercial_invoice: 'https://labels.example/ci.pdf',
        },
      },
    })
  })

  it('keeps the newest order_placed when an older copy of the order arrives later', async () => {
    const { store } = makeStore()
    put(store, makeOrderPlaced({ eventId: 'evt-new', timestamp: '2024-05-01T10:30:00Z', email: 'new@example.com' }))
    await processor(store).drain()
    put(store, makeOrderPlaced({ eventId: 'evt-old', timestamp: '2024-05-01T10:00:00Z', email: 'old@example.com' }))
    await processor(store).drain()
    expect([getOrderProjection(store, ORDER)?.customer?.email, getOrderProjection(store, ORDER)?.placed.event_id]).toEqual(['new@example.com', 'evt-new'])
  })
})
