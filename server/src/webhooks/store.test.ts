import { afterEach, describe, expect, it } from 'vitest'
import { makeCapture, makeCardAuthorization, makeOrderPlaced, makeRefundCapture, signed, TEST_SECRET } from '../../test/webhook-fixtures.js'
import { openTestDb, postRaw, startReceiverServer, tempDbPath, type TestReceiverServer } from '../../test/webhook-harness.js'
import { parseEnvelope } from './envelope.js'
import { createWebhookProcessor } from './processor.js'
import { createWebhookStore, type IngestInput, type WebhookStore } from './store.js'

const open: (WebhookStore | TestReceiverServer)[] = []
afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close()
})

function inputs(...payloads: Record<string, unknown>[]): IngestInput[] {
  return payloads.map((payload) => {
    const raw = JSON.stringify(payload)
    const parsed = parseEnvelope(Buffer.from(raw))
    if (!parsed.ok) throw new Error(parsed.problem)
    return { envelope: parsed.envelope, raw, source: 'webhook' }
  })
}

const rows = (store: WebhookStore) =>
  store.db.prepare('SELECT event_id, type, status, order_key, source, payload, run_at, received_at, done_at FROM webhook_events ORDER BY event_id').all()

describe('the writer thread', () => {
  it('stores exactly what the inline path stores (outcomes, rows, order keys)', async () => {
    const invalid = makeCapture({ eventId: 'evt-invalid' })
    delete (invalid.capture as Record<string, unknown>).id
    const first = inputs(makeOrderPlaced(), makeCardAuthorization(), makeRefundCapture(), invalid, { event_id: 'evt-unknown', discriminator: 'something_new' })
    // A refund naming an authorization the order_placed linked, and a repeat.
    const second = inputs(makeRefundCapture({ eventId: 'evt-refund-2', id: 'rfc-2' }), makeOrderPlaced())
    const results = []
    for (const threaded of [false, true]) {
      const clock = { now: Date.parse('2024-05-01T10:00:00Z') }
      const store = createWebhookStore(openTestDb(tempDbPath()), { now: () => clock.now, writerThread: threaded })
      open.push(store)
      const write = (batch: IngestInput[]) => (threaded ? store.ingestAsync!(batch) : Promise.resolve(store.ingest(batch)))
      const a = await write(first)
      await createWebhookProcessor({ store }).drain()
      clock.now += 1000
      const b = await write(second)
      results.push({ threaded: store.ingestAsync !== undefined, outcomes: [a, b], rows: rows(store) })
    }
    const [inline, threaded] = results
    expect({ inline: inline?.threaded, threaded: threaded?.threaded, same: JSON.stringify(inline?.rows) === JSON.stringify(threaded?.rows), outcomes: threaded?.outcomes }).toEqual({
      inline: false,
      threaded: true,
      same: true,
      outcomes: [
        ['stored', 'stored', 'stored', 'stored', 'ignored'],
        ['stored', 'duplicate'],
      ],
    })
    expect((inline?.rows as { event_id: string; order_key: string | null }[]).find((r) => r.event_id === 'evt-refund-2')?.order_key).toBe('order:ord-5f1c0a7e2d9b4c8e9a1b2c3d4e5f6a7b')
  })

  it('is used only for a database file (an in-memory database has no second connection)', () => {
    const store = createWebhookStore(openTestDb(), { writerThread: true })
    expect(store.ingestAsync).toBeUndefined()
  })

  it('answers 503 when the writer cannot get the database in time, and 200 once it can', async () => {
    const path = tempDbPath()
    const db = openTestDb(path)
    db.pragma('busy_timeout = 50')
    const store = createWebhookStore(db, { writerThread: true })
    open.push(store)
    const server = await startReceiverServer({ store })
    open.push(server)
    const blocker = openTestDb(path)
    blocker.prepare('BEGIN IMMEDIATE').run()
    const { body, signature } = signed(makeOrderPlaced())
    const blocked = await postRaw(`${server.url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })
    blocker.prepare('ROLLBACK').run()
    blocker.close()
    const retried = await postRaw(`${server.url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })
    expect([blocked.status, JSON.parse(blocked.body).code, retried.status]).toEqual([503, 'storage_unavailable', 200])
  })

  it('takes 50 concurrent deliveries of one event: one row, one handler run', async () => {
    const store = createWebhookStore(openTestDb(tempDbPath()), { writerThread: true })
    open.push(store)
    const server = await startReceiverServer({ store, secrets: [TEST_SECRET] })
    open.push(server)
    const { body, signature } = signed(makeOrderPlaced({ eventId: 'evt-dup-thread' }))
    const answers = await Promise.all(Array.from({ length: 50 }, () => postRaw(`${server.url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })))
    let runs = 0
    const processor = createWebhookProcessor({ store })
    processor.on('order_placed', () => void (runs += 1))
    await processor.drain()
    expect({
      statuses: [...new Set(answers.map((a) => a.status))],
      ok: answers.filter((a) => JSON.parse(a.body).result === 'ok').length,
      rows: store.db.prepare('SELECT count(*) FROM webhook_events').pluck().get(),
      runs,
    }).toEqual({ statuses: [200], ok: 1, rows: 1, runs: 1 })
  })
})
