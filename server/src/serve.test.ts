import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeOrderPlaced, ORDER, signed, TEST_SECRET } from '../test/webhook-fixtures.js'
import { captureLogger, openTestDb, postRaw } from '../test/webhook-harness.js'
import type { FlowClient } from './client/index.js'
import { startServer, type RunningServer, type ServeOptions } from './serve.js'
import { getOrderProjection, getWebhookEvent } from './webhooks/index.js'

const fakeClient = {
  organization: 'demo',
  createCheckoutToken: async () => ({ id: 'tok-1', order: { number: 'ord-1' } }),
  createSession: async () => ({ id: 'ses-1' }),
  putSession: async (id: string) => ({ id }),
} as unknown as FlowClient

const running: RunningServer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})

async function start(options: Partial<ServeOptions> = {}) {
  const server = await startServer({ db: openTestDb(), client: fakeClient, webhookSecrets: [TEST_SECRET], port: 0, ...options })
  running.push(server)
  return server
}

function once<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('startServer', () => {
  it('refuses to start without a webhook secret', async () => {
    await expect(startServer({ db: openTestDb(), client: fakeClient, webhookSecrets: [], port: 0 })).rejects.toThrow(/at least one webhook secret/)
  })

  it('stores a webhook, acknowledges it, and the worker applies it to the projection and runs the handler', async () => {
    const handled = once<string>()
    const server = await start({ handlers: (on) => void on('order_placed_after', (event) => handled.resolve(event.order.number)) })
    const { body, signature } = signed(makeOrderPlaced())
    const answer = await postRaw(`${server.url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })
    const number = await handled.promise
    expect({ status: answer.status, number, projection: getOrderProjection(server.store, ORDER)?.status }).toEqual({ status: 200, number: ORDER, projection: 'placed' })
  })

  it('answers /healthz with the queue, /session/start, /checkout and 404 elsewhere', async () => {
    const server = await start({ allowedOrigins: ['https://shop.example'], checkoutUrl: 'http://checkout.test' })
    const health = await fetch(`${server.url}/healthz`)
    const session = await fetch(`${server.url}/session/start?flow_country=FRA&return=/cart`, { redirect: 'manual' })
    const checkout = await fetch(`${server.url}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: JSON.stringify({ session_id: 'ses-1', items: [{ number: 'SKU-1', quantity: 1 }] }),
    })
    const missing = await fetch(`${server.url}/nope`)
    expect({
      health: [health.status, await health.json()],
      session: [session.status, session.headers.get('location'), session.headers.get('set-cookie')],
      checkout: [checkout.status, await checkout.json()],
      missing: missing.status,
    }).toEqual({
      health: [200, { status: 'ok', worker: 'running', webhooks: { pending: 0, parked: 0, dead: 0 } }],
      session: [303, '/cart', '_f60_session=ses-1; Path=/; Max-Age=86400; SameSite=Lax'],
      checkout: [200, { url: 'http://checkout.test/tokens/tok-1' }],
      missing: 404,
    })
  })

  it('serves /prices/{experience}.json from the prices directory with an ETag, and nothing outside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fs-prices-'))
    const dir = join(root, 'prices')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(dir)
    writeFileSync(join(dir, 'canada.json'), '{"experience":{"key":"canada"}}\n')
    writeFileSync(join(root, 'secret.json'), '{"secret":true}')
    const server = await start({ pricesDir: dir })
    const first = await fetch(`${server.url}/prices/canada.json`)
    const body = await first.json()
    const etag = first.headers.get('etag') ?? ''
    const again = await fetch(`${server.url}/prices/canada.json`, { headers: { 'if-none-match': etag } })
    const statuses = await Promise.all(
      ['/prices/germany.json', '/prices/..%2Fsecret.json', '/prices/%2e%2e/secret.json', '/prices/../secret.json', '/prices/canada', '/prices/.json'].map(async (p) => (await fetch(`${server.url}${p}`)).status),
    )
    expect({
      first: [first.status, body, first.headers.get('cache-control'), first.headers.get('access-control-allow-origin'), etag !== ''],
      again: again.status,
      statuses,
    }).toEqual({
      first: [200, { experience: { key: 'canada' } }, 'public, max-age=300', '*', true],
      again: 304,
      statuses: [404, 404, 404, 404, 404, 404],
    })
  })

  it('closes gracefully: stops accepting, lets the event in flight finish, then resolves', async () => {
    const entered = once<void>()
    const release = once<void>()
    const server = await start({ handlers: (on) => void on('order_placed', async () => (entered.resolve(), release.promise)) })
    const { body, signature } = signed(makeOrderPlaced())
    await postRaw(`${server.url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })
    await entered.promise
    let closed = false
    const closing = server.close().then(() => (closed = true))
    const refused = await fetch(`${server.url}/healthz`).then(
      () => 'answered',
      () => 'refused',
    )
    const beforeRelease = closed
    release.resolve()
    await closing
    expect({ refused, beforeRelease, event: getWebhookEvent(server.store, 'evt-placed-0001')?.status }).toEqual({ refused: 'refused', beforeRelease: false, event: 'done' })
  })

  it('logs JSON lines with routes, statuses and ids only', async () => {
    const logger = captureLogger()
    const handled = once<void>()
    const server = await start({ logger, handlers: (on) => void on('order_placed_after', () => handled.resolve()) })
    const { body, signature } = signed(makeOrderPlaced())
    await postRaw(`${server.url}/webhooks/order_placed`, body, { 'x-flow-signature': signature })
    await postRaw(`${server.url}/webhooks/order_placed`, body, { 'x-flow-signature': `sha256=${'a'.repeat(64)}` })
    await handled.promise
    const text = logger.lines.join('\n')
    expect({
      leaks: [TEST_SECRET, signature.slice(7), 'a'.repeat(64), 'ana.silva@example.com', 'Silva', 'Rua das Flores'].filter((s) => text.includes(s)),
      messages: [...new Set(logger.lines.map((l) => JSON.parse(l).msg as string))].sort(),
    }).toEqual({
      leaks: [],
      messages: ['http.request', 'serve.listening', 'webhook.processed', 'webhook.rejected', 'webhook.stored'],
    })
  })
})
