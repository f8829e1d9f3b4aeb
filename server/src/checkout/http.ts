// A framework-neutral request/answer pair for the checkout and session endpoints, with adapters
// to `node:http` and to the Fetch API, cookie parsing and the `Set-Cookie` writer.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readStreamBody } from '../http/body.js'

/** What an endpoint sees of a request. */
export type EndpointRequest = {
  method: string
  url: URL
  /** Lower-cased header names; repeated headers joined with ', '. */
  headers: Record<string, string | undefined>
  /** Reads the body, at most `limit` bytes. */
  body(limit: number): Promise<Uint8Array | 'too_large'>
}

/** What an endpoint answers. */
export type EndpointAnswer = { status: number; headers: Record<string, string | string[]>; body?: string }

export type Endpoint = (request: EndpointRequest) => Promise<EndpointAnswer>

/**
 * Wraps an endpoint as a `node:http` (or Express) handler.
 *
 * @example
 * const handle = toNodeHandler(endpoint)
 * http.createServer((req, res) => void handle(req, res))
 */
export function toNodeHandler(endpoint: Endpoint): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const host = req.headers.host ?? 'localhost'
    const forwardedProto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim()
    const proto = forwardedProto === 'https' || (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'
    let url: URL
    try {
      url = new URL(req.url ?? '/', `${proto}://${host}`)
    } catch {
      url = new URL('http://localhost/')
    }
    const headers: Record<string, string | undefined> = {}
    for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value
    const answer = await endpoint({
      method: req.method ?? 'GET',
      url,
      headers,
      body: (limit) => readNode(req, limit),
    })
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
  }
}

/**
 * Wraps an endpoint as a Fetch API handler `(Request) => Promise<Response>`.
 *
 * @example
 * app.all('/checkout/*', (c) => toFetchHandler(endpoint)(c.req.raw))
 */
export function toFetchHandler(endpoint: Endpoint): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers: Record<string, string | undefined> = {}
    request.headers.forEach((value, name) => (headers[name] = value))
    const answer = await endpoint({
      method: request.method,
      url: new URL(request.url),
      headers,
      body: (limit) => readStream(request, limit),
    })
    const out = new Headers()
    for (const [name, value] of Object.entries(answer.headers)) for (const v of Array.isArray(value) ? value : [value]) out.append(name, v)
    return new Response(answer.status === 204 || answer.status === 304 ? null : (answer.body ?? null), { status: answer.status, headers: out })
  }
}

/** Parses a `Cookie` header into name → value (the first of repeated names wins). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null) as Record<string, string>
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq < 1) continue
    const name = part.slice(0, eq).trim()
    if (name in cookies) continue
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    try {
      cookies[name] = decodeURIComponent(value)
    } catch {
      cookies[name] = value
    }
  }
  return cookies
}

/** A JSON answer with `no-store`. */
export function json(status: number, body: unknown, headers: Record<string, string | string[]> = {}): EndpointAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) }
}

/** A 303 redirect. */
export function redirect(location: string, headers: Record<string, string | string[]> = {}): EndpointAnswer {
  return { status: 303, headers: { location, 'cache-control': 'no-store', ...headers } }
}

async function readNode(req: IncomingMessage, limit: number): Promise<Uint8Array | 'too_large'> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return 'too_large'
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) return 'too_large'
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}

function readStream(request: Request, limit: number): Promise<Uint8Array | 'too_large'> {
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too_large')
  return readStreamBody(request.body, limit)
}
