import ky, { HTTPError, TimeoutError } from 'ky'
import type { SearchParamsOption } from 'ky'
import { getConfig } from './config.js'
import { FlowStorefrontError } from './errors.js'
import type { FlowErrorOptions } from './errors.js'

/**
 * Options of {@link createHttp}.
 *
 * @example
 * const options: HttpOptions = { apiUrl: 'https://api.flow.io', timeoutMs: 3000, getAuthorization: () => 'Session F51…' }
 */
export type HttpOptions = {
  /** Base URL every path is resolved against: Flow's API or the emulator, e.g. `https://api.flow.io`. */
  apiUrl: string
  /** The fetch to use (tests, SSR, instrumentation); `globalThis.fetch` at call time by default. */
  fetch?: typeof globalThis.fetch
  /** Per attempt: waiting for the response headers, then again for the body. Default 5000. */
  timeoutMs?: number
  /** Retries of an idempotent request (GET, PUT, DELETE, HEAD); POST is never retried. Default 2. */
  retryLimit?: number
  /** Longest `Retry-After` the client waits; a longer one fails at once instead. Default 10000. */
  retryAfterCapMs?: number
  /** Ceiling of the jittered exponential backoff (300 ms, 600 ms, …). Default 1000. */
  backoffLimitMs?: number
  /** The `Authorization` value for each attempt, e.g. `Session <id>`; nothing is sent when it returns undefined. */
  getAuthorization?: () => string | undefined
}

/**
 * Per-request options of the {@link Http} methods.
 *
 * @example
 * const options: RequestOptions = { searchParams: [['number', 'sku-1'], ['number', 'sku-2']], signal: AbortSignal.timeout(2000) }
 * // → ?number=sku-1&number=sku-2
 */
export type RequestOptions = {
  /** Query parameters; use `URLSearchParams` or `[key, value]` pairs to repeat a key. */
  searchParams?: SearchParamsOption
  /** Aborts the request and any pending retry. */
  signal?: AbortSignal
}

/**
 * A small JSON client for the Flow API made by {@link createHttp}. Paths are relative to `apiUrl`
 * (a leading `/` is ignored). Every method rejects only with a `FlowStorefrontError`.
 *
 * @example
 * const estimate = await http.post<OrderEstimate>('demo/order-estimates', { items })
 * // → { id: 'est-1', total: { amount: 42.5, currency: 'EUR', … } }
 */
export type Http = {
  get<T>(path: string, options?: RequestOptions): Promise<T>
  post<T>(path: string, json: unknown, options?: RequestOptions): Promise<T>
  put<T>(path: string, json: unknown, options?: RequestOptions): Promise<T>
}

// 413 (which ky retries by default) is left out: a body that is too large stays too large.
const RETRY_STATUS = [408, 429, 500, 502, 503, 504]
const JSON_TYPE = 'application/json'

// Seconds or an HTTP date, in ms; undefined when absent or unreadable (then the normal backoff applies).
const retryAfter = (value: string | null): number | undefined => {
  if (!value) return
  const ms = /^\s*\d+\s*$/.test(value) ? +value * 1000 : Date.parse(value) - Date.now()
  return ms === ms ? Math.max(ms, 0) : undefined
}

/**
 * Creates the SDK's HTTP client: one ky instance with the Flow URL prefix, a per-attempt timeout,
 * retries of idempotent requests on network errors, 408, 429 and 5xx (jittered backoff, `Retry-After`
 * honoured up to `retryAfterCapMs`), the session `Authorization` header and guarded JSON parsing.
 * Every failure rejects with a `FlowStorefrontError` whose code is `network`, `timeout`, `http` or
 * `parse`, with `status`, `requestId` (from `X-Flow-Request-Id` / `X-Request-Id`) and, for `http`,
 * Flow's error body; messages and bodies never contain the session id.
 *
 * @example
 * const http = createHttp({ apiUrl: 'https://api.flow.io', getAuthorization: () => `Session ${id}` })
 * await http.get('demo/experiences', { searchParams: { country: 'DEU' } })
 * // → [{ key: 'germany', currency: 'EUR', … }]
 * // a 200 HTML page instead → rejects with FlowStorefrontError { code: 'parse', status: 200 }
 */
export function createHttp({
  apiUrl,
  fetch,
  timeoutMs = 5000,
  retryLimit = 2,
  retryAfterCapMs = 10_000,
  backoffLimitMs = 1000,
  getAuthorization,
}: HttpOptions): Http {
  if (!/^https?:\/\/./.test(apiUrl)) {
    throw new TypeError(
      `createHttp(): apiUrl must be an absolute http(s) URL such as "https://api.flow.io", received ${JSON.stringify(apiUrl)}.`,
    )
  }

  const request = async <T>(method: string, path: string, json?: unknown, options?: RequestOptions): Promise<T> => {
    // What to redact from messages and bodies: every credential sent (or about to be), as the path
    // may carry the session id too.
    const secrets: string[] = []
    const authorize = () => {
      const value = getAuthorization?.()
      const credential = value?.slice(value.indexOf(' ') + 1)
      if (credential) secrets.push(credential)
      return value
    }
    authorize()
    // The Retry-After of the last response, read before ky decides how long to wait.
    let wait: number | undefined
    const scrub = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('***'), text)
    const what = () => `${method} ${scrub(path.replace(/\?.*/, ''))}`
    const timedOut = () =>
      new FlowStorefrontError('timeout', `${what()}: Flow did not answer within ${timeoutMs} ms. Retry later, or raise timeoutMs.`)
    // ky's timeout covers the headers only; a body that stalls must not hang the page either.
    const read = (res: Response) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(timedOut()), timeoutMs)
        res.text().then(resolve, reject).finally(() => clearTimeout(timer))
      })
    const meta = (res: Response, body?: unknown): FlowErrorOptions => {
      const id = res.headers.get('x-flow-request-id') ?? res.headers.get('x-request-id')
      return id ? { status: res.status, body, requestId: id } : { status: res.status, body }
    }
    const ref = (options: FlowErrorOptions) => (options.requestId ? ` (request id ${options.requestId})` : '')

    try {
      const body = json === undefined ? null : JSON.stringify(json)
      const res = await ky(path.replace(/^\//, ''), {
        prefixUrl: apiUrl,
        timeout: timeoutMs,
        headers: { accept: JSON_TYPE, ...(body && { 'content-type': JSON_TYPE }) },
        // The body goes to fetch here instead of through ky's `json`: ky 1.9 clones a Request with a
        // body for retries and then awaits cancelling the clone, which never settles when fetch
        // failed before reading it (offline POST hangs forever; sindresorhus/ky#690, #740).
        fetch: (req, init) => (fetch ?? globalThis.fetch)(req, { ...init, body }),
        method,
        ...options,
        retry: {
          limit: retryLimit,
          methods: ['get', 'put', 'delete', 'head'],
          statusCodes: RETRY_STATUS,
          // ky v1 clamps a Retry-After above maxRetryAfter and retries anyway (its docs say it
          // cancels), and waits the whole cap for an unreadable one; so the header is handled here.
          afterStatusCodes: [],
          delay: (attempt) =>
            wait === undefined
              ? Math.min(backoffLimitMs, 300 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)
              : wait > retryAfterCapMs
                ? 0
                : wait,
        },
        hooks: {
          beforeRequest: [
            (req) => {
              const value = authorize()
              if (value) req.headers.set('authorization', value)
            },
          ],
          afterResponse: [
            (_req, _options, res) => {
              wait = retryAfter(res.headers.get('retry-after'))
            },
          ],
          beforeRetry: [
            ({ error }) => {
              // Asked to come back later than we are willing to wait: fail now rather than early.
              if ((wait ?? 0) > retryAfterCapMs) throw error
              wait = undefined
            },
          ],
        },
      })
      if (res.status === 204 || res.status === 205) return undefined as T
      const type = res.headers.get('content-type') ?? ''
      const text = /json/i.test(type) ? await read(res) : ''
      try {
        return JSON.parse(text) as T
      } catch {
        const info = meta(res)
        throw new FlowStorefrontError(
          'parse',
          `${what()}: Flow answered ${res.status} with ${type || 'no content type'}, not valid JSON (an HTML page or a truncated body). Check that apiUrl is the Flow API, then retry.${ref(info)}`,
          info,
        )
      }
    } catch (error) {
      if (error instanceof FlowStorefrontError) throw error
      if (error instanceof HTTPError) {
        const res = error.response
        const body: unknown = await read(res)
          .then((text) => JSON.parse(scrub(text)))
          .catch(() => undefined)
        const flow = body as { code?: unknown; messages?: unknown[] } | undefined
        const detail = typeof flow?.messages?.[0] === 'string' ? ` (${flow.code}: ${flow.messages[0]})` : ''
        const status = res.status
        const info = meta(res, body)
        throw new FlowStorefrontError(
          'http',
          `${what()}: Flow answered ${status}${detail}. ${
            status === 408 || status === 429 || status >= 500
              ? 'Flow is busy or unavailable; retry later.'
              : status === 401 || status === 403
                ? 'Start a new session.'
                : 'Check the path, parameters and body.'
          }${ref(info)}`,
          info,
        )
      }
      if (error instanceof TimeoutError) throw timedOut()
      throw new FlowStorefrontError(
        'network',
        `${what()}: could not reach Flow (offline, CORS, blocked or aborted). Check the connection and apiUrl.`,
        { cause: error },
      )
    }
  }

  return {
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, json, options) => request('POST', path, json, options),
    put: (path, json, options) => request('PUT', path, json, options),
  }
}

/**
 * An {@link Http} for the Flow API this page configured (`apiUrl`, `fetch`, `timeoutMs` from
 * `configure()`), authorized by `getAuthorization` when given.
 *
 * @example
 * const http = configuredHttp(() => `Session ${sessionId}`)
 * await http.get('demo/experiences/items', { searchParams: [['experience', 'germany']] })
 */
export function configuredHttp(getAuthorization?: () => string | undefined): Http {
  const config = getConfig()
  return createHttp({
    apiUrl: config.apiUrl,
    timeoutMs: config.timeoutMs,
    ...(config.fetch ? { fetch: config.fetch } : {}),
    ...(getAuthorization ? { getAuthorization } : {}),
  })
}
