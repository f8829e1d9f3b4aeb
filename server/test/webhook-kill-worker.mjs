// The worker process of the kill -9 test (server/src/webhooks/kill.test.ts): processes webhook
// events from the database file until it is killed. Its handler records an effect keyed by the
// idempotency key (applied once however often it runs), every run, and a violation when it runs
// for an event that is already done (a stale worker's result accepted, or a finished event
// processed again). Usage: node webhook-kill-worker.mjs <transpiled src> <db> <lease ms>
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'

const [root, path, leaseMs] = process.argv.slice(2)
const load = (file) => import(pathToFileURL(join(root, file)).href)
const { openDb } = await load('store/sqlite.js')
const { WEBHOOK_EVENT_TYPES, WEBHOOK_MIGRATIONS, createWebhookProcessor, createWebhookStore } = await load('webhooks/index.js')

const db = openDb(path, WEBHOOK_MIGRATIONS)
const store = createWebhookStore(db)
const processor = createWebhookProcessor({ store, leaseMs: Number(leaseMs), backoff: { baseMs: 20, maxMs: 100 }, workerId: `pid-${process.pid}` })
const effect = db.prepare('INSERT INTO test_effects (idempotency_key, order_status) VALUES (?, ?) ON CONFLICT (idempotency_key) DO NOTHING')
const run = db.prepare('INSERT INTO test_runs (idempotency_key, pid) VALUES (?, ?)')
const statusOf = db.prepare('SELECT status FROM webhook_events WHERE event_id = ?').pluck()
const violation = db.prepare('INSERT INTO test_violations (event_id, what) VALUES (?, ?)')

for (const type of WEBHOOK_EVENT_TYPES) {
  processor.on(type, async (_event, ctx) => {
    if (statusOf.get(ctx.eventId) === 'done') violation.run(ctx.eventId, 'handler ran for a done event')
    run.run(ctx.idempotencyKey, process.pid)
    // Give the kill a chance to land between the effect and the completion.
    await delay(Math.floor(Math.random() * 4))
    effect.run(ctx.idempotencyKey, ctx.order?.status ?? null)
    await delay(Math.floor(Math.random() * 3))
  })
}

processor.start({ concurrency: 2, pollMs: 10 })
process.stdout.write('ready\n')
