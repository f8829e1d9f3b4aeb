// When a failed call to Flow is worth another attempt, and how long a queue row waits before it.
// Shared by the catalog and inventory queues.
import { isFlowApiError } from '../client/index.js'

/**
 * True for failures worth another attempt: network trouble, timeouts, an open circuit breaker, an
 * unreadable 2xx, 408, 429 and 5xx. Other 4xx (Flow refused the request) and programming errors
 * are permanent.
 *
 * @example
 * isTransient(new FlowApiError('http', 'PUT …: 503', { method: 'PUT', path: '/x', attempts: 3, status: 503 })) // true
 */
export function isTransient(error: unknown): boolean {
  if (!isFlowApiError(error)) return false
  if (error.code === 'http') return error.status === 408 || error.status === 429 || (error.status !== undefined && error.status >= 500)
  return true
}

/**
 * How long a row waits after its `attempts`-th failure: jittered exponential backoff (upper half
 * of `min(maxMs, baseMs × 2^(attempts-1))`), and at least a `Retry-After` the error carries
 * (`retryAfterMs`), capped at `maxMs`.
 *
 * @example
 * retryDelay({ baseMs: 2000, maxMs: 300_000 }, 3, new Error('x'), () => 0.5) // 6000
 */
export function retryDelay(delay: { baseMs: number; maxMs: number }, attempts: number, error: unknown, random: () => number = Math.random): number {
  const ceiling = Math.min(delay.maxMs, delay.baseMs * 2 ** Math.max(0, attempts - 1))
  const backoff = Math.round(ceiling / 2 + (ceiling / 2) * random())
  // The client already honoured Retry-After between its own attempts; a queue-level retry honours it too.
  const retryAfter = isFlowApiError(error) ? error.retryAfterMs : undefined
  return retryAfter !== undefined && Number.isFinite(retryAfter) ? Math.max(backoff, Math.min(retryAfter, delay.maxMs)) : backoff
}
