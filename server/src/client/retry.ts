/**
 * How often and how patiently to retry. `limit` counts retries, so `limit: 2` makes at most three
 * attempts.
 *
 * @example
 * const retry: RetryOptions = { limit: 2, baseDelayMs: 300, maxDelayMs: 5000, retryAfterCapMs: 30_000 }
 */
export type RetryOptions = {
  limit: number
  /** Backoff before the first retry; doubles on each further retry. */
  baseDelayMs: number
  /** Ceiling of the computed backoff. */
  maxDelayMs: number
  /** Ceiling of a server-sent `Retry-After`; a longer one is waited for this long only. */
  retryAfterCapMs: number
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE'])

/**
 * True for methods that may be repeated without changing the outcome (RELIABILITY.md: GET, PUT,
 * DELETE; HEAD as a read).
 *
 * @example
 * isIdempotentMethod('PUT') // true
 * isIdempotentMethod('POST') // false
 */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase())
}

/**
 * True for statuses worth another attempt: 408, 429 and every 5xx.
 *
 * @example
 * isRetryableStatus(503) // true
 * isRetryableStatus(422) // false
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599)
}

/**
 * Jittered exponential backoff before retry number `retry` (1 for the first retry): the delay is
 * drawn from the upper half of `min(maxDelayMs, baseDelayMs × 2^(retry-1))`, so clients that
 * failed together do not retry together, and no retry comes immediately.
 *
 * @example
 * backoffDelay(3, { limit: 5, baseDelayMs: 100, maxDelayMs: 10_000, retryAfterCapMs: 0 }, () => 0.5) // 300
 */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1))
  return Math.round(ceiling / 2 + (ceiling / 2) * random())
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delta-seconds (`"120"`) or an HTTP date.
 * `undefined` when absent or unreadable; a date in the past gives 0.
 *
 * @example
 * parseRetryAfter('2', Date.now) // 2000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', () => Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')) // 60000
 */
export function parseRetryAfter(value: string | null, now: () => number): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now())
}
