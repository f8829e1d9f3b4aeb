// Webhook receiver throughput: verified webhooks stored per second with durable SQLite writes
// (WAL, synchronous=FULL: every acknowledged event is on disk) against a bare node:http handler
// that only verifies the HMAC, under the same load, plus the ack latency under that load.
// Each server runs in its own process; the load comes from this one over loopback keep-alive
// connections. Bounded in time (about 10 s). Uses the compiled package: `npx tsc -p
// server/tsconfig.build.json` (or `npm run bench`, which builds first).
import { fork } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, createServer, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { printTable } from './lib.mjs'

const SECRET = 'bench-secret-0123456789abcdef'
const CONCURRENCY = 32
const WARMUP_MS = 300
const MEASURE_MS = 1500
// Rounds alternate the two servers, so a noisy neighbour hits both; medians are reported.
const ROUNDS = 3

const dist = (path) => new URL(`../server/dist/${path}`, import.meta.url).href

// ---- server processes ----------------------------------------------------------------------

async function runServer(kind) {
  const { verifyWebhookSignature, createWebhookReceiver, createWebhookStore, WEBHOOK_MIGRATIONS } = await import(dist('webhooks/index.js'))
  const { openDb } = await import(dist('store/sqlite.js'))
  let handler
  let db
  let dir
  if (kind === 'bare') {
    handler = (req, res) => {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => {
        const ok = verifyWebhookSignature(Buffer.concat(chunks), req.headers['x-flow-signature'], [SECRET])
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
        res.end(ok ? '{"result":"ok"}' : '{"code":"invalid_signature"}')
      })
    }
  } else {
    dir = mkdtempSync(join(tmpdir(), 'fs-bench-webhooks-'))
    db = openDb(join(dir, 'bench.db'), WEBHOOK_MIGRATIONS)
    const receiver = createWebhookReceiver({ store: createWebhookStore(db, { writerThread: process.env.BENCH_INLINE !== '1' }), secrets: [SECRET] })
    handler = (req, res) => void receiver.handleNode(req, res)
  }
  const server = createServer(handler)
  server.keepAliveTimeout = 30_000
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
  process.on('message', (message) => {
    if (message !== 'stop') return
    const stored = db ? db.prepare('SELECT count(*) FROM webhook_events').pluck().get() : undefined
    const mode = db ? [db.pragma('journal_mode', { simple: true }), db.pragma('synchronous', { simple: true })] : undefined
    server.close()
    server.closeAllConnections()
    db?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    process.send({ stored, mode }, () => process.exit(0))
  })
}

// ---- load generator ------------------------------------------------------------------------

/** A payload in the shape of Flow's order_placed, about 6 KB, with a fresh event id. */
function makeBody(n) {
  const item = (i) => ({
    number: `SKU-${i}`,
    name: `Product ${i}`,
    quantity: 1 + (i % 3),
    local: {
      experience: { id: 'exp-1', key: 'canada', name: 'Canada' },
      prices: [{ key: 'localized_item_price', currency: 'CAD', amount: 13.95, label: 'CA$13.95', base: { amount: 10.01, currency: 'USD', label: 'US$10.01' } }],
      status: 'included',
      attributes: { sku: `SKU-${i}`, color: 'black', size: 'M', weight: '1.0000', product_id: String(1000 + i), url_key: `product-${i}` },
    },
  })
  return JSON.stringify({
    event_id: `evt-bench-${process.pid}-${n}`,
    timestamp: new Date().toISOString(),
    organization: 'demo',
    order_number: `ord-bench-${n}`,
    order: {
      id: `ior-${n}`,
      number: `ord-bench-${n}`,
      customer: { name: { first: 'Ana', last: 'Silva' }, email: 'ana@example.com', phone: '555-0100' },
      destination: { streets: ['1 Yonge St'], city: 'Toronto', province: 'Ontario', postal: 'M5E 2A3', country: 'CAN' },
      items: Array.from({ length: 8 }, (_, i) => item(i)),
      prices: [{ key: 'subtotal', currency: 'CAD', amount: 111.6, label: 'CA$111.60', base: { amount: 80.08, currency: 'USD' }, components: [] }],
      total: { currency: 'CAD', amount: 130.0, label: 'CA$130.00', base: { amount: 93.3, currency: 'USD', label: 'US$93.30' } },
      payments: [{ id: 'opm-1', type: 'card', reference: `aut-${n}`, description: 'VISA 1111', total: { currency: 'CAD', amount: 130, label: 'CA$130.00', base: { amount: 93.3, currency: 'USD' } } }],
      attributes: { quote_id: String(n) },
    },
    discriminator: 'order_placed',
  })
}

// Every request carries a new event id (across rounds too): each one is a real insert.
let n = 0

async function load(port) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const first = n
  let measuring = false
  let done = 0
  let failed = 0
  const latencies = []
  const post = () =>
    new Promise((resolve) => {
      const body = makeBody(n++)
      const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`
      const started = performance.now()
      const req = request({ host: '127.0.0.1', port, path: '/webhooks/order_placed', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-flow-signature': signature } }, (res) => {
        res.resume()
        res.on('end', () => {
          if (measuring) {
            if (res.statusCode === 200) {
              done += 1
              latencies.push(performance.now() - started)
            } else failed += 1
          }
          resolve()
        })
      })
      req.on('error', () => {
        if (measuring) failed += 1
        resolve()
      })
      req.end(body)
    })
  const deadline = performance.now() + WARMUP_MS + MEASURE_MS
  let measureStart = 0
  setTimeout(() => {
    measuring = true
    measureStart = performance.now()
  }, WARMUP_MS)
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) await post()
    }),
  )
  const elapsed = (performance.now() - measureStart) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN
  return { perSecond: done / elapsed, done, failed, p50: pct(50), p99: pct(99), sent: n - first }
}

async function startChild(kind) {
  const child = fork(fileURLToPath(import.meta.url), ['--server', kind], { stdio: 'inherit' })
  const { port } = await new Promise((resolve) => child.once('message', resolve))
  return {
    port,
    async stop() {
      child.send('stop')
      const info = await new Promise((resolve) => child.once('message', resolve))
      await new Promise((resolve) => child.once('exit', resolve))
      return info
    },
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

if (process.argv[2] === '--server') {
  await runServer(process.argv[3])
} else {
  const bareServer = await startChild('bare')
  const storedServer = await startChild('stored')
  const rounds = []
  for (let round = 0; round < ROUNDS; round++) rounds.push({ bare: await load(bareServer.port), stored: await load(storedServer.port) })
  await bareServer.stop()
  const { stored: storedRows, mode } = await storedServer.stop()
  const pick = (kind, key) => median(rounds.map((r) => r[kind][key]))
  const bare = { perSecond: pick('bare', 'perSecond'), p50: pick('bare', 'p50'), p99: pick('bare', 'p99'), failed: rounds.reduce((n, r) => n + r.bare.failed, 0) }
  const stored = {
    perSecond: pick('stored', 'perSecond'),
    p50: pick('stored', 'p50'),
    p99: pick('stored', 'p99'),
    failed: rounds.reduce((n, r) => n + r.stored.failed, 0),
    sent: rounds.reduce((n, r) => n + r.stored.sent, 0),
    stored: storedRows,
    mode,
  }
  const ratios = rounds.map((r) => r.stored.perSecond / r.bare.perSecond)
  printTable(`Webhook receiver: ${CONCURRENCY} concurrent keep-alive connections, ~6 KB order_placed bodies, ${ROUNDS} alternating rounds of ${MEASURE_MS / 1000} s each (loopback; medians)`, [
    { name: 'bare node:http, HMAC verify only', value: bare.perSecond, unit: 'req/s' },
    {
      name: `verified + stored (SQLite ${stored.mode?.[0]}, synchronous=${stored.mode?.[1] === 2 ? 'FULL' : stored.mode?.[1]})`,
      value: stored.perSecond,
      unit: 'req/s',
      baseline: bare.perSecond,
      ratio: median(ratios),
      goal: '≥ 0.50×',
    },
    { name: 'ack latency p50, bare', value: bare.p50, unit: 'ms' },
    { name: 'ack latency p99, bare', value: bare.p99, unit: 'ms' },
    { name: 'ack latency p50, stored', value: stored.p50, unit: 'ms' },
    { name: 'ack latency p99, stored', value: stored.p99, unit: 'ms', goal: '< 1000 ms' },
  ])
  console.log(`ratio per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}; stored rows: ${stored.stored} of ${stored.sent} sent (every 200 is a committed row; failures: bare ${bare.failed}, stored ${stored.failed})`)
}
