import { afterEach, describe, expect, it, vi } from 'vitest'
import { FlowStorefrontError } from './errors.js'
import { createHttp } from './http.js'
import type { HttpOptions } from './http.js'

const API = 'https://api.flow.test'
const SESSION = 'F51sessionIdThatMustNeverLeak0123456789'

type Step = Response | Error | 'hang' | 'stall-body' | (() => Response)

// A scripted fetch: each call takes the next step and records the request it was given.
function scriptedFetch(...steps: Step[]) {
  const requests: Request[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    requests.push(request)
    const step = steps.shift()
    if (!step) throw new Error(`unexpected request ${requests.length}: ${request.method} ${request.url}`)
    if (step instanceof Response) return step
    if (typeof step === 'function') return step()
    if (step instanceof Error) throw step
    if (step === 'stall-body') {
      return new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"a":')) }), {
        headers: { 'content-type': 'application/json' },
      })
    }
    // 'hang': never answers, but like a real fetch rejects once its signal aborts.
    return new Promise((_resolve, reject) => {
      request.signal.throwIfAborted()
      request.signal.addEventListener('abort', () => reject(request.signal.reason))
    })
  }
  return { fetch, requests }
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

const offline = () => new TypeError('Failed to fetch')

function makeHttp(steps: Step[], options: Partial<HttpOptions> = {}) {
  const { fetch, requests } = scriptedFetch(...steps)
  const http = createHttp({ apiUrl: API, fetch, backoffLimitMs: 1, timeoutMs: 50, ...options })
  return { http, requests }
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(FlowStorefrontError)
      return error as FlowStorefrontError
    },
  )

afterEach(() => {
  vi.useRealTimers()
})

describe('createHttp', () => {
  it('prefixes the URL, sends the session and the query, and parses JSON', async () => {
    const { http, requests } = makeHttp([json({ key: 'germany' })], {
      apiUrl: `${API}/v1`,
      getAuthorization: () => `Session ${SESSION}`,
    })
    const data = await http.get('/demo/experiences', { searchParams: [['country', 'DEU'], ['country', 'FRA']] })
    const [request] = requests
    expect({
      data,
      url: request?.url,
      authorization: request?.headers.get('authorization'),
      accept: request?.headers.get('accept'),
    }).toEqual({
      data: { key: 'germany' },
      url: `${API}/v1/demo/experiences?country=DEU&country=FRA`,
      authorization: `Session ${SESSION}`,
      accept: 'application/json',
    })
  })

  it('sends no Authorization header when there is no session', async () => {
    const { http, requests } = makeHttp([json({})], { getAuthorization: () => undefined })
    await http.get('demo/experiences')
    expect(requests[0]?.headers.has('authorization')).toBe(false)
  })

  it('reads the authorization again on each attempt', async () => {
    let id = 'first'
    const rotate = () => {
      id = 'second'
      return json({}, 503)
    }
    const { http, requests } = makeHttp([rotate, json({ ok: true })], { getAuthorization: () => `Session ${id}` })
    await http.get('demo/session')
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Session first', 'Session second'])
  })

  it('posts and puts JSON bodies', async () => {
    const { http, requests } = makeHttp([json({ id: 1 }, 201), json({ id: 1 })])
    expect(await http.post('demo/order-estimates', { items: [] })).toEqual({ id: 1 })
    expect(await http.put('demo/order-estimates/1', { items: [1] })).toEqual({ id: 1 })
    expect(
      await Promise.all(requests.map(async (r) => [r.method, r.headers.get('content-type'), await r.text()])),
    ).toEqual([
      ['POST', 'application/json', '{"items":[]}'],
      ['PUT', 'application/json', '{"items":[1]}'],
    ])
  })

  it('resolves undefined for 204 No Content', async () => {
    const { http } = makeHttp([new Response(null, { status: 204 })])
    expect(await http.put('demo/x', {})).toBeUndefined()
  })

  it('rejects an apiUrl that is not an absolute http(s) URL with a TypeError naming it', () => {
    expect(() => createHttp({ apiUrl: 'api.flow.io' })).toThrow(TypeError)
    expect(() => createHttp({ apiUrl: '' })).toThrow(/apiUrl/)
  })
})

describe('retries', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries a GET after %i', async (status) => {
    const { http, requests } = makeHttp([json({}, status), json({ ok: true })])
    expect(await http.get('demo/x')).toEqual({ ok: true })
    expect(requests).toHaveLength(2)
  })

  it('retries a GET after a network error', async () => {
    const { http, requests } = makeHttp([offline(), json({ ok: true })])
    expect(await http.get('demo/x')).toEqual({ ok: true })
    expect(requests).toHaveLength(2)
  })

  it('retries a PUT', async () => {
    const { http, requests } = makeHttp([json({}, 503), offline(), json({ ok: true })])
    expect(await http.put('demo/x', {})).toEqual({ ok: true })
    expect(requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT'])
  })

  it('never retries a POST, neither after a 503 nor after a network error', async () => {
    const a = makeHttp([json({}, 503), json({ ok: true })])
    expect((await failure(a.http.post('demo/x', {}))).status).toBe(503)
    expect(a.requests).toHaveLength(1)

    const b = makeHttp([offline(), json({ ok: true })])
    expect((await failure(b.http.post('demo/x', {}))).code).toBe('network')
    expect(b.requests).toHaveLength(1)
  })

  it('settles a POST and a PUT whose fetch fails before reading the body', async () => {
    // ky 1.9's own `json` path would hang here forever (sindresorhus/ky#690); the test times out then.
    const { http } = makeHttp([offline(), offline(), offline(), offline()])
    expect((await failure(http.post('demo/x', { a: 1 }))).code).toBe('network')
    expect((await failure(http.put('demo/x', { a: 1 }))).code).toBe('network')
  })

  it('stops after retryLimit retries and reports the last status', async () => {
    const { http, requests } = makeHttp([json({}, 500), json({}, 502), json({}, 503), json({ ok: true })])
    const error = await failure(http.get('demo/x'))
    expect({ code: error.code, status: error.status, attempts: requests.length }).toEqual({
      code: 'http',
      status: 503,
      attempts: 3,
    })
  })

  it('honours retryLimit: 0', async () => {
    const { http, requests } = makeHttp([json({}, 503), json({ ok: true })], { retryLimit: 0 })
    await failure(http.get('demo/x'))
    expect(requests).toHaveLength(1)
  })

  it.each([400, 401, 404, 413, 422])('does not retry a %i', async (status) => {
    const { http, requests } = makeHttp([json({}, status), json({ ok: true })])
    expect((await failure(http.get('demo/x'))).status).toBe(status)
    expect(requests).toHaveLength(1)
  })

  it('does not retry a timed-out attempt, so a hung API costs one timeout', async () => {
    const { http, requests } = makeHttp(['hang', json({ ok: true })], { timeoutMs: 20 })
    expect((await failure(http.get('demo/x'))).code).toBe('timeout')
    expect(requests).toHaveLength(1)
  })
})

describe('Retry-After', () => {
  it('waits the seconds Flow asks for before retrying', async () => {
    vi.useFakeTimers()
    const { http, requests } = makeHttp([json({}, 429, { 'retry-after': '3' }), json({ ok: true })], {
      backoffLimitMs: 0,
    })
    const result = http.get('demo/x')
    await vi.advanceTimersByTimeAsync(2999)
    expect(requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(await result).toEqual({ ok: true })
    expect(requests).toHaveLength(2)
  })

  it('accepts an HTTP date', async () => {
    vi.useFakeTimers({ now: Date.parse('2025-01-01T00:00:00Z') })
    const { http, requests } = makeHttp(
      [json({}, 503, { 'retry-after': 'Wed, 01 Jan 2025 00:00:02 GMT' }), json({ ok: true })],
      { backoffLimitMs: 0 },
    )
    const result = http.get('demo/x')
    await vi.advanceTimersByTimeAsync(1999)
    expect(requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(await result).toEqual({ ok: true })
  })

  it('fails at once, without retrying early, when Flow asks for longer than retryAfterCapMs', async () => {
    vi.useFakeTimers()
    const { http, requests } = makeHttp([json({}, 429, { 'retry-after': '60' }), json({ ok: true })], {
      retryAfterCapMs: 10_000,
    })
    const result = failure(http.get('demo/x'))
    await vi.advanceTimersByTimeAsync(10)
    const error = await result
    expect({ code: error.code, status: error.status, attempts: requests.length }).toEqual({
      code: 'http',
      status: 429,
      attempts: 1,
    })
  })

  it('falls back to the short backoff when the header is unreadable', async () => {
    vi.useFakeTimers()
    const { http, requests } = makeHttp([json({}, 429, { 'retry-after': 'soon' }), json({ ok: true })], {
      backoffLimitMs: 5,
    })
    const result = http.get('demo/x')
    await vi.advanceTimersByTimeAsync(5)
    expect(await result).toEqual({ ok: true })
    expect(requests).toHaveLength(2)
  })
})

describe('guarded JSON parsing', () => {
  it.each([
    ['an HTML page', new Response('<!doctype html><p>Welcome', { headers: { 'content-type': 'text/html' } })],
    ['a truncated body', new Response('{"key":"germ', { headers: { 'content-type': 'application/json' } })],
    ['an empty body', new Response('', { headers: { 'content-type': 'application/json' } })],
    ['no content type', new Response('{"key":"germany"}', { headers: { 'content-type': '' } })],
  ])('rejects %s answered with 200 as a parse error, not data', async (_name, response) => {
    const { http } = makeHttp([response])
    const error = await failure(http.get('demo/experiences'))
    expect({ code: error.code, status: error.status }).toEqual({ code: 'parse', status: 200 })
    expect(error.message).toMatch(/^GET \/demo\/experiences|^GET demo\/experiences/)
  })

  it('times out a body that stalls after the headers', async () => {
    const { http } = makeHttp(['stall-body'], { timeoutMs: 20 })
    expect((await failure(http.get('demo/x'))).code).toBe('timeout')
  })
})

describe('errors', () => {
  it('reports an HTTP error with status, request id and the Flow error body', async () => {
    const body = { code: 'generic_error', messages: ['Currency XXX is not supported'] }
    const { http } = makeHttp([json(body, 422, { 'x-flow-request-id': 'req-42' })])
    const error = await failure(http.get('demo/experiences?currency=XXX'))
    expect({ ...error, message: error.message }).toEqual({
      name: 'FlowStorefrontError',
      code: 'http',
      status: 422,
      requestId: 'req-42',
      body,
      message:
        'GET demo/experiences: Flow answered 422 (generic_error: Currency XXX is not supported). Check the path, parameters and body. (request id req-42)',
    })
  })

  it('takes the request id from X-Request-Id too, and keeps a non-JSON error body out', async () => {
    const page = new Response('<h1>Bad gateway</h1>', { status: 502, headers: { 'x-request-id': 'edge-7' } })
    const { http } = makeHttp([page], { retryLimit: 0 })
    const error = await failure(http.get('demo/x'))
    expect({ ...error }).toEqual({
      name: 'FlowStorefrontError',
      code: 'http',
      status: 502,
      requestId: 'edge-7',
      body: undefined,
    })
    expect(error.message).toMatch(/502.*retry later.*edge-7/)
  })

  it('reports a network failure with its cause', async () => {
    const cause = offline()
    const { http } = makeHttp([cause, cause, cause])
    const error = await failure(http.get('demo/x'))
    expect({ code: error.code, status: error.status, cause: error.cause }).toEqual({
      code: 'network',
      status: undefined,
      cause,
    })
  })

  it('rejects with a FlowStorefrontError when the caller aborts', async () => {
    const controller = new AbortController()
    const { http, requests } = makeHttp(['hang', json({ ok: true })], { timeoutMs: 1000 })
    const result = failure(http.get('demo/x', { signal: controller.signal }))
    await vi.waitFor(() => expect(requests).toHaveLength(1))
    controller.abort()
    expect((await result).code).toBe('network')
    expect(requests).toHaveLength(1)
  })

  it.each<[string, Step[]]>([
    ['http', [json({ code: 'not_found', messages: [`Session ${SESSION} not found`] }, 404)]],
    ['parse', [new Response(`<p>${SESSION}</p>`, { headers: { 'content-type': 'text/html' } })]],
    ['network', [offline(), offline(), offline()]],
    ['timeout', ['hang']],
  ])('never puts the session id in a %s error message or its JSON', async (code, steps) => {
    const { http, requests } = makeHttp(steps, { getAuthorization: () => `Session ${SESSION}`, timeoutMs: 20 })
    const error = await failure(http.get(`sessions/${SESSION}`))
    expect(error.code).toBe(code)
    // The session did go out (otherwise this test proves nothing)...
    expect(requests[0]?.headers.get('authorization')).toBe(`Session ${SESSION}`)
    expect(requests[0]?.url).toContain(SESSION)
    // ...and comes back nowhere.
    expect(error.message).not.toContain(SESSION)
    expect(JSON.stringify(error)).not.toContain(SESSION)
    expect(error.message).toContain('sessions/***')
  })

  it('redacts every session id a request carried, even one that changed between attempts', async () => {
    const [first, second] = [`${SESSION}A`, `${SESSION}B`]
    let id = first
    const rotate = () => {
      id = second
      return json({}, 503)
    }
    const echo = json({ code: 'generic_error', messages: [`sessions ${first} and ${second}`] }, 400)
    const { http } = makeHttp([rotate, echo], { getAuthorization: () => `Session ${id}` })
    const error = await failure(http.get(`sessions/${first}`))
    const seen = error.message + JSON.stringify(error)
    expect({ first: seen.includes(first), second: seen.includes(second), status: error.status }).toEqual({
      first: false,
      second: false,
      status: 400,
    })
  })
})
