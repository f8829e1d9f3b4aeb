import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { createFlowClient, FlowApiError, isFlowApiError } from './index.js'
import type { FlowClientOptions } from './index.js'
import { startScriptedServer } from '../../test/support/scripted-server.js'
import type { Reply, ScriptedServer } from '../../test/support/scripted-server.js'

const API_KEY = 'sk_test_Zq8VbLm2Pw7c'
const BASIC = Buffer.from(`${API_KEY}:`).toString('base64')

let server: ScriptedServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function serve(script: Parameters<typeof startScriptedServer>[0]): Promise<ScriptedServer> {
  server = await startScriptedServer(script)
  return server
}

/** A client whose waits are recorded instead of slept, with jitter fixed at the middle. */
function makeClient(url: string, overrides: Partial<FlowClientOptions> = {}) {
  const delays: number[] = []
  const client = createFlowClient({
    organization: 'demo',
    apiKey: API_KEY,
    baseUrl: url,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms)
    },
    ...overrides,
  })
  return { client, delays }
}

async function failure(promise: Promise<unknown>): Promise<FlowApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof FlowApiError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

const ok: Reply = { body: { id: 'ok' } }

describe('authentication and headers', () => {
  it('sends the API key as Basic user with an empty password, and JSON headers', async () => {
    const s = await serve([ok])
    const { client } = makeClient(s.url)
    await client.request('PUT', '/demo/catalog/items/SKU-1', { body: { number: 'SKU-1' } })
    const [request] = s.requests
    expect({
      authorization: request?.headers.authorization,
      accept: request?.headers.accept,
      contentType: request?.headers['content-type'],
      body: request?.body,
    }).toEqual({
      authorization: `Basic ${BASIC}`,
      accept: 'application/json',
      contentType: 'application/json',
      body: '{"number":"SKU-1"}',
    })
  })

  it('sends Session auth for shopper calls and not the API key', async () => {
    const s = await serve([ok])
    const { client } = makeClient(s.url)
    await client.request('GET', '/demo/experiences', { auth: { session: 'sess-123' } })
    expect(s.requests[0]?.headers.authorization).toBe('Session sess-123')
  })

  it('encodes query arrays as repeated parameters and leaves undefined out', async () => {
    const s = await serve([{ body: [] }])
    const { client } = makeClient(s.url)
    await client.request('GET', '/demo/experiences/items', { query: { number: ['A', 'B/C'], experience: 'de', ip: undefined } })
    expect(s.requests[0]?.query.toString()).toBe('number=A&number=B%2FC&experience=de')
  })

  it('does not follow redirects, so the key never travels to another host', async () => {
    const elsewhere = await startScriptedServer([ok])
    try {
      const s = await serve([{ status: 302, headers: { location: `${elsewhere.url}/steal` } }])
      const { client } = makeClient(s.url)
      const error = await failure(client.request('GET', '/demo/centers'))
      expect({ code: error.code, status: error.status, forwarded: elsewhere.requests.length }).toEqual({
        code: 'http',
        status: 302,
        forwarded: 0,
      })
    } finally {
      await elsewhere.close()
    }
  })
})

describe('retries', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries a GET after %i and returns the next answer', async (status) => {
    const s = await serve([{ status }, ok])
    const { client, delays } = makeClient(s.url)
    await expect(client.request('GET', '/demo/centers')).resolves.toEqual({ id: 'ok' })
    expect({ requests: s.requests.length, delays }).toEqual({ requests: 2, delays: [225] })
  })

  it.each(['PUT', 'DELETE'])('retries a %s after a 503', async (method) => {
    const s = await serve([{ status: 503 }, { status: 204 }])
    const { client } = makeClient(s.url)
    await expect(client.request(method, '/demo/catalog/items/SKU-1')).resolves.toBeUndefined()
    expect(s.requests.map((r) => r.method)).toEqual([method, method])
  })

  it('retries a GET after a dropped connection (network error)', async () => {
    const s = await serve([{ destroy: true }, ok])
    const { client, delays } = makeClient(s.url)
    await expect(client.request('GET', '/demo/centers')).resolves.toEqual({ id: 'ok' })
    expect({ requests: s.requests.length, delays }).toEqual({ requests: 2, delays: [225] })
  })

  it('retries a GET whose body is cut off mid-stream', async () => {
    const s = await serve([{ partial: { bytes: '{"id":"o', then: 'destroy' } }, ok])
    const { client } = makeClient(s.url)
    await expect(client.request('GET', '/demo/centers')).resolves.toEqual({ id: 'ok' })
    expect(s.requests).toHaveLength(2)
  })

  it.each([400, 401, 403, 404, 409, 422])('does not retry a %i', async (status) => {
    const s = await serve([{ status }, ok])
    const { client, delays } = makeClient(s.url)
    const error = await failure(client.request('GET', '/demo/centers'))
    expect({ code: error.code, status: error.status, attempts: error.attempts, requests: s.requests.length, delays }).toEqual({
      code: 'http',
      status,
      attempts: 1,
      requests: 1,
      delays: [],
    })
  })

  it('gives up after retry.limit retries with the last status, backing off exponentially with jitter', async () => {
    const s = await serve(() => ({ status: 503 }))
    const { client, delays } = makeClient(s.url, { retry: { limit: 3, baseDelayMs: 100, maxDelayMs: 10_000 } })
    const error = await failure(client.request('GET', '/demo/centers'))
    // random() = 0.5 → three quarters of 100, 200, 400
    expect({ code: error.code, status: error.status, attempts: error.attempts, requests: s.requests.length, delays }).toEqual({
      code: 'http',
      status: 503,
      attempts: 4,
      requests: 4,
      delays: [75, 150, 300],
    })
  })

  it('jitters the backoff with the random port and caps it at maxDelayMs', async () => {
    const s = await serve(() => ({ status: 500 }))
    const randoms = [0, 0.999, 0, 0.999]
    const { client, delays } = makeClient(s.url, {
      random: () => randoms.shift() ?? 0,
      retry: { limit: 4, baseDelayMs: 1000, maxDelayMs: 3000 },
    })
    await failure(client.request('GET', '/demo/centers'))
    // ceilings 1000, 2000, 4000→3000, 8000→3000; the delay is drawn from the upper half
    expect(delays).toEqual([500, 1999, 1500, 2999])
  })

  it('never retries a POST without an idempotency key, whatever the failure', async () => {
    const s = await serve([{ status: 503 }, { destroy: true }, ok, ok])
    const { client, delays } = makeClient(s.url)
    const first = await failure(client.request('POST', '/demo/checkout/tokens', { body: { a: 1 } }))
    const second = await failure(client.request('POST', '/demo/checkout/tokens', { body: { a: 1 } }))
    expect({ first: first.code, second: second.code, requests: s.requests.length, delays }).toEqual({
      first: 'http',
      second: 'network',
      requests: 2,
      delays: [],
    })
    expect(s.requests[0]?.headers['idempotency-key']).toBeUndefined()
  })

  it('retries a POST that carries an idempotency key, with the same key and body every time', async () => {
    const s = await serve([{ status: 503 }, { destroy: true }, { status: 201, body: { id: 'tok' } }])
    const { client } = makeClient(s.url)
    const result = await client.request('POST', '/demo/checkout/tokens', { body: { order: 'o-1' }, idempotencyKey: 'cart-9:v3' })
    expect(result).toEqual({ id: 'tok' })
    expect(s.requests.map((r) => [r.method, r.headers['idempotency-key'], r.body])).toEqual([
      ['POST', 'cart-9:v3', '{"order":"o-1"}'],
      ['POST', 'cart-9:v3', '{"order":"o-1"}'],
      ['POST', 'cart-9:v3', '{"order":"o-1"}'],
    ])
  })
})

describe('Retry-After', () => {
  it('waits the seconds Flow asks for instead of the backoff', async () => {
    const s = await serve([{ status: 429, headers: { 'retry-after': '3' } }, ok])
    const { client, delays } = makeClient(s.url)
    await client.request('GET', '/demo/centers')
    expect(delays).toEqual([3000])
  })

  it('caps a long Retry-After in seconds at retryAfterCapMs', async () => {
    const s = await serve([{ status: 503, headers: { 'retry-after': '120' } }, ok])
    const { client, delays } = makeClient(s.url, { retry: { retryAfterCapMs: 10_000 } })
    await client.request('GET', '/demo/centers')
    expect(delays).toEqual([10_000])
  })

  it('reads an HTTP date against the injected clock', async () => {
    const now = Date.parse('2024-05-01T10:00:00Z')
    const s = await serve([{ status: 429, headers: { 'retry-after': new Date(now + 7000).toUTCString() } }, ok])
    const { client, delays } = makeClient(s.url, { now: () => now })
    await client.request('GET', '/demo/centers')
    expect(delays).toEqual([7000])
  })

  it('caps an HTTP date far in the future at retryAfterCapMs', async () => {
    const now = Date.parse('2024-05-01T10:00:00Z')
    const s = await serve([{ status: 503, headers: { 'retry-after': new Date(now + 3_600_000).toUTCString() } }, ok])
    const { client, delays } = makeClient(s.url, { now: () => now, retry: { retryAfterCapMs: 20_000 } })
    await client.request('GET', '/demo/centers')
    expect(delays).toEqual([20_000])
  })

  it('does not turn a POST without a key into a retry because of Retry-After', async () => {
    const s = await serve([{ status: 429, headers: { 'retry-after': '1' } }, ok])
    const { client, delays } = makeClient(s.url)
    const error = await failure(client.request('POST', '/demo/refunds', { body: {} }))
    expect({ status: error.status, requests: s.requests.length, delays }).toEqual({ status: 429, requests: 1, delays: [] })
  })

  it('hands the last Retry-After to the caller on the error, so a queue can wait as long', async () => {
    const s = await serve(() => ({ status: 503, headers: { 'retry-after': '42' } }))
    const { client } = makeClient(s.url, { retry: { limit: 1, retryAfterCapMs: 1000 } })
    const error = await failure(client.request('GET', '/demo/centers'))
    expect({ status: error.status, retryAfterMs: error.retryAfterMs }).toEqual({ status: 503, retryAfterMs: 42_000 })
  })
})

describe('timeout', () => {
  it('aborts an attempt that gets no answer and retries it, then reports a timeout', async () => {
    const s = await serve(() => ({ hang: true }))
    const { client, delays } = makeClient(s.url, { timeoutMs: 50, retry: { limit: 1 } })
    const error = await failure(client.request('GET', '/demo/centers'))
    expect({ code: error.code, attempts: error.attempts, requests: s.requests.length, delays }).toEqual({
      code: 'timeout',
      attempts: 2,
      requests: 2,
      delays: [225],
    })
  })

  it('times out a body that stalls after the headers', async () => {
    const s = await serve([{ partial: { bytes: '{"id":', then: 'hang' } }, ok])
    const { client } = makeClient(s.url, { timeoutMs: 50, retry: { limit: 0 } })
    const error = await failure(client.request('GET', '/demo/centers'))
    expect(error.code).toBe('timeout')
  })
})

describe('parse guard', () => {
  it('rejects HTML served with 200 and does not retry it', async () => {
    const s = await serve([{ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Maintenance</html>' }, ok])
    const { client } = makeClient(s.url)
    const error = await failure(client.request('GET', '/demo/centers'))
    expect({ code: error.code, status: error.status, requests: s.requests.length }).toEqual({ code: 'parse', status: 200, requests: 1 })
    expect(error.message).toContain('text/html')
  })

  it('rejects a truncated JSON body even when labelled JSON', async () => {
    const s = await serve([{ headers: { 'content-type': 'application/json' }, body: '{"id":"abc","name":"Te' }])
    const { client } = makeClient(s.url)
    const error = await failure(client.request('GET', '/demo/centers'))
    expect({ code: error.code, status: error.status }).toEqual({ code: 'parse', status: 200 })
  })

  it('rejects an HTML page labelled as JSON', async () => {
    const s = await serve([{ headers: { 'content-type': 'application/json' }, body: '<!doctype html><p>oops' }])
    const { client } = makeClient(s.url)
    expect((await failure(client.request('GET', '/demo/centers'))).code).toBe('parse')
  })

  it('rejects an empty 200 body, and resolves undefined for a 204', async () => {
    const s = await serve([{ status: 200, headers: { 'content-type': 'application/json' } }, { status: 204 }])
    const { client } = makeClient(s.url)
    expect((await failure(client.request('GET', '/demo/centers'))).code).toBe('parse')
    await expect(client.request('DELETE', '/demo/webhooks/w1')).resolves.toBeUndefined()
  })
})

describe('errors', () => {
  it("carry status, request id, Flow's error body, method and path (without the query)", async () => {
    const body = { code: 'generic_error', messages: ['Price must be positive', 'Name is required'] }
    const s = await serve([{ status: 422, headers: { 'x-flow-request-id': 'req-42' }, body }])
    const { client } = makeClient(s.url)
    const error = await failure(client.request('PUT', '/demo/catalog/items/SKU-1?ip=203.0.113.9', { body: {} }))
    expect({
      name: error.name,
      code: error.code,
      status: error.status,
      requestId: error.requestId,
      body: error.body,
      messages: error.messages,
      method: error.method,
      path: error.path,
      attempts: error.attempts,
      isFlowApiError: isFlowApiError(error),
    }).toEqual({
      name: 'FlowApiError',
      code: 'http',
      status: 422,
      requestId: 'req-42',
      body,
      messages: ['Price must be positive', 'Name is required'],
      method: 'PUT',
      path: '/demo/catalog/items/SKU-1',
      attempts: 1,
      isFlowApiError: true,
    })
    expect(error.message).toBe(
      "PUT /demo/catalog/items/SKU-1: Flow answered 422 (Price must be positive; Name is required). Fix the request; Flow's messages say what is wrong. Request id req-42.",
    )
  })

  it('report a network failure with its cause', async () => {
    const s = await serve([ok])
    const url = s.url
    await s.close()
    server = undefined
    const { client } = makeClient(url, { retry: { limit: 1 } })
    const error = await failure(client.request('GET', '/demo/centers'))
    expect({ code: error.code, attempts: error.attempts, status: error.status }).toEqual({ code: 'network', attempts: 2, status: undefined })
    expect(error.message).toContain('ECONNREFUSED')
    expect(error.cause).toBeInstanceOf(Error)
  })
})

describe('the API key never leaks', () => {
  /** Everything an error exposes: own properties (enumerable or not), stack and the cause chain. */
  function everything(error: unknown): string {
    return [inspect(error, { showHidden: true, depth: Infinity }), JSON.stringify(error, Object.getOwnPropertyNames(error)), String(error)].join('\n')
  }

  function expectClean(text: string): void {
    expect(text).not.toContain(API_KEY)
    expect(text).not.toContain(BASIC)
    expect(text.toLowerCase()).not.toContain('authorization')
  }

  it('not in an http error whose body echoes the key and the Authorization header', async () => {
    const s = await serve([
      {
        status: 401,
        body: { code: 'generic_error', messages: [`Invalid key ${API_KEY}`], headers: { Authorization: `Basic ${BASIC}` } },
      },
    ])
    const { client } = makeClient(s.url)
    const error = await failure(client.request('GET', `/demo/centers/${API_KEY}`))
    expect(error.status).toBe(401)
    expect(error.messages).toEqual(['Invalid key [redacted]'])
    // The body keeps its shape (so the word "Authorization" stays); only the secrets are masked.
    expect(everything(error)).not.toContain(API_KEY)
    expect(everything(error)).not.toContain(BASIC)
    expect(error.path).toBe('/demo/centers/[redacted]')
  })

  it('not in network, timeout, parse or circuit-open errors', async () => {
    const s = await serve([{ destroy: true }, { hang: true }, { headers: { 'content-type': 'text/html' }, body: `<p>${API_KEY}</p>` }])
    const { client } = makeClient(s.url, { timeoutMs: 50, retry: { limit: 0 }, breaker: { failureThreshold: 3 } })
    const errors = [
      await failure(client.request('GET', '/demo/a')),
      await failure(client.request('GET', '/demo/b')),
      await failure(client.request('GET', '/demo/c')),
      await failure(client.request('GET', '/demo/d')),
    ]
    expect(errors.map((e) => e.code)).toEqual(['network', 'timeout', 'parse', 'circuit_open'])
    for (const error of errors) expectClean(everything(error))
  })

  it('not even when the fetch implementation puts the headers in its error', async () => {
    const leakyFetch: typeof fetch = async (_url, init) => {
      const headers = init?.headers as Record<string, string>
      const error = new TypeError(`fetch failed; authorization: ${headers.authorization}`)
      Object.assign(error, { request: { headers }, code: 'ECONNRESET' })
      throw Object.assign(new Error('outer', { cause: error }), { config: { auth: API_KEY } })
    }
    const { client } = makeClient('http://127.0.0.1:9', { fetch: leakyFetch, retry: { limit: 0 } })
    const error = await failure(client.request('GET', '/demo/centers'))
    expect(error.code).toBe('network')
    const text = everything(error)
    expect(text).not.toContain(API_KEY)
    expect(text).not.toContain(BASIC)
    expect(text).toContain('ECONNRESET') // the useful part of the cause survives
  })

  it('nor a session id used for Session auth or in the path', async () => {
    const s = await serve([{ status: 500, body: { messages: ['session sess-secret-77 broke'] } }])
    const { client } = makeClient(s.url, { retry: { limit: 0 } })
    const error = await failure(client.request('GET', '/sessions/sess-secret-77', { auth: { session: 'sess-secret-77' } }))
    expect(error.path).toBe('/sessions/[redacted]')
    expect(everything(error)).not.toContain('sess-secret-77')
  })
})

describe('options', () => {
  it('refuse a missing organization or key without echoing the key', () => {
    expect(() => createFlowClient({ organization: '', apiKey: API_KEY })).toThrow(TypeError)
    expect(() => createFlowClient({ organization: 'demo', apiKey: '' })).toThrow(/apiKey.*empty string/)
    expect(() => createFlowClient({ organization: 'demo', apiKey: API_KEY, baseUrl: 'api.flow.io' })).toThrow(/baseUrl/)
    expect(() => createFlowClient({ organization: 'demo', apiKey: API_KEY, retry: { limit: -1 } })).toThrow(RangeError)
    expect(() => createFlowClient({ organization: 'demo', apiKey: API_KEY, timeoutMs: 0 })).toThrow(/timeoutMs/)
  })
})
