/**
 * What went wrong with a call to Flow, in one word a program can switch on.
 *
 * @example
 * const code: FlowApiErrorCode = 'timeout'
 */
export type FlowApiErrorCode =
  | 'network' // fetch failed: DNS, refused or reset connection, body cut off
  | 'timeout' // no full answer within the per-attempt timeout
  | 'http' // Flow answered with a status outside 2xx
  | 'parse' // a 2xx whose body is not JSON (an HTML page, a truncated body)
  | 'circuit_open' // not sent: Flow failed too often in a row and the breaker is open

/**
 * What `FlowApiError` is built from. `body` is Flow's error document (`generic_error`,
 * `order_error`, `refund_error`) when the answer carried one.
 *
 * @example
 * const details: FlowApiErrorDetails = { method: 'GET', path: '/demo/centers', attempts: 1, status: 503 }
 */
export type FlowApiErrorDetails = {
  method: string
  path: string
  attempts: number
  status?: number | undefined
  requestId?: string | undefined
  body?: unknown
  cause?: unknown
  retryAfterMs?: number | undefined
}

/**
 * The one error the Flow API client throws. It carries the HTTP status, Flow's request id and
 * error body, the method and the path (without the query string), and never the API key, an
 * `Authorization` header, a session id or a checkout token: the client masks them in the
 * message, the path, the body and the cause before building the error.
 *
 * @example
 * try {
 *   await flow.putItem(form)
 * } catch (error) {
 *   if (isFlowApiError(error) && error.code === 'http' && error.status === 422) {
 *     console.warn(error.messages) // ['price must be positive']
 *   }
 * }
 */
export class FlowApiError extends Error {
  override readonly name = 'FlowApiError'
  readonly code: FlowApiErrorCode
  readonly status: number | undefined
  readonly requestId: string | undefined
  /** Flow's error document, parsed; `undefined` when the answer had none or it was not JSON. */
  readonly body: unknown
  /** `body.messages` when Flow sent them (`generic_error` and friends), otherwise empty. */
  readonly messages: readonly string[]
  readonly method: string
  readonly path: string
  /** How many attempts were made before giving up (0 when the breaker refused the first). */
  readonly attempts: number
  /** What Flow's last `Retry-After` asked for, in ms (a 429 or 503), so a queue can wait as long. */
  readonly retryAfterMs: number | undefined

  constructor(code: FlowApiErrorCode, message: string, details: FlowApiErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    this.status = details.status
    this.requestId = details.requestId
    this.body = details.body
    this.messages = messagesOf(details.body)
    this.method = details.method
    this.path = details.path
    this.attempts = details.attempts
    this.retryAfterMs = details.retryAfterMs
  }
}

/**
 * True for a `FlowApiError`, also one from another copy of this package (compares the name too).
 *
 * @example
 * isFlowApiError(new FlowApiError('network', 'GET /x: could not reach Flow.', { method: 'GET', path: '/x', attempts: 1 })) // true
 */
export function isFlowApiError(error: unknown): error is FlowApiError {
  return (
    error instanceof FlowApiError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'FlowApiError' &&
      typeof (error as { code?: unknown }).code === 'string')
  )
}

/**
 * The `messages` of a Flow error document (`generic_error`, `order_error`, `refund_error`).
 *
 * @example
 * messagesOf({ code: 'generic_error', messages: ['Name is required'] }) // ['Name is required']
 */
export function messagesOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return []
  const messages = (body as { messages?: unknown }).messages
  return Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string') : []
}

/**
 * Returns a function that replaces every secret (and its URL-encoded form) in a text with
 * `[redacted]`. Empty secrets are ignored.
 *
 * @example
 * createRedactor(['k3y'])('Basic k3y failed') // 'Basic [redacted] failed'
 */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const needles = new Set<string>()
  for (const secret of secrets) {
    if (!secret) continue
    needles.add(secret)
    needles.add(encodeURIComponent(secret))
  }
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...needles].sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    for (const needle of ordered) out = out.split(needle).join('[redacted]')
    return out
  }
}

/**
 * A copy of an error chain that is safe to keep as `cause`: name, message, stack and `code`
 * (e.g. `ECONNREFUSED`) with secrets masked; every other property is dropped, because a fetch
 * implementation may hang the request (and its headers) on its errors.
 *
 * @example
 * sanitizeCause(new Error('key k3y refused'), createRedactor(['k3y'])) // Error('key [redacted] refused')
 */
export function sanitizeCause(error: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof error === 'string') return redact(error)
  if (!(error instanceof Error) || depth > 4) return undefined
  const copy = new Error(redact(error.message))
  copy.name = redact(error.name)
  copy.stack = redact(error.stack ?? '')
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code })
  const inner = sanitizeCause(error.cause, redact, depth + 1)
  if (inner !== undefined) copy.cause = inner
  return copy
}

/**
 * Masks secrets anywhere inside a parsed JSON value (Flow error bodies may echo input back).
 *
 * @example
 * redactJson({ messages: ['bad k3y'] }, createRedactor(['k3y'])) // { messages: ['bad [redacted]'] }
 */
export function redactJson(value: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return redact(value)
  if (typeof value !== 'object' || value === null || depth > 32) return value
  if (Array.isArray(value)) return value.map((item) => redactJson(item, redact, depth + 1))
  // fromEntries defines own properties, so a `__proto__` key stays a plain key.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redact(key), redactJson(item, redact, depth + 1)]),
  )
}
