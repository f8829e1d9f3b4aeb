// `serve`: one HTTP server with the webhook receiver (`/webhooks/*`), the checkout endpoint
// (`/checkout`, `/checkout/redirect`), session start (`/session/start`), the price documents
// (`/prices/{experience}.json`) and `/healthz`, plus the webhook worker loop and the adapter's
// schedule, with graceful shutdown. Logs are JSON lines with ids, counts and durations only.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { createCheckoutEndpoint, createSessionStartEndpoint, type ResolvedCart, type CheckoutRequest } from './checkout/index.js'
import type { FlowClient } from './client/index.js'
import { errorMessage, silentLogger, type Logger } from './log.js'
import {
  countWebhookEvents,
  createWebhookProcessor,
  createWebhookReceiver,
  createWebhookStore,
  recordCheckoutCustomer,
  type WebhookProcessor,
  type WebhookProcessorOptions,
  type WebhookStore,
} from './webhooks/index.js'
import type { Db } from './store/sqlite.js'

/**
 * Options of `startServer`. The database must have the webhook and settings migrations applied.
 *
 * @example
 * const options: ServeOptions = { db, client: flow, webhookSecrets: () => storedWebhookSecrets(db, 'demo'), port: 8080 }
 */
export type ServeOptions = {
  db: Db
  client: FlowClient
  /** Accepted webhook secrets (or a function read per request, for rotation). Required: no secret, no server. */
  webhookSecrets: readonly string[] | (() => readonly string[])
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Where `prices-build` wrote the price documents. Default `./prices`. */
  pricesDir?: string
  /** Storefront origins allowed to call `POST /checkout` (CORS). */
  allowedOrigins?: readonly string[]
  /** Flow's hosted checkout (default `https://checkout.flow.io`; the emulator's URL in development). */
  checkoutUrl?: string
  continueShoppingUrl?: string
  resolveCart?: (request: CheckoutRequest) => ResolvedCart | undefined | Promise<ResolvedCart | undefined>
  /** Registers the merchant's webhook handlers: `handlers: (on) => on('order_placed', …)`. */
  handlers?: (on: WebhookProcessor['on']) => void | Promise<void>
  /** Processor settings (lease, attempts, backoff, parking horizon, alert). */
  processor?: Omit<WebhookProcessorOptions, 'store' | 'logger'>
  /** Worker loops processing webhook events; 0 runs none (process them elsewhere). Default 2. */
  workerConcurrency?: number
  /** The adapter's schedule (catalog, inventory, cleanup, …), started with the server and stopped with it. */
  schedule?: { start(): void; stop(): Promise<void> }
  maxWebhookBodyBytes?: number
  /** Longest wait for requests and events in flight when closing. Default 10 000 ms. */
  shutdownTimeoutMs?: number
  secureCookies?: boolean
  logger?: Logger
}

/**
 * A running server.
 *
 * @example
 * const running = await startServer(options)
 * console.log(running.url) // http://127.0.0.1:8080
 * await running.close()
 */
export type RunningServer = {
  url: string
  server: Server
  store: WebhookStore
  processor: WebhookProcessor
  /** Stops accepting, finishes requests and events in flight, stops the schedule. */
  close(): Promise<void>
}

const EXPERIENCE_FILE = /^[A-Za-z0-9][A-Za-z0-9._%-]{0,200}\.json$/

/**
 * Starts the adapter's HTTP server, the webhook worker and the schedule; resolves once listening.
 *
 * @example
 * const running = await startServer({ db, client: flow, webhookSecrets: [secret], handlers: (on) => on('order_placed', importOrder) })
 * // GET /healthz → 200 {"status":"ok","webhooks":{"pending":0,"parked":0,"dead":0}}
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger
  const store = createWebhookStore(options.db, { writerThread: true })
  const processor = createWebhookProcessor({ ...options.processor, store, logger })
  await options.handlers?.((name, handler) => processor.on(name, handler))
  let wake = () => {}
  const receiver = createWebhookReceiver({
    store,
    secrets: options.webhookSecrets,
    logger,
    ...(options.maxWebhookBodyBytes === undefined ? {} : { maxBodyBytes: options.maxWebhookBodyBytes }),
    onStored: () => wake(),
  })
  const checkout = createCheckoutEndpoint({
    client: options.client,
    allowedOrigins: options.allowedOrigins ?? [],
    logger,
    ...(options.checkoutUrl === undefined ? {} : { checkoutUrl: options.checkoutUrl }),
    ...(options.continueShoppingUrl === undefined ? {} : { continueShoppingUrl: options.continueShoppingUrl }),
    ...(options.resolveCart === undefined ? {} : { resolveCart: options.resolveCart }),
    ...(options.secureCookies === undefined ? {} : { secureCookies: options.secureCookies }),
    onTokenCreated: (token) => {
      if (token.email !== undefined) recordCheckoutCustomer(store, { orderNumber: token.orderNumber, customerNumber: token.customerNumber, email: token.email })
    },
  })
  const session = createSessionStartEndpoint({ client: options.client, logger, ...(options.secureCookies === undefined ? {} : { secureCookies: options.secureCookies }) })
  const pricesDir = resolve(options.pricesDir ?? 'prices')
  let worker: ReturnType<WebhookProcessor['start']> | undefined
  let closing = false

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    const path = pathname(req.url)
    if (path === '/webhooks' || path.startsWith('/webhooks/')) return (await receiver.handleNode(req, res), 'webhooks')
    if (path === '/checkout' || path === '/checkout/' || path === '/checkout/redirect') return (await checkout.handleNode(req, res), 'checkout')
    if (path === '/session/start') return (await session.handleNode(req, res), 'session')
    if (path.startsWith('/prices/')) return (await servePriceDocument(req, res, pricesDir, path.slice('/prices/'.length)), 'prices')
    if (path === '/healthz') return (health(res), 'healthz')
    sendJson(res, 404, { code: 'not_found', message: 'no such endpoint' })
    return 'not_found'
  }

  const health = (res: ServerResponse) => {
    try {
      const counts = countWebhookEvents(store)
      sendJson(res, closing ? 503 : 200, {
        status: closing ? 'stopping' : 'ok',
        worker: worker === undefined ? 'off' : 'running',
        webhooks: { pending: counts.pending + counts.running, parked: counts.parked, dead: counts.dead },
      })
    } catch (error) {
      logger.error('serve.health_failed', { error: errorMessage(error) })
      sendJson(res, 503, { status: 'unavailable' })
    }
  }

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint()
    route(req, res)
      .then((name) => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6
        logger.info('http.request', { method: req.method, route: name, status: res.statusCode, ms: Math.round(ms * 10) / 10 })
      })
      .catch((error: unknown) => {
        logger.error('http.error', { method: req.method, route: pathname(req.url).split('/')[1] ?? '', error: errorMessage(error) })
        if (!res.headersSent) sendJson(res, 500, { code: 'internal_error', message: 'the request failed' })
        else res.destroy()
      })
  })
  server.keepAliveTimeout = 5000
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolvePromise()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.address.includes(':') ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`

  const concurrency = options.workerConcurrency ?? 2
  if (concurrency > 0) {
    worker = processor.start({ concurrency })
    wake = () => worker?.wake()
  }
  options.schedule?.start()
  logger.info('serve.listening', { port: address.port, workers: concurrency, schedule: options.schedule !== undefined })

  let closed: Promise<void> | undefined
  return {
    url,
    server,
    store,
    processor,
    close() {
      closed ??= (async () => {
        closing = true
        const timeout = options.shutdownTimeoutMs ?? 10_000
        const serverClosed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()))
        server.closeIdleConnections()
        const timer = setTimeout(() => server.closeAllConnections(), timeout)
        timer.unref()
        await Promise.all([serverClosed, worker?.stop(), options.schedule?.stop()])
        await store.close()
        clearTimeout(timer)
        logger.info('serve.stopped', {})
      })()
      return closed
    },
  }
}

/** Serves `<pricesDir>/<experience>.json` with an ETag, a short public cache and CORS for any origin (public prices). */
async function servePriceDocument(req: IncomingMessage, res: ServerResponse, dir: string, file: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { code: 'method_not_allowed', message: 'use GET' }, { allow: 'GET, HEAD' })
  if (!EXPERIENCE_FILE.test(file) || file.includes('..')) return sendJson(res, 404, { code: 'not_found', message: 'no price document for this experience' })
  const path = join(dir, file)
  let info
  try {
    info = await stat(path)
    if (!info.isFile()) throw new Error('not a file')
  } catch {
    return sendJson(res, 404, { code: 'not_found', message: 'no price document for this experience; run prices-build' })
  }
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'public, max-age=300',
    'access-control-allow-origin': '*',
    etag,
    'last-modified': info.mtime.toUTCString(),
  }
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  res.writeHead(200, { ...headers, 'content-length': String(info.size) })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  await new Promise<void>((resolvePromise) => {
    const stream = createReadStream(path)
    stream.on('error', () => {
      res.destroy()
      resolvePromise()
    })
    stream.on('end', () => resolvePromise())
    stream.pipe(res)
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}

function pathname(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/'
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path
}
