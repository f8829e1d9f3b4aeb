// `serve` (the library's startServer) in its own process, for the test that SIGKILLs it while the
// emulator delivers webhooks. Usage: node serve-child.mjs <transpiled src> <db> <api url> <organization> <api key> <port>
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [root, dbPath, baseUrl, organization, apiKey, port] = process.argv.slice(2)
const load = (file) => import(pathToFileURL(join(root, file)).href)
const { openDb } = await load('store/sqlite.js')
const { SETTINGS_MIGRATIONS } = await load('store/settings.js')
const { createFlowClient } = await load('client/index.js')
const { WEBHOOK_MIGRATIONS, storedWebhookSecrets } = await load('webhooks/index.js')
const { startServer } = await load('serve.js')

const db = openDb(dbPath, [...WEBHOOK_MIGRATIONS, ...SETTINGS_MIGRATIONS])
const client = createFlowClient({ organization, apiKey, baseUrl })
const running = await startServer({
  db,
  client,
  port: Number(port),
  webhookSecrets: () => storedWebhookSecrets(db, organization),
  checkoutUrl: baseUrl,
  workerConcurrency: 2,
  // A short lease, so the event the killed process held is rescued in a second, not thirty.
  processor: { leaseMs: 1000 },
})
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`)
