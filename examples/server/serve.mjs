#!/usr/bin/env node
// The adapter mounted from code instead of `flow-storefront-server serve`: webhooks, checkout,
// session start and the worker, with one merchant handler. Against the emulator by default:
//   node examples/server/serve.mjs   (FLOW_API_URL, FLOW_API_KEY, FLOW_ORGANIZATION to use Flow)
import { createFlowClient, openDb, startEmulator, startServer, WEBHOOK_MIGRATIONS } from 'flow-storefront-server'

const emulator = process.env.FLOW_API_URL ? undefined : await startEmulator({ port: 0 })
const organization = process.env.FLOW_ORGANIZATION ?? 'demo'
const client = createFlowClient({
  organization,
  apiKey: process.env.FLOW_API_KEY ?? emulator.apiKey,
  baseUrl: process.env.FLOW_API_URL ?? emulator.url,
})
const db = openDb(process.env.FLOW_DB_PATH ?? ':memory:', WEBHOOK_MIGRATIONS)
const secret = process.env.FLOW_WEBHOOK_SECRET ?? 'demo-webhook-secret'

const server = await startServer({
  db,
  client,
  webhookSecrets: [secret],
  port: Number(process.env.PORT ?? 0),
  allowedOrigins: ['http://127.0.0.1:8080'],
  checkoutUrl: process.env.FLOW_CHECKOUT_URL ?? emulator?.url ?? 'https://checkout.flow.io',
  handlers: (on) => {
    on('order_placed', (event, ctx) => console.log(`order ${event.order.number} placed (idempotency key ${ctx.idempotencyKey})`))
  },
})
console.log(`adapter: ${server.url} (webhooks at ${server.url}/webhooks/{event_type})`)
if (emulator) {
  // Point the emulator's webhooks at this adapter, signed with the secret above.
  await client.putWebhookSettings({ secret })
  for (const event of ['order_placed', 'card_authorization_upserted_v2', 'fraud_status_changed', 'capture_upserted_v2']) {
    await client.createWebhook({ url: `${server.url}/webhooks/${event}`, events: [event] })
  }
  console.log(`emulator: ${emulator.url}`)
}
const stop = async () => {
  await server.close()
  await emulator?.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
