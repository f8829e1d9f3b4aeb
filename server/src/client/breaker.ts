/**
 * When to open the circuit and for how long to keep it open.
 *
 * @example
 * const options: CircuitBreakerOptions = { failureThreshold: 5, cooldownMs: 30_000 }
 */
export type CircuitBreakerOptions = {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number
  /** How long the circuit stays open before one probe is let through. */
  cooldownMs: number
}

/**
 * `closed`: calls flow. `open`: calls are refused until the cooldown ends. `half_open`: one probe
 * is in flight; its outcome closes or re-opens the circuit.
 *
 * @example
 * const state: CircuitState = 'half_open'
 */
export type CircuitState = 'closed' | 'open' | 'half_open'

/**
 * Permission to make one attempt. Only the probe's outcome moves a half-open circuit.
 *
 * @example
 * const permit: CircuitPermit = { probe: false }
 */
export type CircuitPermit = { readonly probe: boolean }

/**
 * A circuit breaker for one upstream (here: one Flow base URL).
 *
 * @example
 * const permit = breaker.acquire()
 * if (!permit) throw new Error('circuit open')
 * breaker.record(permit, ok)
 */
export type CircuitBreaker = {
  /** A permit for one attempt, or `undefined` when the circuit refuses it. */
  acquire(): CircuitPermit | undefined
  /** Reports how the attempt made under `permit` went (`true` = Flow answered sanely). */
  record(permit: CircuitPermit, ok: boolean): void
  state(): CircuitState
  /** Milliseconds until an open circuit lets a probe through (0 unless open). */
  retryInMs(): number
}

/**
 * Creates a circuit breaker: closed → open after `failureThreshold` consecutive failures → after
 * `cooldownMs` exactly one probe is let through (half-open) → closed when it succeeds, open again
 * for another cooldown when it fails. `now` is the clock, injectable for tests.
 *
 * @example
 * const breaker = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 1000 }, () => Date.now())
 * breaker.state() // 'closed'
 */
export function createCircuitBreaker(options: CircuitBreakerOptions, now: () => number): CircuitBreaker {
  let state: CircuitState = 'closed'
  let failures = 0
  let openedAt = 0

  function open(): void {
    state = 'open'
    openedAt = now()
  }

  return {
    acquire() {
      if (state === 'closed') return { probe: false }
      if (state === 'open' && now() - openedAt >= options.cooldownMs) {
        state = 'half_open'
        return { probe: true }
      }
      // open and cooling down, or half-open with the probe still in flight
      return undefined
    },
    record(permit, ok) {
      if (permit.probe) {
        if (state !== 'half_open') return
        if (ok) {
          state = 'closed'
          failures = 0
        } else {
          open()
        }
        return
      }
      // Attempts that started before the circuit opened do not move it afterwards.
      if (state !== 'closed') return
      if (ok) {
        failures = 0
        return
      }
      failures += 1
      if (failures >= options.failureThreshold) open()
    },
    state() {
      return state
    },
    retryInMs() {
      return state === 'open' ? Math.max(0, options.cooldownMs - (now() - openedAt)) : 0
    },
  }
}
