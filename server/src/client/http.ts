import type { CircuitBreaker } from './breaker.js'
import { createRedactor, FlowApiError, messagesOf, redactJson, sanitizeCause } from './errors.js'
import type { FlowApiErrorCode } from './errors.js'
import { backoffDelay, isIdempotentMethod, isRetryableStatus, parseRetryAfter } from './retry.js'
import type { RetryOptions } from './retry.js'

/**
 * How a call authenticates: `'basic'` sends the API key (merchant calls); `{ session }` sends
 * `Authorization: Session <id>` (shopper calls made on a shopper's behalf).
 *
 * @example
 * const auth: FlowAuth = { session: 'F51jB0...' }
 */
export type FlowAuth = 'basic' | { session: string }

/**
 * One query-string value; an array becomes a repeated parameter (`number=a&number=b`), and
 * `undefined` is left out.
 *
 * @example
 * const value: QueryValue = ['SKU-1', 'SKU-2']
 */
export type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined

/**
 * Options of one request.
 *
 * @example
 * const options: FlowRequestOptions = { body: form, idempotencyKey: 'refund-R1', auth: 'basic' }
 */
export type FlowRequestOptions = {
  query?: Readonly<Record<string, QueryValue>>
  /** Sent as JSON, the same bytes on every attempt. */
  body?: unknown
  /**
   * Sent as the `Idempotency-Key` header on every attempt. A POST is retried only when it has
   * one; it must be deterministic (derived from what the call does, not random per call).
   */
  idempotencyKey?: string
  /** Defaults to `'basic'`. */
  auth?: FlowAuth
  /** Values masked in errors besides the credentials, e.g. a session id or token in the path. */
  redact?: readonly string[]
}

/**
 * Sends one logical request to Flow (with its retries) and resolves with the parsed JSON body, or
 * `undefined` for 204. Rejects with `FlowApiError` only.
 *
 * @example
 * const centers = await request<Center[]>('GET', '/demo/centers', { query: { limit: 100 } })
 */
export type FlowRequest = <T = unknown>(method: string, path: string, options?: FlowRequestOptions) => Promise<T>

/**
 * Everything the transport needs, already defaulted by `createFlowClient`.
 *
 * @example
 * const request = createRequest({ baseUrl, apiKey, fetch, timeoutMs: 15_000, retry, breaker, random: Math.random, sleep, now: Date.now })
 */
export type TransportConfig = {
  baseUrl: string
  apiKey: string
  fetch: typeof globalThis.fetch
  timeoutMs: number
  retry: RetryOptions
  breaker: CircuitBreaker
  random: () => number
  sleep: (ms: number) => Promise<void>
  now: () => number
}

type Failure = {
  ok: false
  code: Exclude<FlowApiErrorCode, 'circuit_open'>
  retryable: boolean
  status?: number
  requestId?: string
  body?: unknown
  cause?: unknown
  retryAfterMs?: number
  detail?: string
}

type Outcome = { ok: true; value: unknown } | Failure

const REQUEST_ID_HEADERS = ['x-flow-request-id', 'x-request-id', 'request-id']

/**
 * Builds the request function: auth headers, JSON in and out, per-attempt timeout, retries with
 * jittered backoff and `Retry-After`, the circuit breaker, and errors with secrets masked.
 *
 * Retried: GET, HEAD, PUT, DELETE, and a POST that carries an idempotency key, on network errors,
 * timeouts, 408, 429 and 5xx. Not retried: other 4xx, and a 2xx whose body is not JSON.
 * The breaker counts network errors, timeouts, 5xx and unparseable bodies as failures; any other
 * answer (including 4xx and 429) shows Flow is up and counts as a success.
 *
 * @example
 * const request = createRequest(config)
 * await request('PUT', '/demo/catalog/items/SKU-1', { body: itemForm }) // → the item
 */
export function createRequest(config: TransportConfig): FlowRequest {
  const basic = `Basic ${Buffer.from(`${config.apiKey}:`).toString('base64')}`
  const credentials = [config.apiKey, basic.slice('Basic '.length)]
  const base = config.baseUrl.replace(/\/+$/, '')

  async function attempt(url: URL, init: RequestInit, method: string): Promise<Outcome> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), config.timeoutMs)
    try {
      const response = await config.fetch(url, { ...init, signal: controller.signal })
      // The timer keeps running while the body streams in: a stalled body is a timeout too.
      const text = await response.text()
      return interpret(response, text, method)
    } catch (error) {
      if (controller.signal.aborted) return { ok: false, code: 'timeout', retryable: true }
      return { ok: false, code: 'network', retryable: true, cause: error, detail: networkDetail(error) }
    } finally {
      clearTimeout(timer)
    }
  }

  function interpret(response: Response, text: string, method: string): Outcome {
    const status = response.status
    const requestId = readRequestId(response.headers)
    const ids = requestId === undefined ? {} : { requestId }
    if (status >= 200 && status < 300) {
      if (status === 204 || status === 205 || method === 'HEAD') return { ok: true, value: undefined }
      const type = response.headers.get('content-type')
      if (type !== null && !isJsonType(type)) {
        return { ok: false, code: 'parse', retryable: false, status, ...ids, detail: `content type ${mediaType(type)}` }
      }
      try {
        return { ok: true, value: JSON.parse(text) as unknown }
      } catch (error) {
        const detail = text === '' ? 'empty body' : 'malformed JSON'
        return { ok: false, code: 'parse', retryable: false, status, ...ids, cause: error, detail }
      }
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), config.now)
    return {
      ok: false,
      code: 'http',
      retryable: isRetryableStatus(status),
      status,
      ...ids,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      body: parseErrorBody(text),
    }
  }

  return async function request<T = unknown>(method: string, path: string, options: FlowRequestOptions = {}): Promise<T> {
    const verb = method.toUpperCase()
    if (!/^[A-Z]+$/.test(verb)) throw new TypeError(`request(): method must be an HTTP method such as 'GET'. Received: ${JSON.stringify(method)}`)
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TypeError(`request(): path must start with '/'. Received: ${JSON.stringify(path)}`)
    }
    const auth = options.auth ?? 'basic'
    const session = auth === 'basic' ? undefined : auth.session
    if (auth !== 'basic' && (typeof session !== 'string' || session === '')) {
      throw new TypeError('request(): auth.session must be a non-empty session id.')
    }
    const key = options.idempotencyKey
    if (key !== undefined && (typeof key !== 'string' || !/^[\x21-\x7e][\x20-\x7e]*$/.test(key))) {
      throw new TypeError(`request(): idempotencyKey must be a non-empty string of printable ASCII (it is sent as a header). Received: ${JSON.stringify(key)}`)
    }
    const redact = createRedactor([...credentials, session, ...(options.redact ?? [])])
    const where = `${verb} ${redact(path.split('?')[0] ?? path)}`

    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: session === undefined ? basic : `Session ${session}`,
      'user-agent': 'flow-storefront-server',
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    if (key !== undefined) headers['idempotency-key'] = key
    const init: RequestInit = {
      method: verb,
      headers,
      // Flow does not redirect; following one could hand the key to another host.
      redirect: 'manual',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }
    const url = buildUrl(base, path, options.query)
    const mayRetry = isIdempotentMethod(verb) || key !== undefined

    let attempts = 0
    let last: FlowApiError | undefined
    for (;;) {
      const permit = config.breaker.acquire()
      if (!permit) {
        const when =
          config.breaker.state() === 'half_open'
            ? 'a probe request is deciding whether to close it'
            : `the next probe goes through in ${config.breaker.retryInMs()} ms`
        throw new FlowApiError(
          'circuit_open',
          `${where}: not sent, Flow failed repeatedly and the circuit breaker is open; ${when}.`,
          { method: verb, path: where.slice(verb.length + 1), attempts, status: last?.status, cause: last },
        )
      }
      attempts += 1
      const outcome = await attempt(url, init, verb)
      config.breaker.record(permit, outcome.ok || (outcome.code === 'http' && (outcome.status ?? 0) < 500))
      if (outcome.ok) return outcome.value as T

      last = toError(outcome, verb, where, attempts, redact)
      if (!mayRetry || !outcome.retryable || attempts > config.retry.limit) throw last
      const delay =
        outcome.retryAfterMs === undefined
          ? backoffDelay(attempts, config.retry, config.random)
          : Math.min(outcome.retryAfterMs, config.retry.retryAfterCapMs)
      await config.sleep(delay)
    }
  }

  function toError(failure: Failure, method: string, where: string, attempts: number, redact: (text: string) => string): FlowApiError {
    const after = attempts > 1 ? ` after ${attempts} attempts` : ''
    const rid = failure.requestId === undefined ? '' : ` Request id ${failure.requestId}.`
    const body = redactJson(failure.body, redact)
    let message: string
    switch (failure.code) {
      case 'network':
        message = `${where}: could not reach Flow (${redact(failure.detail ?? 'network error')})${after}. Check the network and baseUrl.`
        break
      case 'timeout':
        message = `${where}: no answer from Flow within ${config.timeoutMs} ms${after}. Retry later or raise timeoutMs.`
        break
      case 'parse':
        message = `${where}: Flow answered ${failure.status} with a body that is not JSON (${failure.detail}). A proxy or an outage page may be in the way.${rid}`
        break
      case 'http': {
        const messages = messagesOf(body)
        const said = messages.length > 0 ? ` (${messages.join('; ')})` : ''
        message = `${where}: Flow answered ${failure.status}${said}${after}. ${hint(failure.status ?? 0)}${rid}`
        break
      }
    }
    return new FlowApiError(failure.code, message, {
      method,
      path: where.slice(method.length + 1),
      attempts,
      status: failure.status,
      requestId: failure.requestId,
      body,
      cause: sanitizeCause(failure.cause, redact),
      retryAfterMs: failure.retryAfterMs,
    })
  }
}

function buildUrl(base: string, path: string, query: FlowRequestOptions['query']): URL {
  const url = new URL(base + path)
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue
    const values: readonly (string | number | boolean)[] = Array.isArray(value) ? value : [value as string | number | boolean]
    for (const item of values) url.searchParams.append(name, String(item))
  }
  return url
}

function readRequestId(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name)
    if (value) return value
  }
  return undefined
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase()
}

function isJsonType(contentType: string): boolean {
  const type = mediaType(contentType)
  return type === 'application/json' || type.endsWith('+json') || type === 'text/json'
}

function parseErrorBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    // An HTML error page or a cut-off body: the status says enough.
    return undefined
  }
}

function networkDetail(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined
  if (typeof code === 'string') return code
  return error instanceof Error ? error.message : 'network error'
}

function hint(status: number): string {
  if (status === 401 || status === 403) return 'Check the organization and the API key.'
  if (status === 404) return 'Check the path and the identifiers in it.'
  if (status === 422) return "Fix the request; Flow's messages say what is wrong."
  if (status === 429) return 'Flow is rate limiting these calls; slow down or retry later.'
  if (status === 408 || status >= 500) return 'Flow is having trouble; retry later.'
  return 'Check the request.'
}
