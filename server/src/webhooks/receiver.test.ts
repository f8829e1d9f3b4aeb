import { createHmac } from 'node:crypto'
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import {
  captureLogger,
  makeStore,
  openTestDb,
  postRaw,
  startReceiverServer,
  tableCounts,
  tempDbPath,
  type TestReceiverServer,
} from '../../test/webhook-harness.js'
import { makeCapture, makeFraudStatusChanged, makeOrderPlaced, signed, TEST_SECRET } from '../../test/webhook-fixtures.js'
import { createWebhookProcessor } from './processor.js'
import { cleanupWebhookEvents } from './reconcile.js'
import { createWebhookReceiver, RAW_BODY_UNAVAILABLE } from './receiver.js'
import { signWebhookBody } from './signature.js'
import { createWebhookStore, getWebhookEvent } from './store.js'

const servers: TestReceiverServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function serve(...args: Parameters<typeof startReceiverServer>) {
  const server = await startReceiverServer(...args)
  servers.push(server)
  return server
}

const hmac = (body: string | Buffer, secret = TEST_SECRET) => createHmac('sha256', secret).update(body).digest('hex')

describe('createWebhookReceiver: setup', () => {
  it('refuses to start without a secret', () => {
    const { store } = makeStore()
    expect(() => createWebhookReceiver({ store, secrets: [] })).toThrow(/at least one webhook secret/)
    expect(() => createWebhookReceiver({ store, secrets: [''] })).toThrow(/secrets\[0\]/)
    expect(() => createWebhookReceiver({ store, secrets: () => [] })).toThrow(/refusing to accept unsigned webhooks/)
    expect(() => createWebhookReceiver({ store, secrets: undefined as never })).toThrow(TypeError)
  })
})

describe('createWebhookReceiver: a valid event', () => {
  it('commits the row before answering 200 (a second connection to the file sees it)', async () => {
    const path = tempDbPath()
    const { store } = makeStore(path)
    const { url } = await serve({ store })
    const { body, signature } = signed(makeOrderPlaced())
    const response = await postRaw(`${url}/webhooks/order_placed`, body, { 'x-flow-signature': signature, 'content-type': 'application/json' })
    const other = openTestDb(path)
    const row = other.prepare('SELECT event_id, type, status, source, payload FROM webhook_events').get()
    other.close()
    expect({ status: response.status, body: JSON.parse(response.body), row }).toEqual({
      status: 200,
      body: { result: 'ok' },
      row: { event_id: 'evt-placed-0001', type: 'order_placed', status: 'pending', source: 'webhook', payload: body.toString('utf8') },
    })
  })

  it('verifies the exact bytes received: non-canonical JSON is stored byte for byte', async () => {
    const { store } = makeStore()
    const raw = '{ "event_id" :"evt-spacy",\n  "discriminator":"fraud_status_changed", "order":{"number":"ord-1"},"status":"approved", "timestamp":"2024-05-01T10:00:00Z" }'
    const result = await createWebhookReceiver({ store, secrets: [TEST_SECRET] }).receive({ body: Buffer.from(raw), signature: `sha256=${hmac(raw)}` })
    expect({ status: result.status, payload: getWebhookEvent(store, 'evt-spacy')?.payload }).toEqual({ status: 200, payload: raw })
  })

  it('accepts every secret of the rotation list and nothing else', async () => {
    const { store, db } = makeStore()
    const receiver = createWebhookReceiver({ store, secrets: ['new-secret-aaaaaaaaaaaa', 'old-secret-bbbbbbbbbbbb'] })
    const byNew = signed(makeFraudStatusChanged({ eventId: 'evt-new' }), 'new-secret-aaaaaaaaaaaa')
    const byOld = signed(makeFraudStatusChanged({ eventId: 'evt-old' }), 'old-secret-bbbbbbbbbbbb')
    const byOther = signed(makeFraudStatusChanged({ eventId: 'evt-other' }), 'other-secret-cccccccccc')
    const statuses = [
      (await receiver.receive(byNew)).status,
      (await receiver.receive(byOld)).status,
      (await receiver.receive(byOther)).status,
    ]
    expect({ statuses, events: db.prepare('SELECT event_id FROM webhook_events ORDER BY id').pluck().all() }).toEqual({
      statuses: [200, 200, 401],
      events: ['evt-new', 'evt-old'],
    })
  })

  it('reads the secrets on every request when given a function (rotation without restart)', async () => {
    const { store } = makeStore()
    let secrets = ['first-secret-aaaaaaaaaa']
    const receiver = createWebhookReceiver({ store, secrets: () => secrets })
    const before = await receiver.receive(signed(makeFraudStatusChanged({ eventId: 'evt-a' }), 'second-secret-bbbbbbbbb'))
    secrets = ['second-secret-bbbbbbbbb', 'first-secret-aaaaaaaaaa']
    const after = await receiver.receive(signed(makeFraudStatusChanged({ eventId: 'evt-b' }), 'second-secret-bbbbbbbbb'))
    expect([before.status, after.status]).toEqual([401, 200])
  })

  it('routes only on the top-level discriminator, not on the URL or nested discriminators', async () => {
    const { store } = makeStore()
    const { url } = await serve({ store })
    // Nested objects carry discriminators of their own (`card`, `experience_reference`, …).
    const fraud = { ...makeFraudStatusChanged({ eventId: 'evt-top' }), order: { number: 'ord-1', discriminator: 'order_placed' } }
    const { body, signature } = signed(fraud)
    const response = await postRaw(`${url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })
    expect({ status: response.status, type: getWebhookEvent(store, 'evt-top')?.type }).toEqual({ status: 200, type: 'fraud_status_changed' })
  })

  it('stores an unknown event type as ignored, acknowledges it, and never processes it', async () => {
    const { store } = makeStore()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET] })
    const result = await receiver.receive(signed({ event_id: 'evt-unknown', discriminator: 'order_placed_v2', organization: 'demo', timestamp: '2024-05-01T10:00:00Z' }))
    const processor = createWebhookProcessor({ store })
    const seen: string[] = []
    processor.on('order_placed', (event) => void seen.push(event.event_id))
    const drained = await processor.drain()
    expect({ result, status: getWebhookEvent(store, 'evt-unknown')?.status, seen, done: drained.done }).toEqual({
      result: { status: 200, body: { result: 'ignored' } },
      status: 'ignored',
      seen: [],
      done: 0,
    })
  })
})

describe('createWebhookReceiver: duplicates', () => {
  it('answers 50 concurrent deliveries of one event with 2xx, keeps one row and runs the handler once', async () => {
    const { store, db } = makeStore(tempDbPath())
    const { url } = await serve({ store })
    const { body, signature } = signed(makeOrderPlaced({ eventId: 'evt-dup' }))
    const responses = await Promise.all(Array.from({ length: 50 }, () => postRaw(`${url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })))
    const processor = createWebhookProcessor({ store })
    let runs = 0
    processor.on('order_placed', () => void (runs += 1))
    await processor.drain()
    expect({
      statuses: [...new Set(responses.map((r) => r.status))],
      results: responses.map((r) => JSON.parse(r.body).result).sort((a: string, b: string) => a.localeCompare(b)).filter((r: string, i: number, all: string[]) => all.indexOf(r) === i),
      stored: responses.filter((r) => JSON.parse(r.body).result === 'ok').length,
      rows: db.prepare("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-dup'").pluck().get(),
      runs,
    }).toEqual({ statuses: [200], results: ['duplicate', 'ok'], stored: 1, rows: 1, runs: 1 })
  })

  it('still recognises a replay after cleanup removed the processed row (its id is kept 30 days)', async () => {
    const { store, db, clock } = makeStore()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET] })
    const delivery = signed(makeFraudStatusChanged({ eventId: 'evt-replay' }))
    await receiver.receive(delivery)
    db.prepare("UPDATE webhook_events SET status = 'done', done_at = ? WHERE event_id = 'evt-replay'").run(clock.now)
    clock.now += 97 * 3_600_000
    const removed = cleanupWebhookEvents(store).events
    const replay = await receiver.receive(delivery)
    clock.now += 30 * 86_400_000
    cleanupWebhookEvents(store)
    const muchLater = await receiver.receive(delivery)
    expect({ removed, replay, muchLater: muchLater.body }).toEqual({ removed: 1, replay: { status: 200, body: { result: 'duplicate' } }, muchLater: { result: 'ok' } })
  })
})

describe('createWebhookReceiver: bad input gets a clear status and nothing enters the queue', () => {
  const malformed: [string, string | Buffer, string][] = [
    ['malformed JSON', '{"event_id":"evt-1","discriminator":"order_placed"', 'malformed_json'],
    ['a JSON array', '[{"event_id":"evt-1","discriminator":"order_placed"}]', 'not_an_object'],
    ['a JSON string', '"order_placed"', 'not_an_object'],
    ['no event_id', '{"discriminator":"order_placed","order":{}}', 'missing_event_id'],
    ['an empty event_id', '{"event_id":"","discriminator":"order_placed"}', 'missing_event_id'],
    ['a numeric event_id', '{"event_id":42,"discriminator":"order_placed"}', 'missing_event_id'],
    ['no top-level discriminator (only nested ones)', '{"event_id":"evt-1","order":{"discriminator":"order_placed"}}', 'missing_discriminator'],
    ['a non-string discriminator', '{"event_id":"evt-1","discriminator":{"type":"order_placed"}}', 'missing_discriminator'],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'invalid_utf8'],
  ]
  for (const [what, raw, code] of malformed) {
    it(`400 ${code} for ${what}, kept aside in the quarantine`, async () => {
      const { store, db } = makeStore()
      const { url } = await serve({ store })
      const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw
      const response = await postRaw(`${url}/webhooks/order_placed`, bytes, { 'x-flow-signature': `sha256=${hmac(bytes)}` })
      const kept = db.prepare('SELECT reason, path, body FROM webhook_quarantine').get() as { reason: string; path: string; body: Buffer }
      expect({
        status: response.status,
        code: JSON.parse(response.body).code,
        counts: tableCounts(db),
        kept: { reason: kept.reason, path: kept.path, same: Buffer.compare(kept.body, bytes) === 0 },
      }).toEqual({ status: 400, code, counts: { events: 0, ids: 0, quarantine: 1 }, kept: { reason: code, path: '/webhooks/order_placed', same: true } })
    })
  }

  it('400 empty_body for an empty body, nothing stored', async () => {
    const { store, db } = makeStore()
    const { url } = await serve({ store })
    const response = await postRaw(`${url}/webhooks/order_placed`, '', { 'x-flow-signature': `sha256=${hmac('')}` })
    expect({ status: response.status, code: JSON.parse(response.body).code, counts: tableCounts(db) }).toEqual({
      status: 400,
      code: 'empty_body',
      counts: { events: 0, ids: 0, quarantine: 0 },
    })
  })

  it('a malformed body without a valid signature is 401 and is not quarantined', async () => {
    const { store, db } = makeStore()
    const { url } = await serve({ store })
    const response = await postRaw(`${url}/webhooks/order_placed`, '{not json', { 'x-flow-signature': `sha256=${'0'.repeat(64)}` })
    expect({ status: response.status, counts: tableCounts(db) }).toEqual({ status: 401, counts: { events: 0, ids: 0, quarantine: 0 } })
  })

  it('413 from Content-Length alone, answered before the body is sent', async () => {
    const { store, db } = makeStore()
    const { url } = await serve({ store, maxBodyBytes: 1024 })
    // Only the headers go out: the answer proves the server did not wait for (or buffer) the body.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/webhooks/order_placed`, { method: 'POST', headers: { 'content-length': String(10 * 1024 * 1024), 'x-flow-signature': `sha256=${'0'.repeat(64)}` } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
        req.destroy()
      })
      req.on('error', reject)
      req.flushHeaders()
    })
    expect({ status, counts: tableCounts(db) }).toEqual({ status: 413, counts: { events: 0, ids: 0, quarantine: 0 } })
  })

  it('413 for a chunked body that grows past the limit, and for a Fetch request', async () => {
    const { store, db } = makeStore()
    const { url } = await serve({ store, maxBodyBytes: 1024 })
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/webhooks/order_placed`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.write(Buffer.alloc(800, 0x20))
      req.write(Buffer.alloc(800, 0x20))
    })
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET], maxBodyBytes: 1024 })
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(700))
        controller.enqueue(new Uint8Array(700))
        controller.close()
      },
    })
    const fetchResponse = await receiver.handleRequest(new Request('http://shop.example/webhooks/order_placed', { method: 'POST', body: stream, duplex: 'half' } as RequestInit))
    expect({ chunked, fetch: fetchResponse.status, counts: tableCounts(db) }).toEqual({ chunked: 413, fetch: 413, counts: { events: 0, ids: 0, quarantine: 0 } })
  })

  it('405 for other methods', async () => {
    const { store } = makeStore()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET] })
    const response = await receiver.handleRequest(new Request('http://shop.example/webhooks/order_placed'))
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST'])
  })

  it('fails loudly (500 raw_body_unavailable, not 401) when a body parser ran first', async () => {
    const { store } = makeStore()
    const logger = captureLogger()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET], logger })
    const { body, signature } = signed(makeFraudStatusChanged())
    const consumed = new Request('http://shop.example/webhooks/x', { method: 'POST', body, headers: { 'x-flow-signature': signature } })
    await consumed.json()
    const fetchAnswer = await receiver.handleRequest(consumed)
    const nodeServer = await serve({ store })
    nodeServer.server.removeAllListeners('request')
    nodeServer.server.on('request', (req, res) => {
      // What express.json() leaves behind: the stream read to the end and `req.body` set.
      let text = ''
      req.on('data', (c: Buffer) => (text += c.toString()))
      req.on('end', () => {
        ;(req as typeof req & { body: unknown }).body = JSON.parse(text)
        void receiver.handleNode(req, res)
      })
    })
    const nodeAnswer = await postRaw(`${nodeServer.url}/webhooks/x`, body, { 'x-flow-signature': signature })
    expect({
      fetch: [fetchAnswer.status, ((await fetchAnswer.json()) as { message: string }).message],
      node: [nodeAnswer.status, JSON.parse(nodeAnswer.body).message],
      logged: logger.lines.filter((l) => l.includes('raw_body_unavailable')).length,
    }).toEqual({ fetch: [500, RAW_BODY_UNAVAILABLE], node: [500, RAW_BODY_UNAVAILABLE], logged: 2 })
  })

  it('uses a Buffer body from express.raw() as the raw bytes', async () => {
    const { store } = makeStore()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET] })
    const server = await serve({ store })
    server.server.removeAllListeners('request')
    server.server.on('request', (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        Object.assign(req, { body: Buffer.concat(chunks) })
        void receiver.handleNode(req, res)
      })
    })
    const { body, signature } = signed(makeFraudStatusChanged({ eventId: 'evt-raw-parser' }))
    const good = await postRaw(`${server.url}/webhooks/fraud_status_changed`, body, { 'x-flow-signature': signature })
    const bad = await postRaw(`${server.url}/webhooks/fraud_status_changed`, body, { 'x-flow-signature': `sha256=${'0'.repeat(64)}` })
    expect([good.status, bad.status, getWebhookEvent(store, 'evt-raw-parser')?.status]).toEqual([200, 401, 'pending'])
  })

  it('uses a raw body a framework kept (req.rawBody)', async () => {
    const { store } = makeStore()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET] })
    const server = await serve({ store })
    server.server.removeAllListeners('request')
    server.server.on('request', (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const raw = Buffer.concat(chunks)
        Object.assign(req, { rawBody: raw, body: JSON.parse(raw.toString()) })
        void receiver.handleNode(req, res)
      })
    })
    const { body, signature } = signed(makeFraudStatusChanged({ eventId: 'evt-kept' }))
    const answer = await postRaw(`${server.url}/webhooks/fraud_status_changed`, body, { 'x-flow-signature': signature })
    expect([answer.status, getWebhookEvent(store, 'evt-kept')?.status]).toEqual([200, 'pending'])
  })

  it('503 with Retry-After when storage is unavailable (database closed)', async () => {
    const { store, db } = makeStore()
    const { url } = await serve({ store })
    db.close()
    const { body, signature } = signed(makeOrderPlaced())
    const response = await postRaw(`${url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })
    expect({ status: response.status, retryAfter: response.headers['retry-after'], code: JSON.parse(response.body).code }).toEqual({
      status: 503,
      retryAfter: '30',
      code: 'storage_unavailable',
    })
  })

  it('503 when another writer holds the database past the busy timeout, then 200 once it is free', async () => {
    const path = tempDbPath()
    const db = openTestDb(path)
    db.pragma('busy_timeout = 50')
    const store = createWebhookStore(db)
    const { url } = await serve({ store })
    const blocker = openTestDb(path)
    blocker.prepare('BEGIN IMMEDIATE').run()
    const { body, signature } = signed(makeOrderPlaced())
    const blocked = await postRaw(`${url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })
    blocker.prepare('ROLLBACK').run()
    blocker.close()
    const retried = await postRaw(`${url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })
    expect([blocked.status, retried.status, getWebhookEvent(store, 'evt-placed-0001')?.status]).toEqual([503, 200, 'pending'])
  })

  it('drops __proto__ keys at every depth: no prototype pollution, payload stays usable', async () => {
    const { store } = makeStore()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET] })
    const placed = makeOrderPlaced({ eventId: 'evt-proto' })
    const raw = JSON.stringify(placed)
      .replace('{', '{"__proto__":{"polluted":"top"},')
      .replace('"customer":{', '"customer":{"__proto__":{"polluted":"nested"},')
      .replace('"destination":{', '"destination":{"\\u005f_proto__":{"polluted":"escaped"},')
    const result = await receiver.receive({ body: Buffer.from(raw), signature: `sha256=${hmac(raw)}` })
    const processor = createWebhookProcessor({ store })
    let seen: unknown
    processor.on('order_placed', (event) => void (seen = event.order.customer))
    await processor.drain()
    const probe = {} as Record<string, unknown>
    expect({
      status: result.status,
      polluted: probe.polluted,
      prototypeKeys: Object.keys(Object.prototype),
      customerOwnKeys: Object.keys(seen as object).sort(),
      customerProto: Object.getPrototypeOf(seen) === Object.prototype,
      event: getWebhookEvent(store, 'evt-proto')?.status,
    }).toEqual({
      status: 200,
      polluted: undefined,
      prototypeKeys: [],
      customerOwnKeys: ['email', 'name', 'number', 'phone'],
      customerProto: true,
      event: 'done',
    })
  })
})

describe('createWebhookReceiver: tamper corpus', () => {
  const payload = makeOrderPlaced({ eventId: 'evt-tamper' })
  const body = JSON.stringify(payload)
  const good = hmac(body)
  const other = JSON.stringify(makeCapture())
  const headerVariants: [string, string | string[] | undefined][] = [
    ['no header', undefined],
    ['empty header', ''],
    ['prefix only', 'sha256='],
    ['upper-case hex', `sha256=${good.toUpperCase()}`],
    ['valid hex plus "zz" (Node hex decoding would drop it)', `sha256=${good}zz`],
    ['valid hex plus one hex digit', `sha256=${good}0`],
    ['63 hex digits', `sha256=${good.slice(0, 63)}`],
    ['62 hex digits (31 bytes)', `sha256=${good.slice(0, 62)}`],
    ['sha1= prefix', `sha1=${good}`],
    ['SHA256= prefix', `SHA256=${good}`],
    ['colon separator', `sha256:${good}`],
    ['prefix twice', `sha256=sha256=${good}`],
    ['leading space', ` sha256=${good}`],
    ['trailing space', `sha256=${good} `],
    ['trailing newline', `sha256=${good}\n`],
    ['a non-hex letter inside', `sha256=${good.slice(0, 30)}g${good.slice(31)}`],
    ['base64 digest', `sha256=${createHmac('sha256', TEST_SECRET).update(body).digest('base64')}`],
    ['bare hex without prefix', good],
    ['all zeros', `sha256=${'0'.repeat(64)}`],
    ['wrong secret', `sha256=${hmac(body, 'not-the-secret-xxxxxxxx')}`],
    ['the secret itself', `sha256=${TEST_SECRET}`],
    ['signature of the empty body', `sha256=${hmac('')}`],
    ['signature of another event', `sha256=${hmac(other)}`],
    ['sha512 digest truncated', `sha256=${createHmac('sha512', TEST_SECRET).update(body).digest('hex').slice(0, 64)}`],
    ['plain sha256 of the body (no key)', `sha256=${createHmac('sha256', '').update(body).digest('hex')}`],
    ['two headers, valid first', [`sha256=${good}`, `sha256=${'0'.repeat(64)}`]],
    ['two identical valid headers', [`sha256=${good}`, `sha256=${good}`]],
  ]
  const bodyVariants: [string, Buffer][] = [
    ['trailing newline added', Buffer.from(`${body}\n`)],
    ['leading space added', Buffer.from(` ${body}`)],
    ['re-serialized with indentation', Buffer.from(JSON.stringify(payload, null, 2))],
    ['keys reordered', Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(payload).reverse())))],
    ['an amount changed', Buffer.from(body.replace('"amount":270', '"amount":2700'))],
    ['event_id changed', Buffer.from(body.replace('evt-tamper', 'evt-tamperX'))],
    ['discriminator changed', Buffer.from(body.replace('"discriminator":"order_placed"', '"discriminator":"label_upserted"'))],
    ['last byte cut', Buffer.from(body.slice(0, -1))],
    ['byte-order mark prepended', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)])],
    ['an extra key appended', Buffer.from(`${body.slice(0, -1)},"admin":true}`)],
    ['UTF-16 encoded', Buffer.from(body, 'utf16le')],
  ]

  it(`answers 401 to all ${headerVariants.length + bodyVariants.length} variants and stores nothing`, async () => {
    const { store, db } = makeStore()
    const logger = captureLogger()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET], logger })
    const results: Record<string, number> = {}
    for (const [name, header] of headerVariants) results[`header: ${name}`] = (await receiver.receive({ body: Buffer.from(body), signature: header })).status
    for (const [name, bytes] of bodyVariants) results[`body: ${name}`] = (await receiver.receive({ body: bytes, signature: `sha256=${good}` })).status
    expect(Object.keys(results).length).toBeGreaterThanOrEqual(30)
    expect({ results, counts: tableCounts(db) }).toEqual({
      results: Object.fromEntries(Object.keys(results).map((k) => [k, 401])),
      counts: { events: 0, ids: 0, quarantine: 0 },
    })
    // The untampered delivery is accepted, so the corpus tests the signature and nothing else.
    expect((await receiver.receive({ body: Buffer.from(body), signature: `sha256=${good}` })).status).toBe(200)
    expect(logger.lines.join('\n')).not.toContain(good)
  })

  it('answers 401 over HTTP to the variants that survive the wire, and stores nothing', async () => {
    const { store, db } = makeStore()
    const { url } = await serve({ store })
    const wire = headerVariants.filter(([, h]) => h === undefined || Array.isArray(h) || (h !== '' && h.trim() === h))
    const statuses = await Promise.all([
      ...wire.map(([, header]) => postRaw(`${url}/webhooks/order_placed`, body, header === undefined ? {} : { 'x-flow-signature': header })),
      ...bodyVariants.map(([, bytes]) => postRaw(`${url}/webhooks/order_placed`, bytes, { 'x-flow-signature': `sha256=${good}` })),
    ])
    expect({ statuses: [...new Set(statuses.map((r) => r.status))], counts: tableCounts(db) }).toEqual({ statuses: [401], counts: { events: 0, ids: 0, quarantine: 0 } })
  })
})

describe('createWebhookReceiver: nothing secret in answers or logs', () => {
  it('keeps secrets, signatures, bodies and customer data out of responses and info/warn logs', async () => {
    const { store } = makeStore()
    const logger = captureLogger()
    const receiver = createWebhookReceiver({ store, secrets: [TEST_SECRET], logger })
    const good = signed(makeOrderPlaced({ eventId: 'evt-log' }))
    const answers = [
      await receiver.receive(good),
      await receiver.receive(good),
      await receiver.receive({ body: good.body, signature: `sha256=${'1'.repeat(64)}` }),
      await receiver.receive({ body: Buffer.from('{"oops"'), signature: signWebhookBody(TEST_SECRET, '{"oops"') }),
    ]
    const processor = createWebhookProcessor({ store, logger })
    await processor.drain()
    const everything = [...answers.map((a) => JSON.stringify(a)), ...logger.lines].join('\n')
    const forbidden = [TEST_SECRET, good.signature.slice(7), '1'.repeat(64), 'ana.silva@example.com', 'Silva', 'Rua das Flores', '+55 21', 'VISA 1111', '{"oops"']
    expect(forbidden.filter((f) => everything.includes(f))).toEqual([])
    expect(logger.lines.map((l) => JSON.parse(l).msg)).toEqual(
      expect.arrayContaining(['webhook.stored', 'webhook.duplicate', 'webhook.rejected', 'webhook.processed']),
    )
  })
})
