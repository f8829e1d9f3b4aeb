import { afterEach, describe, expect, it } from 'vitest'
import { createCircuitBreaker } from './breaker.js'
import type { CircuitBreaker } from './breaker.js'
import { createFlowClient, FlowApiError } from './index.js'
import { startScriptedServer } from '../../test/support/scripted-server.js'
import type { ScriptedServer } from '../../test/support/scripted-server.js'

function makeClock(start = 1_000_000) {
  let time = start
  return { now: () => time, advance: (ms: number) => (time += ms) }
}

/** Runs one attempt through the breaker; returns whether it was let through. */
function attempt(breaker: CircuitBreaker, ok: boolean): boolean {
  const permit = breaker.acquire()
  if (!permit) return false
  breaker.record(permit, ok)
  return true
}

describe('createCircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures and refuses until the cooldown ends', () => {
    const clock = makeClock()
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 }, clock.now)
    const outcomes: unknown[] = [attempt(breaker, false), attempt(breaker, false), breaker.state(), attempt(breaker, false), breaker.state()]
    clock.advance(999)
    outcomes.push(attempt(breaker, true), breaker.retryInMs())
    expect(outcomes).toEqual([true, true, 'closed', true, 'open', false, 1])
  })

  it('counts only consecutive failures: a success in between resets the count', () => {
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 }, makeClock().now)
    for (const ok of [false, false, true, false, false]) attempt(breaker, ok)
    expect(breaker.state()).toBe('closed')
    attempt(breaker, false)
    expect(breaker.state()).toBe('open')
  })

  it('lets exactly one probe through after the cooldown and closes when it succeeds', () => {
    const clock = makeClock()
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 }, clock.now)
    attempt(breaker, false)
    clock.advance(1000)
    const probe = breaker.acquire()
    const second = breaker.acquire()
    const during = breaker.state()
    if (probe) breaker.record(probe, true)
    expect({ probe, second, during, after: breaker.state(), next: attempt(breaker, true) }).toEqual({
      probe: { probe: true },
      second: undefined,
      during: 'half_open',
      after: 'closed',
      next: true,
    })
  })

  it('re-opens for a fresh cooldown when the probe fails', () => {
    const clock = makeClock()
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 }, clock.now)
    attempt(breaker, false)
    clock.advance(1500)
    attempt(breaker, false) // the probe
    const state = breaker.state()
    clock.advance(999)
    const early = attempt(breaker, true)
    clock.advance(1)
    expect({ state, early, late: attempt(breaker, true), final: breaker.state() }).toEqual({
      state: 'open',
      early: false,
      late: true,
      final: 'closed',
    })
  })

  it('ignores attempts that started before the circuit opened', () => {
    const clock = makeClock()
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 }, clock.now)
    const straggler = breaker.acquire()
    attempt(breaker, false)
    if (straggler) breaker.record(straggler, true)
    expect(breaker.state()).toBe('open')
    clock.advance(1000)
    const probe = breaker.acquire()
    const late = breaker.acquire() ?? { probe: false }
    breaker.record(late, true) // refused permit reported anyway: must not close the circuit
    expect({ probe: probe?.probe, state: breaker.state() }).toEqual({ probe: true, state: 'half_open' })
  })
})

describe('the client behind the breaker', () => {
  let server: ScriptedServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  function makeClient(url: string, clock: ReturnType<typeof makeClock>) {
    return createFlowClient({
      organization: 'demo',
      apiKey: 'key',
      baseUrl: url,
      now: clock.now,
      sleep: async () => undefined,
      retry: { limit: 0 },
      breaker: { failureThreshold: 2, cooldownMs: 30_000 },
    })
  }

  async function code(promise: Promise<unknown>): Promise<string> {
    try {
      await promise
      return 'ok'
    } catch (error) {
      return error instanceof FlowApiError ? error.code : 'other'
    }
  }

  it('stops calling a failing Flow, probes once after the cooldown, and closes on success', async () => {
    const clock = makeClock()
    server = await startScriptedServer([{ status: 503 }, { status: 502 }, { body: [] }, { body: [] }])
    const flow = makeClient(server.url, clock)
    const codes = [await code(flow.listCenters()), await code(flow.listCenters()), await code(flow.listCenters())]
    const sentWhileOpen = server.requests.length
    clock.advance(30_000)
    codes.push(await code(flow.listCenters()), flow.circuitState(), await code(flow.listCenters()))
    expect({ codes, sentWhileOpen, sent: server.requests.length }).toEqual({
      codes: ['http', 'http', 'circuit_open', 'ok', 'closed', 'ok'],
      sentWhileOpen: 2,
      sent: 4,
    })
  })

  it('while the probe is in flight, other calls are refused without being sent', async () => {
    const clock = makeClock()
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    server = await startScriptedServer([{ status: 500 }, { status: 500 }, { body: [], waitFor: held }, { body: [] }])
    const flow = makeClient(server.url, clock)
    await code(flow.listCenters())
    await code(flow.listCenters())
    clock.advance(30_000)
    const probe = code(flow.listCenters())
    await new Promise((resolve) => setImmediate(resolve))
    const during = [flow.circuitState(), await code(flow.listCenters()), await code(flow.getWebhookSettings())]
    release()
    expect({ during, probe: await probe, after: flow.circuitState(), sent: server.requests.length }).toEqual({
      during: ['half_open', 'circuit_open', 'circuit_open'],
      probe: 'ok',
      after: 'closed',
      sent: 3,
    })
  })

  it('is not opened by 4xx answers, which show Flow is up', async () => {
    const clock = makeClock()
    server = await startScriptedServer(() => ({ status: 422, body: { code: 'generic_error', messages: ['bad'] } }))
    const flow = makeClient(server.url, clock)
    for (let i = 0; i < 5; i++) await code(flow.listCenters())
    expect({ state: flow.circuitState(), sent: server.requests.length }).toEqual({ state: 'closed', sent: 5 })
  })

  it('counts HTML-with-200 as a failure', async () => {
    const clock = makeClock()
    server = await startScriptedServer(() => ({ headers: { 'content-type': 'text/html' }, body: '<h1>down</h1>' }))
    const flow = makeClient(server.url, clock)
    await code(flow.listCenters())
    await code(flow.listCenters())
    expect({ state: flow.circuitState(), next: await code(flow.listCenters()) }).toEqual({ state: 'open', next: 'circuit_open' })
  })

  it('a circuit that opens during retries stops them', async () => {
    const clock = makeClock()
    server = await startScriptedServer(() => ({ status: 503 }))
    const flow = createFlowClient({
      organization: 'demo',
      apiKey: 'key',
      baseUrl: server.url,
      now: clock.now,
      sleep: async () => undefined,
      retry: { limit: 5 },
      breaker: { failureThreshold: 2, cooldownMs: 30_000 },
    })
    let error: unknown
    try {
      await flow.listCenters()
    } catch (caught) {
      error = caught
    }
    expect(error instanceof FlowApiError && { code: error.code, attempts: error.attempts, status: error.status }).toEqual({
      code: 'circuit_open',
      attempts: 2,
      status: 503,
    })
    expect(server.requests).toHaveLength(2)
  })
})
