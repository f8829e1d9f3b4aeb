// End to end against the emulator: webhook settings and registration, POST /checkout, the hosted
// checkout page's form posted like a browser would, signed webhooks delivered to serve, the order
// in the projection and in the merchant's handlers; then reconciliation filling a lost event.
import { afterEach, describe, expect, it } from 'vitest'
import { openTestDb, tempDbPath } from '../test/webhook-harness.js'
import { createFlowClient } from './client/index.js'
import { startEmulator } from './emulator/index.js'
import { startServer, type RunningServer } from './serve.js'
import {
  getOrderProjection,
  getWebhookEvent,
  reconcileWebhooks,
  registerWebhooks,
  storedWebhookSecrets,
  updateWebhookSettings,
  type CheckoutEmailChanged,
  type WebhookEventType,
} from './webhooks/index.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function waiter<T>() {
  let resolve!: (value: T) => void
  return { promise: new Promise<T>((r) => (resolve = r)), resolve }
}

describe('serve with the emulator', () => {
  it("places an order on the emulator's hosted checkout page; it reaches the projection and the merchant's handlers", async () => {
    const emulator = await startEmulator({ port: 0, webhookRetry: { attempts: 3, baseDelayMs: 20 } })
    cleanups.push(() => emulator.close())
    const db = openTestDb(tempDbPath())
    const client = createFlowClient({ organization: emulator.organization, apiKey: emulator.apiKey, baseUrl: emulator.url })
    const settings = await updateWebhookSettings(client, db)
    const seen = new Map<WebhookEventType, string>()
    const all = waiter<void>()
    const emailChange = waiter<CheckoutEmailChanged>()
    const expected: WebhookEventType[] = ['order_placed', 'card_authorization_upserted_v2', 'fraud_status_changed', 'capture_upserted_v2']
    const server: RunningServer = await startServer({
      db,
      client,
      webhookSecrets: () => storedWebhookSecrets(db, emulator.organization),
      checkoutUrl: emulator.url,
      allowedOrigins: ['http://shop.test'],
      resolveCart: () => ({ customer: { number: '42', email: 'before@example.com', name: { first: 'Ana', last: 'Silva' } }, attributes: { quote_id: 'q-1' } }),
      handlers: (on) => {
        for (const type of expected) {
          on(`${type}_after`, (_event, ctx) => {
            seen.set(type, ctx.order?.number ?? '')
            if (expected.every((t) => seen.has(t))) all.resolve()
          })
        }
        on('checkout_email_changed', (change) => emailChange.resolve(change))
      },
    })
    cleanups.push(() => server.close())
    const registered = await registerWebhooks(client, server.url)
    const again = await registerWebhooks(client, server.url)

    // The shopper's session, as the storefront would start it.
    const start = await fetch(`${server.url}/session/start?flow_country=CAN&return=/cart`, { redirect: 'manual' })
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const checkout = await fetch(`${server.url}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://shop.test', cookie },
      body: JSON.stringify({ items: [{ number: 'TEE-CLASSIC-BLA-M', quantity: 2, options: { size: 'M' } }] }),
    })
    const { url } = (await checkout.json()) as { url: string }

    // The hosted checkout page, then its form posted as a browser would (another e-mail typed in).
    const page = await (await fetch(url)).text()
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1] ?? ''
    const fields = new URLSearchParams()
    for (const [, name, value] of page.matchAll(/<input name="([^"]+)" type="[^"]+" value="([^"]*)"/g)) fields.set(name!, value!.replace(/&amp;/g, '&'))
    fields.set('email', 'after@example.com')
    const placed = await fetch(new URL(action.replace(/&amp;/g, '&'), emulator.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    })
    await all.promise
    const change = await emailChange.promise
    const number = seen.get('order_placed') ?? ''
    const order = getOrderProjection(server.store, number)
    expect({
      settings: settings.secret,
      registered: registered.map((r) => [r.event, r.action, r.url.replace(server.url, '')]),
      again: again.map((r) => r.action),
      session: [start.status, cookie.startsWith('_f60_session=')],
      checkout: [checkout.status, url.startsWith(`${emulator.url}/tokens/`)],
      placed: placed.status,
      handlers: expected.map((t) => seen.get(t) === number),
      order: {
        number: order?.number,
        status: order?.status,
        fraud: order?.fraud_status,
        payment: order?.payment_status,
        items: order?.items.map((i) => [i.number, i.quantity, i.attributes?.options]),
        email: order?.customer?.email,
        attributes: order?.attributes?.quote_id,
        captured: order?.captured?.amount === order?.total?.amount,
        currency: order?.total?.currency,
      },
      change,
    }).toEqual({
      settings: 'generated',
      registered: [
        ['order_placed', 'created', '/webhooks/order_placed'],
        ['capture_upserted_v2', 'created', '/webhooks/capture_upserted_v2'],
        ['card_authorization_upserted_v2', 'created', '/webhooks/card_authorization_upserted_v2'],
        ['online_authorization_upserted_v2', 'created', '/webhooks/online_authorization_upserted_v2'],
        ['fraud_status_changed', 'created', '/webhooks/fraud_status_changed'],
        ['label_upserted', 'created', '/webhooks/label_upserted'],
        ['refund_capture_upserted_v2', 'created', '/webhooks/refund_capture_upserted_v2'],
      ],
      again: Array(7).fill('unchanged'),
      session: [303, true],
      checkout: [200, true],
      placed: 200,
      handlers: [true, true, true, true],
      order: {
        number,
        status: 'captured',
        fraud: 'approved',
        payment: 'authorized',
        items: [['TEE-CLASSIC-BLA-M', 2, '{"size":"M"}']],
        email: 'after@example.com',
        attributes: 'q-1',
        captured: true,
        currency: 'CAD',
      },
      change: { order_number: number, customer_number: '42', previous_email: 'before@example.com', email: 'after@example.com' },
    })

    // A lost delivery: forget the capture event, then reconcile from Flow's delivery log.
    await emulator.webhooksIdle()
    const capture = db.prepare("SELECT event_id FROM webhook_events WHERE type = 'capture_upserted_v2'").pluck().get() as string
    db.prepare('DELETE FROM webhook_events WHERE event_id = ?').run(capture)
    db.prepare('DELETE FROM webhook_event_ids WHERE event_id = ?').run(capture)
    const report = await reconcileWebhooks({ client, store: server.store, since: new Date(Date.now() - 3_600_000), baseUrl: server.url })
    const refilled = getWebhookEvent(server.store, capture)
    expect({ report, refilled: [refilled?.source, refilled?.type] }).toEqual({
      report: { deliveries: 4, events: 4, missing: 1, stored: 1, redelivered: 0, ignored: 0, invalid: 0, failed: 0 },
      refilled: ['reconcile', 'capture_upserted_v2'],
    })
  }, 30_000)
  it('shipping and refunding a placed order move its projection to labelled, then refunded', async () => {
    const emulator = await startEmulator({ port: 0, webhookRetry: { attempts: 3, baseDelayMs: 20 } })
    cleanups.push(() => emulator.close())
    const db = openTestDb(tempDbPath())
    const client = createFlowClient({ organization: emulator.organization, apiKey: emulator.apiKey, baseUrl: emulator.url })
    await updateWebhookSettings(client, db)
    const arrived = new Map<string, ReturnType<typeof waiter<void>>>(
      ['capture_upserted_v2', 'label_upserted', 'refund_capture_upserted_v2'].map((type) => [type, waiter<void>()]),
    )
    const server = await startServer({
      db,
      client,
      webhookSecrets: () => storedWebhookSecrets(db, emulator.organization),
      handlers: (on) => {
        for (const [type, done] of arrived) on(`${type as WebhookEventType}_after`, () => done.resolve())
      },
    })
    cleanups.push(() => server.close())
    await registerWebhooks(client, server.url)

    const session = await client.createSession({ country: 'DE' })
    const token = await client.createCheckoutToken({ discriminator: 'checkout_token_order_form', session_id: session.id, order_form: { items: [{ number: 'MUG-ENAMEL', quantity: 1 }] } })
    await fetch(emulator.checkoutUrl(token.id), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%40example.com&first=Ana' })
    await arrived.get('capture_upserted_v2')!.promise
    const number = token.order.number
    const captured = getOrderProjection(server.store, number)?.status

    const shipped = await fetch(`${emulator.url}/_emulator/orders/${number}/labels`, { method: 'POST' })
    await arrived.get('label_upserted')!.promise
    const labelled = getOrderProjection(server.store, number)?.status

    await client.createRefund({ order_number: number, amount: 1, currency: 'EUR' }, { idempotencyKey: `refund-${number}` })
    await arrived.get('refund_capture_upserted_v2')!.promise
    const refunded = getOrderProjection(server.store, number)

    expect({ captured, shipped: shipped.status, labelled, refunded: refunded?.status, labels: Object.keys(refunded?.labels ?? {}).length }).toEqual({
      captured: 'captured',
      shipped: 201,
      labelled: 'labelled',
      refunded: 'refunded',
      labels: 1,
    })
  })
})
