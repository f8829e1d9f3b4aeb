// Test helpers for the webhook feature: a store in a temporary SQLite file, a receiver mounted on
// a node:http server on 127.0.0.1, a captured logger, and raw HTTP posts.
import { mkdtempSync } from 'node:fs'
import { createServer, request, type Agent, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../src/log.js'
import { SETTINGS_MIGRATIONS } from '../src/store/settings.js'
import { openDb, type Db } from '../src/store/sqlite.js'
import { createWebhookReceiver, type WebhookReceiverOptions } from '../src/webhooks/receiver.js'
import { createWebhookStore, WEBHOOK_MIGRATIONS, type WebhookStore } from '../src/webhooks/store.js'
import { TEST_SECRET } from './webhook-fixtures.js'

export function tempDbPath(name = 'flow.db'): string {
  return join(mkdtempSync(join(tmpdir(), 'fs-webhooks-')), name)
}

export function openTestDb(path = ':memory:'): Db {
  return openDb(path, [...WEBHOOK_MIGRATIONS, ...SETTINGS_MIGRATIONS])
}

/** A store over a fresh database; `clock.now` can be moved by the test. */
export function makeStore(path = ':memory:'): { db: Db; store: WebhookStore; clock: { now: number } } {
  const db = openTestDb(path)
  const clock = { now: Date.parse('2024-05-01T10:10:00.000Z') }
  return { db, store: createWebhookStore(db, { now: () => clock.now }), clock }
}

/** A logger that keeps every line it is given, serialized as the JSON logger would. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const log = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => void lines.push(JSON.stringify({ level, msg, ...fields }))
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}

export type TestReceiverServer = { url: string; server: Server; close(): Promise<void> }

/** Mounts a receiver's node handler on `/webhooks/*` of a server on 127.0.0.1. */
export async function startReceiverServer(options: Partial<WebhookReceiverOptions> & { store: WebhookStore }): Promise<TestReceiverServer> {
  const receiver = createWebhookReceiver({ secrets: [TEST_SECRET], ...options })
  const server = createServer((req, res) => void receiver.handleNode(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type RawResponse = { status: number; headers: IncomingHttpHeaders; body: string }

/** POSTs raw bytes with the given headers (no header is added except content-length). */
export function postRaw(url: string, body: Uint8Array | string, headers: Record<string, string | string[]> = {}, agent?: Agent): Promise<RawResponse> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-length': String(bytes.byteLength), ...headers }, ...(agent ? { agent } : {}) }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(bytes)
  })
}

/** Row counts of the webhook tables. */
export function tableCounts(db: Db): { events: number; ids: number; quarantine: number } {
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number
  return { events: count('webhook_events'), ids: count('webhook_event_ids'), quarantine: count('webhook_quarantine') }
}
