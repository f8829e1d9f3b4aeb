// kill -9 at random points loses nothing that was acknowledged: events flow into a receiver while
// a worker process is SIGKILLed 20 times (each kill after the database shows it made progress,
// plus a random few milliseconds); a last worker then finishes. Every acknowledged event must be
// done, its handler effect applied exactly once, no handler may run for an event already done,
// and every order's projection must equal the one a clean, unkilled run produces.
import { spawn, type ChildProcess } from 'node:child_process'
import { Agent } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import {
  makeCapture,
  makeCardAuthorization,
  makeFraudStatusChanged,
  makeLabel,
  makeOrderPlaced,
  signed,
} from '../../test/webhook-fixtures.js'
import { transpileServer } from '../../test/support/transpile.js'
import { makeStore, openTestDb, postRaw, startReceiverServer, tempDbPath } from '../../test/webhook-harness.js'
import { parseEnvelope } from './envelope.js'
import { createWebhookProcessor } from './processor.js'
import { createWebhookStore, getOrderProjection } from './store.js'

const worker = fileURLToPath(new URL('../../test/webhook-kill-worker.mjs', import.meta.url))
// The worker runs the package's code without a build: transpiled once (cached by content).
const root = transpileServer(['webhooks', 'store', 'http'], ['log.ts'])
const children = new Set<ChildProcess>()
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

function startWorker(path: string): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [worker, root, path, '300'], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let err = ''
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()))
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => (children.delete(child), resolve(signal))))
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) resolve({ child, exited, stderr: () => err })
    })
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${err}`)))
  })
}

/** Polls the database until `condition` holds (the worker's progress is only visible there). */
async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(5)
  }
}

function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('kill -9', () => {
  it('20 SIGKILLs of the worker while events flow: every acknowledged event processed exactly once', async () => {
    const rand = random(20240501)
    const orders = Array.from({ length: 40 }, (_, i) => `ord-kill-${String(i).padStart(3, '0')}`)
    const events = orders.flatMap((number, i) => {
      const authorization = `aut-kill-${i}`
      return [
        makeOrderPlaced({ eventId: `evt-${i}-placed`, number, authorization }),
        makeCardAuthorization({ eventId: `evt-${i}-auth`, id: authorization, order: number }),
        makeFraudStatusChanged({ eventId: `evt-${i}-fraud`, order: number }),
        makeCapture({ eventId: `evt-${i}-capture`, id: `cap-kill-${i}`, authorization, order: null }),
        makeLabel({ eventId: `evt-${i}-label`, id: `lab-kill-${i}`, order: number }),
      ]
    })
    const deliveries = [...events, ...events.filter(() => rand() < 0.3)].map((payload) => ({ eventId: payload.event_id as string, ...signed(payload) }))
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!]
    }

    const path = tempDbPath()
    const db = openTestDb(path)
    db.exec(`CREATE TABLE test_effects (idempotency_key TEXT PRIMARY KEY, order_status TEXT);
             CREATE TABLE test_runs (id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL, pid INTEGER NOT NULL);
             CREATE TABLE test_violations (event_id TEXT NOT NULL, what TEXT NOT NULL);`)
    // The receiver as serve runs it: commits in a writer thread, acknowledges after the commit.
    const ingestStore = createWebhookStore(db, { writerThread: true })
    const receiver = await startReceiverServer({ store: ingestStore })
    const agent = new Agent({ keepAlive: true, maxSockets: 4 })
    const acked = new Set<string>()
    const send = async (chunk: typeof deliveries) => {
      await Promise.all(
        chunk.map(async (d) => {
          const answer = await postRaw(`${receiver.url}/webhooks/x`, d.body, { 'x-flow-signature': d.signature }, agent)
          if (answer.status === 200) acked.add(d.eventId)
        }),
      )
    }
    const done = () => db.prepare("SELECT count(*) FROM webhook_events WHERE status = 'done'").pluck().get() as number

    const kills = 20
    const chunkSize = Math.ceil(deliveries.length / kills)
    let killed = 0
    for (let round = 0; round < kills; round++) {
      const worker = await startWorker(path)
      const before = done()
      const sending = send(deliveries.slice(round * chunkSize, (round + 1) * chunkSize))
      await until(() => done() > before, 10_000, `progress in round ${round}`)
      await delay(Math.floor(rand() * 25))
      worker.child.kill('SIGKILL')
      const signal = await worker.exited
      if (signal === 'SIGKILL') killed += 1
      else throw new Error(`worker ended by itself (${signal}): ${worker.stderr()}`)
      await sending
    }
    const last = await startWorker(path)
    const pendingOf = (ids: Set<string>) => {
      const rows = db.prepare("SELECT event_id FROM webhook_events WHERE status = 'done'").pluck().all() as string[]
      const finished = new Set(rows)
      return [...ids].filter((id) => !finished.has(id))
    }
    await until(() => pendingOf(acked).length === 0, 20_000, 'the last worker to finish every acknowledged event')
    last.child.kill('SIGTERM')
    await last.exited
    agent.destroy()
    await receiver.close()
    await ingestStore.close()

    // The reference: the same events, in order, processed once without any crash.
    const reference = makeStore()
    reference.store.ingest(
      events.map((payload) => {
        const raw = JSON.stringify(payload)
        const parsed = parseEnvelope(Buffer.from(raw))
        if (!parsed.ok) throw new Error(parsed.problem)
        return { envelope: parsed.envelope, raw, source: 'webhook' as const }
      }),
    )
    await createWebhookProcessor({ store: reference.store }).drain()
    const store = createWebhookStore(db)
    const differing = orders.filter((n) => JSON.stringify(getOrderProjection(store, n)) !== JSON.stringify(getOrderProjection(reference.store, n)))

    const effects = db.prepare('SELECT idempotency_key FROM test_effects ORDER BY 1').pluck().all() as string[]
    const runs = db.prepare('SELECT count(*) FROM test_runs').pluck().get() as number
    const statuses = db.prepare('SELECT status, count(*) AS n FROM webhook_events GROUP BY status').all()
    expect({
      killed,
      acked: acked.size,
      statuses,
      effects,
      violations: db.prepare('SELECT * FROM test_violations').all(),
      differing,
      atLeastOnce: runs >= effects.length,
    }).toEqual({
      killed: 20,
      acked: events.length,
      statuses: [{ status: 'done', n: events.length }],
      effects: [...acked].sort(),
      violations: [],
      differing: [],
      atLeastOnce: true,
    })
    console.log(`kill -9: ${killed} kills, ${acked.size} events acknowledged and processed once, ${runs - effects.length} handler re-runs after kills`)
  }, 60_000)
})
