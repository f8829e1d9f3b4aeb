// One request, start to end: CORS, routing, the body, faults, the organization, auth, the
// handler, saving the state, and the answer (JSON, HTML or an error in Flow's shape).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { authenticate } from './auth.js'
import type { EmulatorContext } from './context.js'
import type { FaultAction } from './faults.js'
import { ApiError, matchRoute, type Reply, type RequestContext, type Route } from './http.js'
import { newId } from './state.js'

const MAX_BODY_BYTES = 1024 * 1024
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i

/**
 * The `node:http` request listener of the emulator.
 *
 * @example
 * createServer(createRequestListener(context, routes)).listen(0, '127.0.0.1')
 */
export function createRequestListener(context: EmulatorContext, routes: readonly Route<EmulatorContext>[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    // Handlers' errors become replies inside handle(); only a broken socket can reject here.
    handle(context, routes, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  }
}

async function handle(context: EmulatorContext, routes: readonly Route<EmulatorContext>[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newId('req')
  res.setHeader('x-flow-request-id', requestId)
  const origin = req.headers.origin
  if (origin && LOCAL_ORIGIN.test(origin)) {
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('access-control-expose-headers', 'Retry-After, X-Flow-Request-Id')
    res.setHeader('vary', 'Origin')
  }
  const method = (req.method ?? 'GET').toUpperCase()
  const url = new URL(req.url ?? '/', 'http://emulator.invalid')

  if (method === 'OPTIONS') {
    if (origin && LOCAL_ORIGIN.test(origin)) {
      res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS')
      res.setHeader('access-control-allow-headers', 'Authorization, Content-Type')
      res.setHeader('access-control-max-age', '600')
    }
    res.writeHead(204).end()
    return
  }

  let fault: FaultAction | undefined
  let reply: Reply
  try {
    const match = matchRoute(routes, method, url.pathname)
    if (!match) throw new ApiError(404, [`no route for ${method} ${url.pathname}`])
    if ('allowed' in match) {
      throw new ApiError(405, [`${method} is not allowed on ${url.pathname}; use ${match.allowed.join(', ')}`])
    }
    const { route, params } = match
    const rawBody = await readBody(req)

    if (route.access !== 'admin') fault = context.faults.decide(method, url.pathname, route.pattern)
    if (fault && fault.latency_ms > 0) await new Promise((resolve) => setTimeout(resolve, fault?.latency_ms))
    const early = fault && faultReply(fault, requestId)
    if (early) return send(res, serialize(early))

    const organization = params.organization ?? params.organization_id
    if (organization !== undefined && organization !== context.state.organization.id) {
      throw new ApiError(404, [`organization '${organization}' not found; the emulator serves '${context.state.organization.id}'`])
    }
    const caller = authenticate(req.headers.authorization, route.access, context.state)
    const request: RequestContext = {
      method,
      path: url.pathname,
      pattern: route.pattern,
      params,
      query: url.searchParams,
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress ?? '',
      rawBody,
      body: () => parseJson(rawBody),
      ...(caller.kind === 'session' ? { session: caller.session } : {}),
    }
    reply = await route.handler(request, context)
    if (method !== 'GET' && reply.status < 400) context.store.save()
  } catch (error) {
    reply = errorReply(error)
  }
  const out = serialize(reply)
  // A malformed body: the request was served, but its JSON arrives cut in half.
  if (fault?.body === 'malformed_json' && reply.json !== undefined && out.body) out.body = out.body.slice(0, Math.ceil(out.body.length / 2))
  send(res, out)
}

/** The answer a fault gives instead of serving the request, if any. */
function faultReply(fault: FaultAction, requestId: string): Reply | undefined {
  if (fault.status !== undefined) {
    const headers: Record<string, string> = {}
    if (fault.retry_after !== undefined) headers['retry-after'] = String(fault.retry_after)
    const code = fault.status >= 500 ? 'server_error' : 'client_error'
    return { status: fault.status, json: { code, messages: [`fault injected by the emulator (status ${fault.status}, request ${requestId})`] }, headers }
  }
  if (fault.body === 'html') {
    return { status: 200, html: '<!doctype html><html><head><title>Service unavailable</title></head><body><h1>Service temporarily unavailable</h1><p>Fault injected by the Flow API emulator.</p></body></html>' }
  }
  return undefined
}

function errorReply(error: unknown): Reply {
  if (error instanceof ApiError) {
    const headers: Record<string, string> = error.status === 401 ? { 'www-authenticate': 'Basic realm="Flow API emulator"' } : {}
    return { status: error.status, json: error.body, headers }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { status: 500, json: { code: 'server_error', messages: [`the emulator failed: ${message}`] } }
}

type Serialized = { status: number; headers: Record<string, string>; body?: string }

function serialize(reply: Reply): Serialized {
  const headers: Record<string, string> = { ...reply.headers }
  if (reply.html !== undefined) {
    headers['content-type'] = 'text/html; charset=utf-8'
    return { status: reply.status, headers, body: reply.html }
  }
  if (reply.json !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8'
    return { status: reply.status, headers, body: JSON.stringify(reply.json) }
  }
  return { status: reply.status, headers }
}

function send(res: ServerResponse, out: Serialized): void {
  res.writeHead(out.status, out.headers)
  res.end(out.body)
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new ApiError(413, [`the body is larger than ${MAX_BODY_BYTES} bytes`]))
      else resolve(Buffer.concat(chunks))
    })
    req.on('error', reject)
  })
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new ApiError(422, [`the body is not valid JSON: ${(error as Error).message}`])
  }
}
