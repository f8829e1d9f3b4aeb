import { createCircuitBreaker } from './breaker.js'
import type { CircuitBreakerOptions, CircuitState } from './breaker.js'
import { createRequest } from './http.js'
import type { FlowRequest } from './http.js'
import { createCall, createOperations } from './operations.js'
import type { FlowCall, FlowOperationMethods } from './operations.js'
import type { RetryOptions } from './retry.js'

export { FlowApiError, isFlowApiError } from './errors.js'
export type { FlowApiErrorCode } from './errors.js'
export type { CircuitBreakerOptions, CircuitState } from './breaker.js'
export type { RetryOptions } from './retry.js'
export type { FlowAuth, FlowRequest, FlowRequestOptions, QueryValue } from './http.js'
export type {
  AllFlowOperations,
  CallInput,
  FlowCall,
  FlowOperationMethods,
  FlowOperationName,
  PostOptions,
  ShopperOptions,
} from './operations.js'
export type * from './types.js'
export type * from './extra-types.js'

/**
 * Options of `createFlowClient`. Only `organization` and `apiKey` are required; the ports
 * (`fetch`, `sleep`, `now`, `random`) default to Node's and exist so tests can run without the
 * network or real waiting.
 *
 * @example
 * const options: FlowClientOptions = { organization: 'demo', apiKey: process.env.FLOW_API_KEY ?? '' }
 */
export type FlowClientOptions = {
  organization: string
  apiKey: string
  /** Default `https://api.flow.io`; point it at the emulator for development and tests. */
  baseUrl?: string
  fetch?: typeof globalThis.fetch
  /** Per attempt, covering the whole body. Default 15 000. */
  timeoutMs?: number
  /** Defaults: `{ limit: 2, baseDelayMs: 300, maxDelayMs: 5000, retryAfterCapMs: 30_000 }`. */
  retry?: Partial<RetryOptions>
  /** Defaults: `{ failureThreshold: 5, cooldownMs: 30_000 }`. */
  breaker?: Partial<CircuitBreakerOptions>
  /** In [0, 1); jitters the backoff. Default `Math.random`. */
  random?: () => number
  /** Waits between attempts. Default a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>
  /** Milliseconds since the epoch; drives the breaker and `Retry-After` dates. Default `Date.now`. */
  now?: () => number
}

/**
 * A Flow API client for one organization: the named methods, `call` for any operation by its spec
 * key, `request` for anything else, and the breaker's state.
 *
 * @example
 * const flow: FlowClient = createFlowClient({ organization: 'demo', apiKey })
 */
export type FlowClient = FlowOperationMethods & {
  readonly organization: string
  readonly call: FlowCall
  readonly request: FlowRequest
  /** `closed`, `open` or `half_open`. */
  circuitState(): CircuitState
}

const DEFAULT_RETRY: RetryOptions = { limit: 2, baseDelayMs: 300, maxDelayMs: 5000, retryAfterCapMs: 30_000 }
const DEFAULT_BREAKER: CircuitBreakerOptions = { failureThreshold: 5, cooldownMs: 30_000 }

/**
 * Creates a typed client of the Flow Commerce API. Merchant calls authenticate with HTTP Basic
 * (the API key as user, empty password); shopper calls can use `Authorization: Session <id>`.
 * GET, PUT and DELETE are retried on network errors, timeouts, 408, 429 and 5xx with jittered
 * exponential backoff, honouring `Retry-After` up to a cap; a POST is retried only with an
 * idempotency key, sent unchanged on every attempt. A circuit breaker stops calls after
 * consecutive failures and lets one probe through after a cooldown. Every failure is a
 * `FlowApiError` that never contains the API key.
 *
 * @example
 * const flow = createFlowClient({ organization: 'demo', apiKey, baseUrl: 'http://127.0.0.1:7070' })
 * const item = await flow.getItem('SKU-1') // Item, or undefined when Flow answers 404
 * await flow.putItem({ number: 'SKU-1', locale: 'en_US', name: 'Tee', currency: 'USD', price: 20 })
 */
export function createFlowClient(options: FlowClientOptions): FlowClient {
  const { organization, apiKey } = options
  if (typeof organization !== 'string' || organization === '') {
    throw new TypeError(`createFlowClient(): \`organization\` must be a non-empty string. Received: ${kind(organization)}`)
  }
  // The received value is never echoed: it may be a key.
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new TypeError(`createFlowClient(): \`apiKey\` must be a non-empty string. Received: ${kind(apiKey)}`)
  }
  const baseUrl = options.baseUrl ?? 'https://api.flow.io'
  if (!/^https?:\/\/[^/]/.test(baseUrl) || !URL.canParse(baseUrl)) {
    throw new TypeError(`createFlowClient(): \`baseUrl\` must be an http(s) URL such as 'https://api.flow.io'. Received: ${JSON.stringify(baseUrl)}`)
  }
  const timeoutMs = options.timeoutMs ?? 15_000
  positive('timeoutMs', timeoutMs)
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  if (!Number.isInteger(retry.limit) || retry.limit < 0) {
    throw new RangeError(`createFlowClient(): \`retry.limit\` must be an integer ≥ 0. Received: ${retry.limit}`)
  }
  nonNegative('retry.baseDelayMs', retry.baseDelayMs)
  nonNegative('retry.maxDelayMs', retry.maxDelayMs)
  nonNegative('retry.retryAfterCapMs', retry.retryAfterCapMs)
  const breakerOptions = { ...DEFAULT_BREAKER, ...options.breaker }
  if (!Number.isInteger(breakerOptions.failureThreshold) || breakerOptions.failureThreshold < 1) {
    throw new RangeError(`createFlowClient(): \`breaker.failureThreshold\` must be an integer ≥ 1. Received: ${breakerOptions.failureThreshold}`)
  }
  nonNegative('breaker.cooldownMs', breakerOptions.cooldownMs)

  const now = options.now ?? Date.now
  const breaker = createCircuitBreaker(breakerOptions, now)
  const request = createRequest({
    baseUrl,
    apiKey,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs,
    retry,
    breaker,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now,
  })
  const call = createCall(request, organization)
  return {
    ...createOperations(call),
    organization,
    call,
    request,
    circuitState: () => breaker.state(),
  }
}

function kind(value: unknown): string {
  if (value === '') return 'an empty string'
  return value === null ? 'null' : typeof value
}

function positive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`createFlowClient(): \`${name}\` must be a positive number of milliseconds. Received: ${String(value)}`)
  }
}

function nonNegative(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`createFlowClient(): \`${name}\` must be a number of milliseconds ≥ 0. Received: ${String(value)}`)
  }
}
