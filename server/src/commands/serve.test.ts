import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeCapture, makeOrderPlaced, ORDER, signed } from '../../test/webhook-fixtures.js'
import { startEmulator, type RunningEmulator } from '../emulator/index.js'
import { openDb } from '../store/sqlite.js'
import { createWebhookStore, parseEnvelope } from '../webhooks/index.js'
import { ADAPTER_MIGRATIONS, type CommandIo } from './shared.js'
import { serveCommands } from './serve.js'
import { parseSince, webhookCommands } from './webhooks.js'

let emulator: RunningEmulator
let work: string
let env: Record<string, string>

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
  work = mkdtempSync(join(tmpdir(), 'fss-webhook-cli-'))
  env = { FLOW_ORGANIZATION: emulator.organization, FLOW_API_KEY: emulator.apiKey, FLOW_API_URL: emulator.url, FLOW_DB_PATH: join(work, 'adapter.db') }
})
afterAll(async () => {
  await emulator.close()
})

function io(extraEnv: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  let stop!: (signal: string) => void
  const stopped = new Promise<string>((resolve) => (stop = resolve))
  let firstLine!: (line: string) => void
  const ready = new Promise<string>((resolve) => (firstLine = resolve))
  const value: CommandIo = {
    out: (line) => {
      if (out.length === 0) firstLine(line)
      out.push(line)
    },
    err: (line) => void err.push(line),
    stopSignal: () => stopped,
    env: { ...env, ...extraEnv },
    cwd: work,
  }
  return { io: value, out, err, stop, ready }
}

const command = (name: string) => [...webhookCommands, ...serveCommands].find((c) => c.name === name)!

function ingest(payload: Record<string, unknown>) {
  const db = openDb(env.FLOW_DB_PATH!, ADAPTER_MIGRATIONS)
  const raw = JSON.stringify(payload)
  const parsed = parseEnvelope(Buffer.from(raw))
  if (!parsed.ok) throw new Error(parsed.problem)
  createWebhookStore(db).ingest([{ envelope: parsed.envelope, raw, source: 'webhook' }])
  db.close()
}

describe('serve', () => {
  it('refuses to start without a webhook secret (exit 2, nothing listening)', async () => {
    const t = io()
    const code = await command('serve').run(['--port', '0', '--no-schedule'], t.io)
    expect({ code, out: t.out, err: t.err.join('\n').includes('no webhook secret') }).toEqual({ code: 2, out: [], err: true })
  })

  it('prints {"url"} when ready with --json, serves, and stops gracefully on the stop signal', async () => {
    const t = io({ FLOW_WEBHOOK_SECRET: 'cli-secret-0123456789' })
    const running = command('serve').run(['--port', '0', '--json', '--no-schedule', '--prices-dir', work], t.io)
    const { url } = JSON.parse(await t.ready) as { url: string }
    const health = await fetch(`${url}/healthz`)
    const { body, signature } = signed(makeOrderPlaced({ eventId: 'evt-cli' }), 'cli-secret-0123456789')
    const webhook = await fetch(`${url}/webhooks/order_placed`, { method: 'POST', body, headers: { 'x-flow-signature': signature } })
    t.stop('SIGTERM')
    const code = await running
    const logs = t.err.map((line) => JSON.parse(line) as { msg: string })
    expect({
      ready: /^http:\/\/127\.0\.0\.1:\d+$/.test(url),
      health: health.status,
      webhook: webhook.status,
      code,
      out: t.out.length,
      logs: ['serve.listening', 'webhook.stored', 'serve.stopping', 'serve.stopped'].every((m) => logs.some((l) => l.msg === m)),
      secretLogged: t.err.some((l) => l.includes('cli-secret-0123456789')),
    }).toEqual({ ready: true, health: 200, webhook: 200, code: 0, out: 1, logs: true, secretLogged: false })
  })
})

describe('webhook commands', () => {
  it('processes with a handlers module, shows the order, requeues dead events', async () => {
    ingest(makeOrderPlaced())
    const broken = makeCapture({ eventId: 'evt-broken' })
    delete (broken.capture as Record<string, unknown>).id
    ingest(broken)
    const handlers = join(work, 'handlers.mjs')
    writeFileSync(handlers, `export default (on) => on('order_placed', (event) => { globalThis.__seen = event.order.number })\n`)
    const processed = io()
    const processCode = await command('webhook-event-process').run(['--json', '--handlers', handlers], processed.io)
    const shown = io()
    await command('webhook-orders').run(['--number', ORDER, '--json'], shown.io)
    const listed = io()
    await command('webhook-orders').run([], listed.io)
    const requeued = io()
    await command('webhook-requeue').run(['--event-id', 'evt-broken', '--json'], requeued.io)
    expect({
      processCode,
      processed: JSON.parse(processed.out[0]!).dead,
      seen: (globalThis as { __seen?: string }).__seen,
      shown: (JSON.parse(shown.out[0]!) as { order: { number: string; status: string } }).order.status,
      listed: listed.out.some((l) => l.startsWith(ORDER)),
      requeued: JSON.parse(requeued.out[0]!),
    }).toEqual({ processCode: 1, processed: 1, seen: ORDER, shown: 'placed', listed: true, requeued: { ok: true, requeued: 1 } })
  })

  it('reconciles since a duration or a date, and refuses anything else', async () => {
    const t = io()
    const code = await command('webhook-reconcile').run(['--since', '2h', '--json'], t.io)
    const bad = io()
    const badCode = await command('webhook-reconcile').run(['--since', 'yesterday'], bad.io)
    const now = Date.parse('2024-05-01T12:00:00Z')
    expect({
      code,
      report: JSON.parse(t.out[0]!).ok,
      badCode,
      parsed: [parseSince('90m', now).toISOString(), parseSince('2d', now).toISOString(), parseSince('2024-04-30T00:00:00Z', now).toISOString()],
    }).toEqual({ code: 0, report: true, badCode: 2, parsed: ['2024-05-01T10:30:00.000Z', '2024-04-29T12:00:00.000Z', '2024-04-30T00:00:00.000Z'] })
  })
})
