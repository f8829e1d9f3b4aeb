import { describe, expect, it } from 'vitest'
import { makeCapture, makeFraudStatusChanged, makeOrderPlaced } from '../../test/webhook-fixtures.js'
import { makeStore, tableCounts } from '../../test/webhook-harness.js'
import type { FlowClient, WebhookDelivery } from '../client/index.js'
import { parseEnvelope } from './envelope.js'
import { cleanupWebhookEvents, reconcileWebhooks } from './reconcile.js'
import { getWebhookEvent, hasSeenEvent, type WebhookStore } from './store.js'

function delivery(id: string, payload: Record<string, unknown> | string, url = 'https://shop.example/webhooks/x'): WebhookDelivery {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  const eventId = typeof payload === 'string' ? `evt-${id}` : (payload.event_id as string)
  return { id, webhook_id: 'whk-1', url, event_id: eventId, event_type: 'x', body, status: 'failed', attempts: 6, created_at: '2024-05-01T10:00:00Z', updated_at: '2024-05-01T11:00:00Z', requests: [] }
}

function fakeClient(deliveries: WebhookDelivery[]) {
  const calls = { since: [] as (string | undefined)[], redelivered: [] as string[] }
  const client = {
    async listAllWebhookDeliveries(query?: { since?: string }) {
      calls.since.push(query?.since)
      return deliveries
    },
    async redeliverWebhookDelivery(id: string) {
      calls.redelivered.push(id)
      if (id === 'd-broken') throw new Error('Flow refused')
      return { id: 'whr-1', attempted_at: '', duration_ms: 1 }
    },
  } as unknown as Pick<FlowClient, 'listAllWebhookDeliveries' | 'redeliverWebhookDelivery'>
  return { client, calls }
}

function put(store: WebhookStore, payload: Record<string, unknown>) {
  const raw = JSON.stringify(payload)
  const parsed = parseEnvelope(Buffer.from(raw))
  if (!parsed.ok) throw new Error(parsed.problem)
  store.ingest([{ envelope: parsed.envelope, raw, source: 'webhook' }])
}

describe('reconcileWebhooks', () => {
  it("stores the events Flow delivered that the store never saw, from Flow's recorded body", async () => {
    const { store, db } = makeStore()
    put(store, makeOrderPlaced())
    const { client, calls } = fakeClient([
      delivery('d-1', makeOrderPlaced()),
      delivery('d-2', makeCapture()),
      delivery('d-3', makeCapture()),
      delivery('d-4', { event_id: 'evt-future', discriminator: 'order_placed_v3' }),
      delivery('d-5', '{"truncated'),
      delivery('d-6', makeFraudStatusChanged(), 'https://elsewhere.example/hooks'),
    ])
    const report = await reconcileWebhooks({ client, store, since: new Date('2024-05-01T09:00:00Z'), baseUrl: 'https://shop.example/' })
    expect({
      report,
      since: calls.since,
      capture: [getWebhookEvent(store, 'evt-capture-0001')?.source, getWebhookEvent(store, 'evt-capture-0001')?.status],
      future: getWebhookEvent(store, 'evt-future')?.status,
      fraud: hasSeenEvent(store, 'evt-fraud-0001'),
      quarantine: db.prepare('SELECT reason, path FROM webhook_quarantine').all(),
    }).toEqual({
      report: { deliveries: 5, events: 4, missing: 3, stored: 1, redelivered: 0, ignored: 1, invalid: 1, failed: 0 },
      since: ['2024-05-01T09:00:00.000Z'],
      capture: ['reconcile', 'pending'],
      future: 'ignored',
      fraud: false,
      quarantine: [{ reason: 'reconcile:malformed_json', path: 'delivery:d-5' }],
    })
  })

  it('asks Flow to redeliver the missing ones with --redeliver', async () => {
    const { store } = makeStore()
    put(store, makeOrderPlaced())
    const { client, calls } = fakeClient([delivery('d-1', makeOrderPlaced()), delivery('d-2', makeCapture()), delivery('d-broken', makeFraudStatusChanged())])
    const report = await reconcileWebhooks({ client, store, since: new Date('2024-05-01T09:00:00Z'), redeliver: true })
    expect({ report, redelivered: calls.redelivered, stored: hasSeenEvent(store, 'evt-capture-0001') }).toEqual({
      report: { deliveries: 3, events: 3, missing: 2, stored: 0, redelivered: 1, ignored: 0, invalid: 0, failed: 1 },
      redelivered: ['d-2', 'd-broken'],
      stored: false,
    })
  })
})

describe('cleanupWebhookEvents', () => {
  it('removes processed events after 96 hours, keeps their ids 30 days, and never removes parked or dead events', async () => {
    const { store, db, clock } = makeStore()
    put(store, makeOrderPlaced())
    put(store, makeCapture({ eventId: 'evt-parked', order: 'ord-never' }))
    put(store, makeFraudStatusChanged({ eventId: 'evt-dead' }))
    db.prepare("UPDATE webhook_events SET status = 'done', done_at = ? WHERE event_id = 'evt-placed-0001'").run(clock.now)
    db.prepare("UPDATE webhook_events SET status = 'parked', parked_at = ? WHERE event_id = 'evt-parked'").run(clock.now)
    db.prepare("UPDATE webhook_events SET status = 'dead' WHERE event_id = 'evt-dead'").run()
    store.quarantine({ reason: 'malformed_json', body: Buffer.from('{') })
    const hour = 3_600_000
    clock.now += 96 * hour - 1
    const early = cleanupWebhookEvents(store)
    clock.now += 2
    const at96h = cleanupWebhookEvents(store)
    const seenAfter96h = hasSeenEvent(store, 'evt-placed-0001')
    const afterEvents = tableCounts(db)
    clock.now += 30 * 24 * hour
    const at30d = cleanupWebhookEvents(store)
    const seenAfter30d = hasSeenEvent(store, 'evt-placed-0001')
    expect({ early, at96h, seenAfter96h, afterEvents, at30d, seenAfter30d, left: tableCounts(db), statuses: db.prepare('SELECT event_id FROM webhook_events ORDER BY id').pluck().all() }).toEqual({
      early: { events: 0, eventIds: 0, quarantined: 0, checkoutCustomers: 0 },
      at96h: { events: 1, eventIds: 0, quarantined: 0, checkoutCustomers: 0 },
      seenAfter96h: true,
      afterEvents: { events: 2, ids: 1, quarantine: 1 },
      at30d: { events: 0, eventIds: 1, quarantined: 1, checkoutCustomers: 0 },
      seenAfter30d: false,
      left: { events: 2, ids: 0, quarantine: 0 },
      statuses: ['evt-parked', 'evt-dead'],
    })
    expect(() => cleanupWebhookEvents(store, { idRetentionDays: 7 })).toThrow(/at least 30/)
  })
})
