// The emulator's small HTTP toolkit: routes with `:params`, a request context, replies and the
// error that becomes Flow's `generic_error`.
import type { IncomingHttpHeaders } from 'node:http'
import type { SessionRecord } from './state.js'

/**
 * Who may call a route:
 * - `merchant`: HTTP Basic with the organization's API key and an empty password;
 * - `shopper`: the browser's calls (sessions, experiences, localized items, order estimates):
 *   no credentials, `Session <id>` or the merchant's Basic key; credentials given must be valid;
 * - `public`: reference data, geolocation, the country picker, the hosted checkout page;
 * - `admin`: the emulator's own `/_emulator` controls (no auth, no faults).
 */
export type Access = 'merchant' | 'shopper' | 'public' | 'admin'

/** What a handler sees of a request. */
export type RequestContext = {
  method: string
  path: string
  /** The route pattern that matched, e.g. `/:organization/experiences/items`. */
  pattern: string
  params: Record<string, string>
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** The socket's remote address. */
  remoteAddress: string
  rawBody: Buffer
  /** The body parsed as JSON (undefined when empty); malformed JSON throws a 422. */
  body(): unknown
  /** The session named by `Authorization: Session <id>`, on shopper routes. */
  session?: SessionRecord
}

/** A handler's answer. */
export type Reply = {
  status: number
  /** Serialized as JSON. Omit for 204. */
  json?: unknown
  /** Sent as text/html; charset=utf-8. */
  html?: string
  headers?: Record<string, string>
}

export type Handler<C> = (request: RequestContext, context: C) => Reply | Promise<Reply>

export type Route<C> = { method: string; pattern: string; access: Access; handler: Handler<C>; segments: string[] }

/**
 * Declares a route.
 *
 * @example
 * route('GET', '/:organization/webhooks/:id', 'merchant', (req) => ({ status: 200, json: find(req.params.id) }))
 */
export function route<C>(method: string, pattern: string, access: Access, handler: Handler<C>): Route<C> {
  return { method, pattern, access, handler, segments: pattern.split('/').filter(Boolean) }
}

/**
 * Finds the route for a method and path. Literal segments win over `:params` at the same place
 * (`/:organization/experiences/items` before `/:organization/experiences/:key`). Returns the
 * methods the path allows when only the method is wrong.
 *
 * @example
 * matchRoute(routes, 'GET', '/demo/experiences/germany')
 * // { route: …'/:organization/experiences/:key', params: { organization: 'demo', key: 'germany' } }
 */
export function matchRoute<C>(
  routes: readonly Route<C>[],
  method: string,
  path: string,
): { route: Route<C>; params: Record<string, string> } | { allowed: string[] } | undefined {
  let segments: string[]
  try {
    segments = path.split('/').filter(Boolean).map(decodeURIComponent)
  } catch {
    return undefined
  }
  let best: { route: Route<C>; params: Record<string, string>; score: string } | undefined
  const allowed = new Set<string>()
  for (const candidate of routes) {
    const params = matchSegments(candidate.segments, segments)
    if (!params) continue
    if (candidate.method !== method) {
      allowed.add(candidate.method)
      continue
    }
    const score = candidate.segments.map((s) => (s.startsWith(':') ? '0' : '1')).join('')
    if (!best || score > best.score) best = { route: candidate, params, score }
  }
  if (best) return { route: best.route, params: best.params }
  return allowed.size > 0 ? { allowed: [...allowed] } : undefined
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined
  const params: Record<string, string> = {}
  for (const [i, part] of pattern.entries()) {
    const actual = segments[i] ?? ''
    if (part.startsWith(':')) params[part.slice(1)] = actual
    else if (part !== actual) return undefined
  }
  return params
}

/**
 * An error a handler throws to answer with an error status. The body defaults to Flow's
 * `generic_error` (`{ code, messages }`); `body` replaces it for `order_error` / `refund_error`.
 *
 * @example
 * throw new ApiError(404, ["experience 'mars' not found"])
 * throw new ApiError(422, ['items[0].quantity must be 0 or more'], { code: 'generic_error', messages: [...] })
 */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number
  readonly messages: string[]
  readonly body: Record<string, unknown>

  constructor(status: number, messages: string[], body?: Record<string, unknown>) {
    super(messages.join('; '))
    this.status = status
    this.messages = messages
    const code = status >= 500 ? 'server_error' : status === 422 ? 'generic_error' : 'client_error'
    this.body = body ?? { code, messages }
  }
}

/** Shorthand for a 404 naming what was not found. */
export function notFound(what: string): ApiError {
  return new ApiError(404, [`${what} not found`])
}

/** A 200/201 JSON reply. */
export function ok(json: unknown, status = 200): Reply {
  return { status, json }
}

/** A 204 reply. */
export function noContent(): Reply {
  return { status: 204 }
}

/**
 * Applies `limit` / `offset` to a list.
 *
 * @example
 * page([1, 2, 3, 4], { limit: 2, offset: 1 }) // [2, 3]
 */
export function page<T>(list: readonly T[], paging: { limit: number; offset: number }): T[] {
  return list.slice(paging.offset, paging.offset + paging.limit)
}

/**
 * Sorts by a Flow `sort` parameter: a field name, `-` in front for descending.
 *
 * @example
 * sortBy(experiences, '-position', { position: (e) => e.position })
 */
export function sortBy<T>(list: readonly T[], sort: string | null, fields: Record<string, (x: T) => string | number>): T[] {
  if (!sort) return [...list]
  const descending = sort.startsWith('-')
  const key = fields[sort.replace(/^[-+]/, '')]
  if (!key) throw new ApiError(422, [`sort must be one of ${Object.keys(fields).flatMap((f) => [f, `-${f}`]).join(', ')}, received '${sort}'`])
  const sign = descending ? -1 : 1
  return [...list].sort((a, b) => {
    const [x, y] = [key(a), key(b)]
    return x < y ? -sign : x > y ? sign : 0
  })
}
