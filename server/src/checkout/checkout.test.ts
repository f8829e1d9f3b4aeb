import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { FlowApiError } from '../client/index.js'
import type { CheckoutTokenForm, FlowClient, SessionForm, SessionPutForm } from '../client/index.js'
import { createCheckoutEndpoint, type CheckoutEndpointOptions } from './checkout.js'
import type { EndpointRequest } from './http.js'
import { createSessionStartEndpoint, sameOriginPath } from './session.js'

type Calls = { tokens: { form: CheckoutTokenForm; key: string | undefined }[]; sessions: SessionForm[]; puts: [string, SessionPutForm][] }

/** A stand-in for the Flow client's checkout and session methods, recording what it is asked. */
function fakeFlow(options: { tokenError?: unknown; putError?: unknown; sessionError?: unknown } = {}) {
  const calls: Calls = { tokens: [], sessions: [], puts: [] }
  const client = {
    async createCheckoutToken(form: CheckoutTokenForm, opts?: { idempotencyKey?: string }) {
      calls.tokens.push({ form, key: opts?.idempotencyKey })
      if (options.tokenError) throw options.tokenError
      return { id: 'tok-123', order: { number: 'ord-777' } }
    },
    async createSession(form: SessionForm) {
      calls.sessions.push(form)
      if (options.sessionError) throw options.sessionError
      return { id: 'ses-new' }
    },
    async putSession(id: string, form: SessionPutForm) {
      calls.puts.push([id, form])
      if (options.putError) throw options.putError
      return { id }
    },
  } as unknown as Pick<FlowClient, 'createCheckoutToken' | 'createSession' | 'putSession'>
  return { client, calls }
}

function req(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): EndpointRequest {
  const text = init.body === undefined ? '' : typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
  return {
    method,
    url: new URL(path, 'https://api.shop.example'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: async (limit) => (Buffer.byteLength(text) > limit ? 'too_large' : Buffer.from(text)),
  }
}

const SHOP = 'https://shop.example'
const cart = { session_id: 'ses-abc', items: [{ number: 'SKU-TEE', quantity: 2, options: { size: 'M' } }, { number: 'SKU-CAP', quantity: 1 }] }

function endpoint(extra: Partial<CheckoutEndpointOptions> = {}, flowOptions: Parameters<typeof fakeFlow>[0] = {}) {
  const flow = fakeFlow(flowOptions)
  const checkout = createCheckoutEndpoint({ client: flow.client, allowedOrigins: [SHOP], checkoutUrl: 'https://checkout.flow.io', ...extra })
  return { checkout, calls: flow.calls }
}

const parse = (answer: { body?: string }) => JSON.parse(answer.body ?? 'null')

describe('POST /checkout', () => {
  it('builds the order form as the connector does, with the hook supplying customer, address book, discounts and attributes', async () => {
    const created: unknown[] = []
    const { checkout, calls } = endpoint({
      continueShoppingUrl: 'https://shop.example/cart/clear',
      onTokenCreated: (token) => void created.push(token),
      resolveCart: (request) => ({
        customer: { number: '42', email: 'ana@example.com', name: { first: 'Ana', last: 'Silva' }, phone: '555-0100' },
        addressBook: [{ address: { streets: ['Rua 1'], city: 'Rio', province: '', postal: '20000', country: 'BR' }, contact: { name: { first: 'Ana', last: 'Silva' }, email: 'ana@example.com' } }],
        destination: { streets: ['Rua 1'], city: 'Rio', postal: '20000', country: 'BRA', contact: { name: { first: 'Ana', last: 'Silva' } } },
        discounts: [{ number: 'sku-tee', percent: 12.5 }],
        attributes: { quote_id: '77', checkout_session_id: request.cookies.PHPSESSID ?? 'none' },
      }),
    })
    const answer = await checkout.handle(req('POST', '/checkout', { body: cart, headers: { origin: SHOP, cookie: 'PHPSESSID=php-1' } }))
    expect({ status: answer.status, body: parse(answer), cors: answer.headers['access-control-allow-origin'], calls, created }).toEqual({
      status: 200,
      body: { url: 'https://checkout.flow.io/tokens/tok-123' },
      cors: SHOP,
      calls: {
        sessions: [],
        puts: [],
        tokens: [
          {
            key: expect.stringMatching(/^checkout:[0-9a-f-]{36}$/),
            form: {
              discriminator: 'checkout_token_order_form',
              session_id: 'ses-abc',
              order_form: {
                items: [
                  {
                    number: 'SKU-TEE',
                    quantity: 2,
                    attributes: { options: '{"size":"M"}' },
                    discounts: { discounts: [{ offer: { discriminator: 'discount_offer_percent', percent: 12.5 }, label: 'Discount' }] },
                  },
                  { number: 'SKU-CAP', quantity: 1 },
                ],
                attributes: { quote_id: '77', checkout_session_id: 'php-1', customer_id: '42' },
                customer: { number: '42', name: { first: 'Ana', last: 'Silva' }, email: 'ana@example.com', phone: '555-0100' },
                destination: { streets: ['Rua 1'], city: 'Rio', postal: '20000', country: 'BRA', contact: { name: { first: 'Ana', last: 'Silva' } } },
              },
              customer: { number: '42', email: 'ana@example.com', name: { first: 'Ana', last: 'Silva' }, phone: '555-0100' },
              address_book: {
                contacts: [{ address: { streets: ['Rua 1'], city: 'Rio', province: '', postal: '20000', country: 'BR' }, contact: { name: { first: 'Ana', last: 'Silva' }, email: 'ana@example.com' } }],
              },
              urls: { continue_shopping: 'https://shop.example/cart/clear' },
            },
          },
        ],
      },
      created: [{ orderNumber: 'ord-777', customerNumber: '42', email: 'ana@example.com' }],
    })
  })

  it('takes the session from the _f60_session cookie and sends a guest cart without customer', async () => {
    const { checkout, calls } = endpoint()
    const answer = await checkout.handle(req('POST', '/checkout', { body: { items: [{ number: 'SKU-1', quantity: 1 }] }, headers: { cookie: 'a=b; _f60_session=ses-cookie' } }))
    expect({ status: answer.status, form: calls.tokens[0]?.form }).toEqual({
      status: 200,
      form: { discriminator: 'checkout_token_order_form', session_id: 'ses-cookie', order_form: { items: [{ number: 'SKU-1', quantity: 1 }] } },
    })
  })

  it('never accepts prices or discounts from the browser', async () => {
    const { checkout, calls } = endpoint()
    const attempts = [
      { ...cart, items: [{ number: 'SKU-1', quantity: 1, price: { amount: 0.01, currency: 'USD' } }] },
      { ...cart, items: [{ number: 'SKU-1', quantity: 1, discount: { amount: 99, currency: 'USD' } }] },
      { ...cart, items: [{ number: 'SKU-1', quantity: 1, discounts: { discounts: [] } }] },
      { ...cart, discount: { amount: 99, currency: 'USD' } },
      { ...cart, discounts: [{ percent: 100 }] },
      { ...cart, total: 1 },
      { ...cart, order_form: { items: [] } },
      { ...cart, items: [{ number: 'SKU-1', quantity: 1, attributes: { price: '1' } }] },
    ]
    const answers = await Promise.all(attempts.map((body) => checkout.handle(req('POST', '/checkout', { body }))))
    expect({ answers: answers.map((a) => [a.status, parse(a).code]), tokens: calls.tokens.length }).toEqual({
      answers: attempts.map(() => [400, 'unexpected_field']),
      tokens: 0,
    })
  })

  it('answers 400 empty_cart for an empty cart, from the browser or from the hook', async () => {
    const plain = endpoint()
    const hooked = endpoint({ resolveCart: () => ({ items: [] }) })
    const answers = [
      await plain.checkout.handle(req('POST', '/checkout', { body: { session_id: 'ses-1', items: [] } })),
      await plain.checkout.handle(req('POST', '/checkout', { body: { session_id: 'ses-1' } })),
      await hooked.checkout.handle(req('POST', '/checkout', { body: cart })),
    ]
    expect({ answers: answers.map((a) => [a.status, parse(a).code]), tokens: plain.calls.tokens.length + hooked.calls.tokens.length }).toEqual({
      answers: [
        [400, 'empty_cart'],
        [400, 'empty_cart'],
        [400, 'empty_cart'],
      ],
      tokens: 0,
    })
  })

  it('rejects malformed carts with 400 and a clear code', async () => {
    const { checkout } = endpoint()
    const bodies: [unknown, string][] = [
      ['not json', 'invalid_cart'],
      [[cart], 'invalid_cart'],
      [{ session_id: 'ses-1', items: [{ number: '', quantity: 1 }] }, 'invalid_cart'],
      [{ session_id: 'ses-1', items: [{ number: 'A', quantity: 0 }] }, 'invalid_cart'],
      [{ session_id: 'ses-1', items: [{ number: 'A', quantity: 1.5 }] }, 'invalid_cart'],
      [{ session_id: 'ses-1', items: [{ number: 'A', quantity: 1, options: { size: 3 } }] }, 'invalid_cart'],
      [{ session_id: 'ses-1', items: 'SKU-1' }, 'invalid_cart'],
      [{ items: [{ number: 'A', quantity: 1 }] }, 'missing_session'],
      [{ session_id: 'bad session id!', items: [{ number: 'A', quantity: 1 }] }, 'missing_session'],
    ]
    const answers = await Promise.all(bodies.map(([body]) => checkout.handle(req('POST', '/checkout', { body }))))
    expect(answers.map((a) => [a.status, parse(a).code])).toEqual(bodies.map(([, code]) => [400, code]))
  })

  it('limits CORS to the configured storefront origins', async () => {
    const { checkout, calls } = endpoint()
    const allowedPreflight = await checkout.handle(req('OPTIONS', '/checkout', { headers: { origin: SHOP, 'access-control-request-method': 'POST' } }))
    const deniedPreflight = await checkout.handle(req('OPTIONS', '/checkout', { headers: { origin: 'https://evil.example' } }))
    const denied = await checkout.handle(req('POST', '/checkout', { body: cart, headers: { origin: 'https://evil.example' } }))
    const lookalike = await checkout.handle(req('POST', '/checkout', { body: cart, headers: { origin: 'https://shop.example.evil.example' } }))
    const sameOrigin = await checkout.handle(req('POST', '/checkout', { body: cart, headers: { origin: 'https://api.shop.example' } }))
    const noOrigin = await checkout.handle(req('POST', '/checkout', { body: cart }))
    expect({
      allowedPreflight: [allowedPreflight.status, allowedPreflight.headers['access-control-allow-origin'], allowedPreflight.headers['access-control-allow-methods'], allowedPreflight.headers['access-control-allow-credentials']],
      deniedPreflight: [deniedPreflight.status, deniedPreflight.headers['access-control-allow-origin']],
      denied: [denied.status, parse(denied).code, denied.headers['access-control-allow-origin']],
      lookalike: lookalike.status,
      sameOrigin: [sameOrigin.status, sameOrigin.headers['access-control-allow-origin']],
      noOrigin: noOrigin.status,
      tokens: calls.tokens.length,
    }).toEqual({
      allowedPreflight: [204, SHOP, 'POST', 'true'],
      deniedPreflight: [403, undefined],
      denied: [403, 'origin_not_allowed', undefined],
      lookalike: 403,
      sameOrigin: [200, undefined],
      noOrigin: 200,
      tokens: 2,
    })
  })

  it('refuses non-JSON bodies (a cross-site HTML form cannot skip the preflight) and oversized carts', async () => {
    const { checkout } = endpoint()
    const form = await checkout.handle({ ...req('POST', '/checkout', { body: JSON.stringify(cart) }), headers: { 'content-type': 'text/plain' } })
    const big = await checkout.handle(req('POST', '/checkout', { body: { ...cart, pad: 'x'.repeat(70_000) } }))
    const get = await checkout.handle(req('GET', '/checkout'))
    expect([form.status, parse(form).code, big.status, parse(big).code, get.status]).toEqual([415, 'unsupported_media_type', 413, 'body_too_large', 405])
  })

  it("passes Flow's refusal on as 422 and an unreachable Flow as 502, without secrets", async () => {
    const rejected = endpoint({}, { tokenError: new FlowApiError('http', 'POST /demo/checkout/tokens: Flow answered 422', { method: 'POST', path: '/demo/checkout/tokens', attempts: 1, status: 422, body: { code: 'order_item_not_available', messages: ["item 'SKU-X' is not available"] } }) })
    const down = endpoint({}, { tokenError: new FlowApiError('network', 'POST /demo/checkout/tokens: could not reach Flow', { method: 'POST', path: '/demo/checkout/tokens', attempts: 3 }) })
    const a = await rejected.checkout.handle(req('POST', '/checkout', { body: cart }))
    const b = await down.checkout.handle(req('POST', '/checkout', { body: cart }))
    expect([a.status, parse(a), b.status, parse(b)]).toEqual([
      422,
      { code: 'checkout_rejected', message: 'Flow refused the checkout', messages: ["item 'SKU-X' is not available"] },
      502,
      { code: 'flow_unavailable', message: 'the checkout could not be created; try again' },
    ])
  })

  it('works through node:http and the Fetch adapter alike', async () => {
    const { checkout } = endpoint()
    const server = createServer((r, s) => void checkout.handleNode(r, s))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const viaNode = await fetch(`http://127.0.0.1:${port}/checkout`, { method: 'POST', headers: { 'content-type': 'application/json', origin: SHOP }, body: JSON.stringify(cart) })
    server.close()
    const viaFetch = await checkout.handleRequest(new Request('https://api.shop.example/checkout', { method: 'POST', headers: { 'content-type': 'application/json', origin: SHOP }, body: JSON.stringify(cart) }))
    expect([viaNode.status, await viaNode.json(), viaNode.headers.get('access-control-allow-origin'), viaFetch.status, await viaFetch.json()]).toEqual([
      200,
      { url: 'https://checkout.flow.io/tokens/tok-123' },
      SHOP,
      200,
      { url: 'https://checkout.flow.io/tokens/tok-123' },
    ])
  })
})

describe('GET /checkout/redirect', () => {
  it('is 404 without a resolveCart hook', async () => {
    const { checkout } = endpoint()
    const answer = await checkout.handle(req('GET', '/checkout/redirect?country=FRA&currency=EUR'))
    expect([answer.status, parse(answer).code]).toEqual([404, 'not_found'])
  })

  it('redirects to the hosted checkout with the server cart, passing country and currency to the hook', async () => {
    const seen: unknown[] = []
    const { checkout, calls } = endpoint({ resolveCart: (r) => (seen.push([r.country, r.currency, r.sessionId]), { items: [{ number: 'SKU-1', quantity: 3 }] }) })
    const answer = await checkout.handle(req('GET', '/checkout/redirect?country=fra&currency=eur', { headers: { cookie: '_f60_session=ses-c' } }))
    expect({ status: answer.status, location: answer.headers.location, seen, lines: (calls.tokens[0]?.form as { order_form?: unknown } | undefined)?.order_form }).toEqual({
      status: 303,
      location: 'https://checkout.flow.io/tokens/tok-123',
      seen: [['FRA', 'EUR', 'ses-c']],
      lines: { items: [{ number: 'SKU-1', quantity: 3 }] },
    })
  })

  it('starts a session when the shopper has none, and sends an empty cart back to the store', async () => {
    const { checkout, calls } = endpoint({ resolveCart: () => ({ items: [] }), emptyCartRedirect: '/cart' })
    const answer = await checkout.handle(req('GET', '/checkout/redirect?country=DEU'))
    expect({ status: answer.status, location: answer.headers.location, cookie: answer.headers['set-cookie'], sessions: calls.sessions, tokens: calls.tokens.length }).toEqual({
      status: 303,
      location: '/cart',
      cookie: '_f60_session=ses-new; Path=/; Max-Age=86400; SameSite=Lax; Secure',
      sessions: [{ country: 'DEU' }],
      tokens: 0,
    })
  })
})

describe('GET /session/start', () => {
  const start = (flowOptions: Parameters<typeof fakeFlow>[0] = {}) => {
    const flow = fakeFlow(flowOptions)
    return { session: createSessionStartEndpoint({ client: flow.client, secureCookies: true }), calls: flow.calls }
  }

  it('starts a session for the country, sets _f60_session and redirects to the same-origin path', async () => {
    const { session, calls } = start()
    const answer = await session.handle(req('GET', '/session/start?flow_country=fra&return=%2Fshoes%3Fpage%3D2'))
    expect({ status: answer.status, location: answer.headers.location, cookie: answer.headers['set-cookie'], sessions: calls.sessions }).toEqual({
      status: 303,
      location: '/shoes?page=2',
      cookie: '_f60_session=ses-new; Path=/; Max-Age=86400; SameSite=Lax; Secure',
      sessions: [{ country: 'FRA' }],
    })
  })

  it("moves the shopper's existing session, and starts a new one when Flow no longer knows it", async () => {
    const kept = start()
    const a = await kept.session.handle(req('GET', '/session/start?flow_country=CA', { headers: { cookie: '_f60_session=ses-old' } }))
    const gone = start({ putError: new FlowApiError('http', 'PUT /sessions/[redacted]: 404', { method: 'PUT', path: '/sessions/[redacted]', attempts: 1, status: 404 }) })
    const b = await gone.session.handle(req('GET', '/session/start?flow_country=CA', { headers: { cookie: '_f60_session=ses-old' } }))
    expect([a.headers['set-cookie'], kept.calls.puts, kept.calls.sessions, b.headers['set-cookie'], gone.calls.sessions]).toEqual([
      '_f60_session=ses-old; Path=/; Max-Age=86400; SameSite=Lax; Secure',
      [['ses-old', { country: 'CA' }]],
      [],
      '_f60_session=ses-new; Path=/; Max-Age=86400; SameSite=Lax; Secure',
      [{ country: 'CA' }],
    ])
  })

  it('redirects only to a path of this site', async () => {
    const { session, calls } = start()
    const bad = ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'http:evil.example', 'javascript:alert(1)', '\t/evil', '/\t/evil.example', '/\r\nSet-Cookie:x=1', 'evil.example', '']
    const answers = await Promise.all(bad.map((r) => session.handle(req('GET', `/session/start?flow_country=FRA&return=${encodeURIComponent(r)}`))))
    expect({ answers: answers.map((a) => [a.status, a.headers.location]), sessions: calls.sessions.length }).toEqual({ answers: bad.map(() => [400, undefined]), sessions: 0 })
    // Percent-encoded bytes stay encoded in the Location header: a path, not a header break.
    expect([sameOriginPath('/a/../b?x=1#y'), sameOriginPath('/%2F%2Fevil.example'), sameOriginPath('/%0d%0aSet-Cookie:x=1')]).toEqual(['/b?x=1#y', '/%2F%2Fevil.example', '/%0d%0aSet-Cookie:x=1'])
  })

  it('refuses a bad country, and degrades to a plain redirect when Flow fails', async () => {
    const { session } = start()
    const invalid = await session.handle(req('GET', '/session/start?flow_country=FRANCE&return=/'))
    const failing = start({ sessionError: new FlowApiError('network', 'down', { method: 'POST', path: '/sessions/organizations/demo', attempts: 3 }) })
    const degraded = await failing.session.handle(req('GET', '/session/start?flow_country=FRA&return=/cart'))
    expect([invalid.status, parse(invalid).code, degraded.status, degraded.headers.location, degraded.headers['set-cookie']]).toEqual([400, 'invalid_country', 303, '/cart', undefined])
  })
})
