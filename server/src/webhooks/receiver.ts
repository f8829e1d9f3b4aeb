// The webhook receiver: framework-neutral. `receive` takes the raw bytes and the signature header
// and answers a status; `handleNode` wraps it for `node:http` (and Express, which passes node's
// request and response), `handleRequest` for the Fetch API (`(Request) => Promise<Response>`:
// Hono, Bun, Deno, workers). The event row is committed before the 2xx is sent; processing
// happens later. Concurrent requests are stored in one transaction per event-loop turn (group
// commit), so durable writes keep up with the HMAC check.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorMessage, silentLogger, type Logger } from '../log.js'
import { parseEnvelope } from './envelope.js'
import { checkSecrets, SIGNATURE_HEADER, verifyWebhookSignature } from './signature.js'
import type { IngestInput, IngestOutcome, WebhookStore } from './store.js'
import { readStreamBody } from '../http/body.js'

/**
 * Options of `createWebhookReceiver`.
 *
 * @example
 * const options: WebhookReceiverOptions = { store, secrets: [currentSecret, previousSecret], maxBodyBytes: 5 * 1024 * 1024 }
 */
export type WebhookReceiverOptions = {
  store: WebhookStore
  /**
   * Accepted signing secrets (the current one first, then those being rotated out), or a function
   * returning them (read on every request, so a rotation applies without a restart). There must
   * be at least one: the receiver refuses to start without.
   */
  secrets: readonly string[] | (() => readonly string[])
  /** Larger bodies get 413 before they are buffered. Default 5 MiB. */
  maxBodyBytes?: number
  logger?: Logger
  /** Called after an event is committed (e.g. to wake the worker). */
  onStored?: (event: { eventId: string; type: string }) => void
}

/**
 * What the receiver answers: a status, a small JSON body without secrets or customer data, and
 * headers (`Retry-After` on 503).
 *
 * @example
 * const answer: ReceiveResult = { status: 200, body: { result: 'ok' } }
 */
export type ReceiveResult = {
  status: number
  body: { result: IngestOutcome | 'ok' } | { code: string; message: string }
  headers?: Record<string, string>
}

/**
 * The receiver's three entry points.
 *
 * @example
 * const receiver = createWebhookReceiver({ store, secrets: [secret] })
 * http.createServer((req, res) => receiver.handleNode(req, res)).listen(8080)
 */
export type WebhookReceiver = {
  /** The core: raw bytes and the `X-Flow-Signature` header in, status out. */
  receive(input: { body: Uint8Array; signature: string | readonly string[] | undefined; path?: string | undefined }): Promise<ReceiveResult>
  /** A `node:http` / Express handler. Mount it before any body parser. */
  handleNode(req: IncomingMessage, res: ServerResponse): Promise<void>
  /** A Fetch API handler. Give it the request with its body unread. */
  handleRequest(request: Request): Promise<Response>
}

/** A body that was already read by a framework's parser: the raw bytes are gone. */
export const RAW_BODY_UNAVAILABLE =
  'raw body unavailable — mount the webhook receiver before the body parser (the signature covers the exact bytes Flow sent)'

const DEFAULT_MAX_BODY = 5 * 1024 * 1024
const MAX_BATCH = 256

/**
 * Creates a webhook receiver. Throws a `TypeError` without at least one secret.
 *
 * @example
 * const receiver = createWebhookReceiver({ store, secrets: [process.env.FLOW_WEBHOOK_SECRET ?? ''] })
 * const answer = await receiver.receive({ body: raw, signature: headers['x-flow-signature'] })
 * // { status: 200, body: { result: 'ok' } }
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const { store } = options
  const logger = options.logger ?? silentLogger
  const readSecrets = typeof options.secrets === 'function' ? options.secrets : () => options.secrets as readonly string[]
  checkSecrets('createWebhookReceiver()', readSecrets())
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new RangeError(`createWebhookReceiver(): \`maxBodyBytes\` must be a positive integer. Received: ${String(maxBodyBytes)}`)
  }
  const ingest = createGroupCommit(store)

  const refuse = (status: number, code: string, message: string, fields: Record<string, string | number> = {}): ReceiveResult => {
    logger.warn('webhook.rejected', { status, code, ...fields })
    return { status, body: { code, message } }
  }
  const unavailable = (error: unknown): ReceiveResult => {
    logger.error('webhook.storage_unavailable', { error: errorMessage(error) })
    return {
      status: 503,
      body: { code: 'storage_unavailable', message: 'the event could not be stored; retry later' },
      headers: { 'retry-after': '30' },
    }
  }

  async function receive(input: { body: Uint8Array; signature: string | readonly string[] | undefined; path?: string | undefined }): Promise<ReceiveResult> {
    const { body } = input
    if (body.byteLength === 0) return refuse(400, 'empty_body', 'the request has no body')
    if (body.byteLength > maxBodyBytes) return refuse(413, 'body_too_large', `the body is larger than ${maxBodyBytes} bytes`)
    let secrets: readonly string[]
    try {
      secrets = readSecrets()
    } catch (error) {
      return unavailable(error)
    }
    if (!verifyWebhookSignature(body, input.signature, secrets)) {
      return refuse(401, 'invalid_signature', 'the X-Flow-Signature header is missing or does not match the body', { bytes: body.byteLength })
    }
    const parsed = parseEnvelope(body)
    if (!parsed.ok) {
      try {
        store.quarantine({ reason: parsed.problem, body, path: input.path })
      } catch (error) {
        return unavailable(error)
      }
      const what = {
        invalid_utf8: 'the body is not UTF-8',
        malformed_json: 'the body is not JSON',
        not_an_object: 'the body is not a JSON object',
        missing_event_id: 'the event has no event_id',
        missing_discriminator: 'the event has no top-level discriminator',
      }[parsed.problem]
      return refuse(400, parsed.problem, `${what}; it was kept aside for inspection`, { bytes: body.byteLength })
    }
    const { envelope } = parsed
    let outcome: IngestOutcome
    try {
      outcome = await ingest({ envelope, raw: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), source: 'webhook' })
    } catch (error) {
      return unavailable(error)
    }
    logger.info(outcome === 'duplicate' ? 'webhook.duplicate' : outcome === 'ignored' ? 'webhook.ignored' : 'webhook.stored', {
      event_id: envelope.eventId,
      type: envelope.type,
    })
    if (outcome === 'stored') {
      try {
        options.onStored?.({ eventId: envelope.eventId, type: envelope.type })
      } catch (error) {
        logger.error('webhook.on_stored_failed', { error: errorMessage(error) })
      }
    }
    return { status: 200, body: { result: outcome === 'stored' ? 'ok' : outcome } }
  }

  return {
    receive,

    async handleNode(req, res) {
      const send = (result: ReceiveResult, close = false) => {
        if (res.headersSent) return
        res.writeHead(result.status, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          ...(close ? { connection: 'close' } : {}),
          ...(result.status === 405 ? { allow: 'POST' } : {}),
          ...result.headers,
        })
        res.end(JSON.stringify(result.body))
      }
      if (req.method !== 'POST') return send({ status: 405, body: { code: 'method_not_allowed', message: 'webhooks are POSTed' } })
      // A raw body a framework kept: `req.rawBody` (many raw-body plugins) or a Buffer `req.body`
      // (express.raw()). Anything else already parsed means the exact bytes are gone.
      const framework = req as IncomingMessage & { rawBody?: unknown; body?: unknown }
      const kept = framework.rawBody instanceof Uint8Array ? framework.rawBody : framework.body instanceof Uint8Array ? framework.body : undefined
      let body: Uint8Array
      if (kept !== undefined) {
        body = kept
      } else {
        if (req.readableEnded || framework.body !== undefined) {
          logger.error('webhook.raw_body_unavailable', { path: pathOf(req.url) })
          return send({ status: 500, body: { code: 'raw_body_unavailable', message: RAW_BODY_UNAVAILABLE } })
        }
        const declared = Number(req.headers['content-length'])
        if (Number.isFinite(declared) && declared > maxBodyBytes) {
          // Answered without reading a byte of the body; node closes the connection after it.
          send(refuse(413, 'body_too_large', `the body is larger than ${maxBodyBytes} bytes`), true)
          return
        }
        const read = await readNodeBody(req, maxBodyBytes)
        if (read === 'too_large') {
          send(refuse(413, 'body_too_large', `the body is larger than ${maxBodyBytes} bytes`), true)
          return
        }
        if (read === 'aborted') return
        body = read
      }
      send(await receive({ body, signature: req.headers[SIGNATURE_HEADER], path: pathOf(req.url) }))
    },

    async handleRequest(request) {
      const reply = (result: ReceiveResult) =>
        new Response(JSON.stringify(result.body), {
          status: result.status,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'cache-control': 'no-store',
            ...(result.status === 405 ? { allow: 'POST' } : {}),
            ...result.headers,
          },
        })
      if (request.method !== 'POST') return reply({ status: 405, body: { code: 'method_not_allowed', message: 'webhooks are POSTed' } })
      if (request.bodyUsed) {
        logger.error('webhook.raw_body_unavailable', { path: pathOf(request.url) })
        return reply({ status: 500, body: { code: 'raw_body_unavailable', message: RAW_BODY_UNAVAILABLE } })
      }
      const declared = Number(request.headers.get('content-length'))
      if (Number.isFinite(declared) && declared > maxBodyBytes) {
        await request.body?.cancel().catch(() => undefined)
        return reply(refuse(413, 'body_too_large', `the body is larger than ${maxBodyBytes} bytes`))
      }
      const read = await readStreamBody(request.body, maxBodyBytes)
      if (read === 'too_large') return reply(refuse(413, 'body_too_large', `the body is larger than ${maxBodyBytes} bytes`))
      const signature = request.headers.get(SIGNATURE_HEADER) ?? undefined
      return reply(await receive({ body: read, signature, path: pathOf(request.url) }))
    },
  }
}

/**
 * Group commit: events arriving together are stored in one transaction (one fsync for many
 * acknowledgements), and each caller's promise settles only after the commit. With a writer
 * thread (`store.ingestAsync`) the fsync never stalls the HTTP server, and while one transaction
 * is being written the next one gathers. Without one, a batch is what arrived in the same
 * event-loop turn.
 */
function createGroupCommit(store: WebhookStore): (item: IngestInput) => Promise<IngestOutcome> {
  type Waiting = { item: IngestInput; resolve: (o: IngestOutcome) => void; reject: (e: unknown) => void }
  let queue: Waiting[] = []
  let scheduled = false
  const settle = (batch: Waiting[], outcomes: IngestOutcome[]) => batch.forEach((w, i) => w.resolve(outcomes[i] as IngestOutcome))
  const flushInline = () => {
    scheduled = false
    const batch = queue
    queue = []
    for (let start = 0; start < batch.length; start += MAX_BATCH) {
      const slice = batch.slice(start, start + MAX_BATCH)
      try {
        settle(slice, store.ingest(slice.map((w) => w.item)))
      } catch (error) {
        for (const w of slice) w.reject(error)
      }
    }
  }
  // With a writer thread, what arrived in this turn is handed over at once; the writer merges
  // everything that reached it while it was committing into its next transaction.
  const handOver = () => {
    scheduled = false
    const ingestAsync = store.ingestAsync
    if (ingestAsync === undefined) return
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH)
      ingestAsync(batch.map((w) => w.item)).then(
        (outcomes) => settle(batch, outcomes),
        (error: unknown) => {
          for (const w of batch) w.reject(error)
        },
      )
    }
  }
  return (item) =>
    new Promise((resolve, reject) => {
      queue.push({ item, resolve, reject })
      if (scheduled) return
      scheduled = true
      setImmediate(store.ingestAsync === undefined ? flushInline : handOver)
    })
}

function readNodeBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (value: Buffer | 'too_large' | 'aborted') => {
      if (settled) return
      settled = true
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onAbort)
      req.off('aborted', onAbort)
      resolve(value)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        // Stop reading: the rest of the body is never buffered.
        req.pause()
        chunks.length = 0
        settle('too_large')
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => settle(Buffer.concat(chunks, size))
    const onAbort = () => settle('aborted')
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onAbort)
    req.on('aborted', onAbort)
  })
}

function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    return new URL(url, 'http://receiver.invalid').pathname.slice(0, 200)
  } catch {
    return undefined
  }
}
