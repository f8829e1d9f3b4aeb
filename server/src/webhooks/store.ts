// The durable webhook event store (SQLite): the events with their processing state, the event
// ids kept for deduplication, the quarantine of bodies that could not be read, the
// authorization → order index, and the order projection. Writes run in `BEGIN IMMEDIATE`
// transactions on a database opened with WAL, `busy_timeout` and `synchronous=FULL`, so a
// committed row survives `kill -9` and power loss.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { immediate, type Db, type Migration } from '../store/sqlite.js'
import { eventSubject, InvalidEventError, isObject, parseJson, type Envelope } from './envelope.js'
import { isWebhookEventType, type WebhookEventType } from './events.js'
import type { OrderProjection } from './projection.js'

/** The tables of the webhook feature. */
export const WEBHOOK_MIGRATIONS: Migration[] = [
  {
    feature: 'webhooks',
    version: 1,
    sql: `
-- Ids of events that cleanup removed, kept 30 days from their arrival: a replay is still a duplicate.
CREATE TABLE webhook_event_ids (
  event_id TEXT PRIMARY KEY,
  first_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX webhook_event_ids_seen ON webhook_event_ids (first_seen_at);

CREATE TABLE webhook_events (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  organization TEXT,
  event_timestamp TEXT,
  source TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'parked', 'done', 'dead', 'ignored')),
  order_key TEXT,
  parked_on TEXT,
  stage INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  parked_at INTEGER,
  alerted_at INTEGER,
  last_error TEXT,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  done_at INTEGER
);
CREATE INDEX webhook_events_due ON webhook_events (status, run_at, id);
CREATE INDEX webhook_events_order ON webhook_events (order_key, status);
CREATE INDEX webhook_events_parked ON webhook_events (parked_on) WHERE status = 'parked';

CREATE TABLE webhook_quarantine (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  path TEXT,
  size INTEGER NOT NULL,
  body BLOB NOT NULL
);

CREATE TABLE webhook_authorizations (
  authorization_key TEXT PRIMARY KEY,
  order_number TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE webhook_orders (
  order_number TEXT PRIMARY KEY,
  organization TEXT,
  status TEXT NOT NULL,
  payment_status TEXT,
  fraud_status TEXT,
  currency TEXT,
  total REAL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE webhook_checkout_customers (
  order_number TEXT PRIMARY KEY,
  customer_number TEXT,
  email TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`,
  },
]

/** Where an event stands. */
export type WebhookEventStatus = 'pending' | 'running' | 'parked' | 'done' | 'dead' | 'ignored'

/** An event row as the processor and the commands read it. */
export type WebhookEventRow = {
  id: number
  event_id: string
  type: string
  organization: string | null
  event_timestamp: string | null
  source: string
  payload: string
  status: WebhookEventStatus
  order_key: string | null
  parked_on: string | null
  stage: number
  attempts: number
  run_at: number
  lease_owner: string | null
  lease_until: number | null
  parked_at: number | null
  alerted_at: number | null
  last_error: string | null
  received_at: number
  updated_at: number
  done_at: number | null
}

/** How an event reached the store. */
export type EventSource = 'webhook' | 'reconcile'

/** What `ingest` did with one event. */
export type IngestOutcome = 'stored' | 'duplicate' | 'ignored'

/** An event to store: its envelope, the exact body received, and how it came. */
export type IngestInput = { envelope: Envelope; raw: string; source: EventSource }

/**
 * The store over one database. `now` is a port so tests can move time.
 *
 * @example
 * const store = createWebhookStore(openDb('flow.db', WEBHOOK_MIGRATIONS))
 */
export type WebhookStore = {
  readonly db: Db
  now(): number
  /** Stores envelopes in one transaction; an event id seen before is a `duplicate` (not an error). */
  ingest(events: readonly IngestInput[]): IngestOutcome[]
  /**
   * The same, committed by a writer thread with its own connection (with `writerThread`, for a
   * database file), so the fsync does not stall the HTTP server. Absent otherwise.
   */
  ingestAsync?: (events: readonly IngestInput[]) => Promise<IngestOutcome[]>
  /** Keeps an unreadable body aside for inspection. */
  quarantine(entry: { reason: string; body: Uint8Array; path?: string | undefined }): void
  /** Stops the writer thread (if any) once its work is committed. The database stays open. */
  close(): Promise<void>
}

/** One event as the insert statement takes it (computed from the envelope, no database needed). */
type IngestRecord = {
  event_id: string
  type: string
  organization: string | null
  event_timestamp: string | null
  source: EventSource
  payload: string
  known: 0 | 1
  order_number: string | null
  /** JSON array of the authorization keys to look the order up by (sorted). */
  authorization_keys: string
}

// The two statements of an ingest, shared by the inline path and the writer thread: the id of an
// event cleanup already removed is a duplicate; otherwise the unique `event_id` decides. The order
// key is resolved in SQL: the order number when the event names it, else the order an earlier
// event linked one of its authorizations to, else the first authorization.
const REMOVED_SQL = 'SELECT 1 FROM webhook_event_ids WHERE event_id = ?'
const INSERT_SQL = `INSERT OR IGNORE INTO webhook_events (event_id, type, organization, event_timestamp, source, payload, status, order_key, run_at, received_at, updated_at, done_at)
  VALUES (@event_id, @type, @organization, @event_timestamp, @source, @payload,
    CASE WHEN @known = 1 THEN 'pending' ELSE 'ignored' END,
    CASE
      WHEN @known = 0 THEN NULL
      WHEN @order_number IS NOT NULL THEN 'order:' || @order_number
      ELSE COALESCE(
        (SELECT 'order:' || a.order_number FROM webhook_authorizations a, json_each(@authorization_keys) k WHERE a.authorization_key = k.value ORDER BY k.key LIMIT 1),
        (SELECT 'authorization:' || k.value FROM json_each(@authorization_keys) k ORDER BY k.key LIMIT 1))
    END,
    @now, @now, @now, CASE WHEN @known = 1 THEN NULL ELSE @now END)`

function toRecord({ envelope, raw, source }: IngestInput): IngestRecord {
  const known = isWebhookEventType(envelope.type)
  let orderNumber: string | null = null
  let keys: string[] = []
  if (known) {
    try {
      const subject = eventSubject(envelope.type as WebhookEventType, envelope.payload)
      orderNumber = subject.orderNumber ?? null
      keys = subject.authorizationKeys
    } catch (error) {
      // Unprocessable payloads are still stored (and acknowledged) without an order key: the
      // processor sends them to the dead letters with the reason, where they can be inspected.
      if (!(error instanceof InvalidEventError)) throw error
    }
  }
  return {
    event_id: envelope.eventId,
    type: envelope.type,
    organization: envelope.organization ?? null,
    event_timestamp: envelope.timestamp ?? null,
    source,
    payload: raw,
    known: known ? 1 : 0,
    order_number: orderNumber,
    authorization_keys: JSON.stringify(keys),
  }
}

// The writer thread. It runs plain JavaScript (an `eval` worker, so it needs no build step and
// works from the TypeScript sources in tests too) with the statements above, and loads the same
// better-sqlite3 the package uses. Keep its loop the same as `writeRecords` below.
const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.sqlite)
const db = new Database(workerData.path)
db.pragma('journal_mode = WAL')
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs)
db.pragma('synchronous = FULL')
const removed = db.prepare(workerData.removed)
const insert = db.prepare(workerData.insert)
const write = db.transaction((records, at) => records.map((r) => {
  if (removed.get(r.event_id) !== undefined) return 'duplicate'
  if (insert.run({ ...r, now: at }).changes === 0) return 'duplicate'
  return r.known === 1 ? 'stored' : 'ignored'
}))
// Group commit in the writer: every request that arrived while the previous transaction was
// being written (its fsync included) goes into the next one.
let queue = []
let scheduled = false
const flush = () => {
  scheduled = false
  const batch = queue
  queue = []
  const records = batch.flatMap((message) => message.records)
  let outcomes
  try {
    outcomes = write.immediate(records, batch[batch.length - 1].at)
  } catch (error) {
    for (const message of batch) parentPort.postMessage({ id: message.id, error: String((error && error.message) || error) })
    return
  }
  let offset = 0
  for (const message of batch) {
    parentPort.postMessage({ id: message.id, outcomes: outcomes.slice(offset, offset + message.records.length) })
    offset += message.records.length
  }
}
parentPort.on('message', (message) => {
  if (message === 'close') { if (queue.length > 0) flush(); db.close(); parentPort.close(); return }
  queue.push(message)
  if (!scheduled) { scheduled = true; setImmediate(flush) }
})
`

/**
 * Creates the SQLite webhook store. The database must have `WEBHOOK_MIGRATIONS` applied. With
 * `writerThread` (and a database file), `ingestAsync` commits in a writer thread.
 *
 * @example
 * const db = openDb('flow.db', [...WEBHOOK_MIGRATIONS, ...SETTINGS_MIGRATIONS])
 * const store = createWebhookStore(db)
 * store.ingest([{ envelope, raw, source: 'webhook' }]) // ['stored']
 */
export function createWebhookStore(db: Db, options: { now?: () => number; writerThread?: boolean } = {}): WebhookStore {
  const now = options.now ?? Date.now
  const removed = db.prepare(REMOVED_SQL)
  const insert = db.prepare(INSERT_SQL)
  const keep = db.prepare('INSERT INTO webhook_quarantine (received_at, reason, path, size, body) VALUES (?, ?, ?, ?, ?)')
  const writeRecords = (records: IngestRecord[], at: number): IngestOutcome[] =>
    records.map((r) => {
      if (removed.get(r.event_id) !== undefined) return 'duplicate'
      // The unique event_id: a second delivery of a stored event changes nothing.
      if (insert.run({ ...r, now: at }).changes === 0) return 'duplicate'
      return r.known === 1 ? 'stored' : 'ignored'
    })
  const writer = options.writerThread && !db.memory ? createWriterThread(db.name, Number(db.pragma('busy_timeout', { simple: true }))) : undefined
  return {
    db,
    now,
    ingest: (events) => {
      const records = events.map(toRecord)
      return immediate(db, () => writeRecords(records, now()))
    },
    ...(writer === undefined ? {} : { ingestAsync: (events: readonly IngestInput[]) => writer.write(events.map(toRecord), now()) }),
    quarantine(entry) {
      keep.run(now(), entry.reason, entry.path ?? null, entry.body.byteLength, Buffer.from(entry.body.buffer, entry.body.byteOffset, entry.body.byteLength))
    },
    close: async () => writer?.close(),
  }
}

function createWriterThread(path: string, busyTimeoutMs: number): { write(records: IngestRecord[], at: number): Promise<IngestOutcome[]>; close(): Promise<void> } {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3')
  let worker: Worker | undefined
  let nextId = 0
  const pending = new Map<number, { resolve: (o: IngestOutcome[]) => void; reject: (e: Error) => void }>()
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error)
    pending.clear()
    worker = undefined
  }
  const start = (): Worker => {
    const w = new Worker(WRITER_SOURCE, { eval: true, workerData: { path, sqlite, busyTimeoutMs, removed: REMOVED_SQL, insert: INSERT_SQL } })
    w.unref()
    w.on('message', (message: { id: number; outcomes?: IngestOutcome[]; error?: string }) => {
      const p = pending.get(message.id)
      pending.delete(message.id)
      if (pending.size === 0) w.unref()
      if (message.error !== undefined) p?.reject(new Error(message.error))
      else p?.resolve(message.outcomes ?? [])
    })
    // A writer that dies (or cannot open the file) fails what it held; the next write starts a new one.
    w.on('error', (error) => failAll(error instanceof Error ? error : new Error(String(error))))
    w.on('exit', (code) => {
      if (worker === w) failAll(new Error(`the webhook writer thread stopped (exit code ${code})`))
    })
    return w
  }
  // Started now, so the first webhook does not wait for the thread to boot.
  worker = start()
  return {
    write(records, at) {
      worker ??= start()
      const w = worker
      const id = nextId++
      w.ref()
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        w.postMessage({ id, records, at })
      })
    },
    async close() {
      const w = worker
      if (w === undefined) return
      worker = undefined
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
      // Keep the process alive until the writer has closed its connection.
      w.ref()
      w.postMessage('close')
      await exited
      failAll(new Error('the webhook writer thread was closed'))
    },
  }
}

/**
 * The projection of one order, or undefined when its `order_placed` has not been processed.
 *
 * @example
 * getOrderProjection(store, 'ord-1')?.status // 'captured'
 */
export function getOrderProjection(store: Pick<WebhookStore, 'db'>, orderNumber: string): OrderProjection | undefined {
  const data = store.db.prepare<[string], string>('SELECT data FROM webhook_orders WHERE order_number = ?').pluck().get(orderNumber)
  return data === undefined ? undefined : (JSON.parse(data) as OrderProjection)
}

/**
 * Order projections, most recently updated first.
 *
 * @example
 * listOrderProjections(store, { limit: 20, status: 'placed' })
 */
export function listOrderProjections(store: Pick<WebhookStore, 'db'>, options: { limit?: number; status?: string } = {}): OrderProjection[] {
  const limit = Math.max(1, Math.min(1000, options.limit ?? 100))
  const rows =
    options.status === undefined
      ? store.db.prepare<[number], string>('SELECT data FROM webhook_orders ORDER BY updated_at DESC, order_number LIMIT ?').pluck().all(limit)
      : store.db.prepare<[string, number], string>('SELECT data FROM webhook_orders WHERE status = ? ORDER BY updated_at DESC, order_number LIMIT ?').pluck().all(options.status, limit)
  return rows.map((data) => JSON.parse(data) as OrderProjection)
}

/**
 * One event row by Flow's event id.
 *
 * @example
 * getWebhookEvent(store, 'evt-1')?.status // 'done'
 */
export function getWebhookEvent(store: Pick<WebhookStore, 'db'>, eventId: string): WebhookEventRow | undefined {
  return store.db.prepare<[string], WebhookEventRow>('SELECT * FROM webhook_events WHERE event_id = ?').get(eventId)
}

/**
 * Event counts by status (every status present, zero when none).
 *
 * @example
 * countWebhookEvents(store) // { pending: 0, running: 0, parked: 1, done: 12, dead: 0, ignored: 2 }
 */
export function countWebhookEvents(store: Pick<WebhookStore, 'db'>): Record<WebhookEventStatus, number> {
  const counts: Record<WebhookEventStatus, number> = { pending: 0, running: 0, parked: 0, done: 0, dead: 0, ignored: 0 }
  for (const row of store.db.prepare<[], { status: WebhookEventStatus; n: number }>('SELECT status, count(*) AS n FROM webhook_events GROUP BY status').all()) {
    counts[row.status] = row.n
  }
  return counts
}

/**
 * Remembers the e-mail address the store gave Flow for the customer of a checkout (so
 * `checkout_email_changed` can fire when the placed order carries another).
 *
 * @example
 * recordCheckoutCustomer(store, { orderNumber: 'ord-1', customerNumber: '42', email: 'a@example.com' })
 */
export function recordCheckoutCustomer(store: Pick<WebhookStore, 'db' | 'now'>, entry: { orderNumber: string; customerNumber?: string | undefined; email: string }): void {
  store.db
    .prepare(
      'INSERT INTO webhook_checkout_customers (order_number, customer_number, email, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (order_number) DO UPDATE SET customer_number = excluded.customer_number, email = excluded.email',
    )
    .run(entry.orderNumber, entry.customerNumber ?? null, entry.email, store.now())
}

/**
 * Moves dead events back to the queue (the connector's admin "requeue"): all of them, or those
 * with the given event ids. Returns how many were requeued.
 *
 * @example
 * requeueDeadEvents(store, { eventIds: ['evt-1'] }) // 1
 */
export function requeueDeadEvents(store: Pick<WebhookStore, 'db' | 'now'>, options: { eventIds?: readonly string[] } = {}): number {
  const at = store.now()
  const sql = "UPDATE webhook_events SET status = 'pending', attempts = 0, run_at = ?, updated_at = ?, last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE status = 'dead'"
  return immediate(store.db, () => {
    if (options.eventIds === undefined) return store.db.prepare(sql).run(at, at).changes
    const one = store.db.prepare(`${sql} AND event_id = ?`)
    return options.eventIds.reduce((n, id) => n + one.run(at, at, id).changes, 0)
  })
}

/**
 * The event ids the store has seen (for reconciliation): true when `eventId` is known.
 *
 * @example
 * hasSeenEvent(store, 'evt-1') // true
 */
export function hasSeenEvent(store: Pick<WebhookStore, 'db'>, eventId: string): boolean {
  return (
    store.db
      .prepare<[string, string], number>('SELECT 1 FROM webhook_events WHERE event_id = ? UNION ALL SELECT 1 FROM webhook_event_ids WHERE event_id = ?')
      .pluck()
      .get(eventId, eventId) !== undefined
  )
}

/** Reads an object field of a stored payload (for commands that summarise events). */
export function payloadObject(row: Pick<WebhookEventRow, 'payload'>): Record<string, unknown> {
  try {
    const value = parseJson(row.payload)
    return isObject(value) ? value : {}
  } catch {
    return {}
  }
}
