// The checkout endpoint: the only step of the storefront that needs the secret API key. The
// browser sends its Flow session id and the cart's item numbers, quantities and options; the
// merchant's server-side `resolveCart` hook may add the customer, address book, percent discounts
// and attributes (or replace the items with the server's own cart). Prices and discounts never
// come from the browser. The checkout token's order form is built as the Magento connector built
// it (connector-behaviour §5.2), the token is created, and the answer is the hosted checkout URL.
import { randomUUID } from 'node:crypto'
import type { Address, CheckoutTokenForm, Contact, FlowClient, LineItemForm, Name, OrderAddress, OrderForm } from '../client/index.js'
import { isFlowApiError } from '../client/index.js'
import { errorMessage, silentLogger, type Logger } from '../log.js'
import { json, parseCookies, redirect, toFetchHandler, toNodeHandler, type EndpointAnswer, type EndpointRequest } from './http.js'

/** The Flow session cookie the storefront SDK and the connector use. */
export const SESSION_COOKIE = '_f60_session'

/**
 * A line of the cart: what the browser may send (no price, no discount).
 *
 * @example
 * const line: CheckoutLine = { number: 'SKU-1', quantity: 2, options: { size: 'M' } }
 */
export type CheckoutLine = { number: string; quantity: number; options?: Record<string, string> }

/**
 * What `resolveCart` receives: the request as the endpoint read it.
 *
 * @example
 * const request: CheckoutRequest = { sessionId: 'ses-1', items: [{ number: 'SKU-1', quantity: 1 }], cookies: {}, headers: {} }
 */
export type CheckoutRequest = {
  sessionId: string
  /** The browser's lines (empty for `GET /checkout/redirect`). */
  items: CheckoutLine[]
  /** From `GET /checkout/redirect?country=&currency=`. */
  country?: string
  currency?: string
  cookies: Record<string, string>
  headers: Record<string, string | undefined>
}

/**
 * What `resolveCart` may supply. Everything is optional; `items` replaces the browser's lines
 * (the server's own cart is the authority when it has one).
 *
 * @example
 * const cart: ResolvedCart = {
 *   customer: { number: '42', email: 'ana@example.com', name: { first: 'Ana', last: 'Silva' } },
 *   discounts: [{ number: 'SKU-1', percent: 10 }],
 *   attributes: { quote_id: '77' },
 * }
 */
export type ResolvedCart = {
  items?: CheckoutLine[]
  customer?: { number: string; email?: string; name?: Name; phone?: string }
  addressBook?: { address: Address; contact?: Contact }[]
  destination?: OrderAddress
  /** Percent discounts per item number (the connector's `discount_offer_percent`). */
  discounts?: { number: string; percent: number; label?: string }[]
  attributes?: Record<string, string>
  urls?: { continueShopping?: string; confirmation?: string; invalidCheckout?: string }
}

/**
 * Options of `createCheckoutEndpoint`.
 *
 * @example
 * const options: CheckoutEndpointOptions = { client: flow, allowedOrigins: ['https://shop.example'] }
 */
export type CheckoutEndpointOptions = {
  client: Pick<FlowClient, 'createCheckoutToken' | 'createSession'>
  /** Storefront origins allowed to call `POST /checkout` from a browser (CORS). */
  allowedOrigins: readonly string[]
  /** Flow's hosted checkout (the token URL is `{checkoutUrl}/tokens/{id}`). Default `https://checkout.flow.io`. */
  checkoutUrl?: string
  /** Where Flow's "continue shopping" goes when the hook does not say. */
  continueShoppingUrl?: string
  /** Where `GET /checkout/redirect` sends a shopper whose cart is empty. Default `/`. */
  emptyCartRedirect?: string
  resolveCart?: (request: CheckoutRequest) => ResolvedCart | undefined | Promise<ResolvedCart | undefined>
  /** Called after a token is created for a known customer (used for `checkout_email_changed`). */
  onTokenCreated?: (token: { orderNumber: string; customerNumber?: string; email?: string }) => void
  /** Secure cookies (set when the store runs on https). Default true when an allowed origin is https. */
  secureCookies?: boolean
  logger?: Logger
}

/**
 * The checkout endpoint's entry points: `handle` (framework-neutral), `handleNode`,
 * `handleRequest`, and `createCheckout` for callers that already have a validated request.
 *
 * @example
 * const checkout = createCheckoutEndpoint({ client: flow, allowedOrigins: ['https://shop.example'] })
 * app.post('/checkout', checkout.handleNode) // before any body parser
 */
export type CheckoutEndpoint = {
  handle(request: EndpointRequest): Promise<EndpointAnswer>
  handleNode: ReturnType<typeof toNodeHandler>
  handleRequest: ReturnType<typeof toFetchHandler>
  createCheckout(request: CheckoutRequest): Promise<{ url: string } | { empty: true }>
}

const MAX_BODY = 64 * 1024
const MAX_LINES = 200
const SESSION_ID = /^[A-Za-z0-9._-]{1,200}$/
const ALLOWED_FIELDS = new Set(['session_id', 'items'])
const ALLOWED_LINE_FIELDS = new Set(['number', 'quantity', 'options'])
const MONEY_FIELDS = /^(price|prices|amount|discount|discounts|total|subtotal|currency|base)$/

/** A request the endpoint refuses with 4xx: `code` is stable, `message` says what to fix. */
class CheckoutInputError extends Error {
  override readonly name = 'CheckoutInputError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Creates the checkout endpoint: `POST /checkout` (and its CORS preflight) and
 * `GET /checkout/redirect?country=&currency=` (no JavaScript; needs `resolveCart`).
 *
 * @example
 * const checkout = createCheckoutEndpoint({
 *   client: flow,
 *   allowedOrigins: ['https://shop.example'],
 *   resolveCart: async (req) => ({ customer: await customers.bySession(req.cookies.sid) }),
 * })
 * // POST /checkout {"session_id":"ses-1","items":[{"number":"SKU-1","quantity":1}]}
 * // → 200 {"url":"https://checkout.flow.io/tokens/…"}
 */
export function createCheckoutEndpoint(options: CheckoutEndpointOptions): CheckoutEndpoint {
  const logger = options.logger ?? silentLogger
  const origins = new Set(
    options.allowedOrigins.map((origin) => {
      try {
        const url = new URL(origin)
        if (url.origin === 'null') throw new TypeError('opaque')
        return url.origin
      } catch {
        throw new TypeError(`createCheckoutEndpoint(): \`allowedOrigins\` entries must be origins such as 'https://shop.example'. Received: ${JSON.stringify(origin)}`)
      }
    }),
  )
  const checkoutUrl = (options.checkoutUrl ?? 'https://checkout.flow.io').replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]/.test(checkoutUrl)) throw new TypeError(`createCheckoutEndpoint(): \`checkoutUrl\` must be an http(s) URL. Received: ${JSON.stringify(options.checkoutUrl)}`)
  const secureCookies = options.secureCookies ?? [...origins].some((o) => o.startsWith('https:'))

  async function createCheckout(request: CheckoutRequest): Promise<{ url: string } | { empty: true }> {
    const resolved = options.resolveCart === undefined ? undefined : await options.resolveCart(request)
    const lines = resolved?.items === undefined ? request.items : readLines(resolved.items, 'resolveCart().items')
    if (lines.length === 0) return { empty: true }
    const form = buildCheckoutTokenForm(request.sessionId, lines, resolved, options.continueShoppingUrl)
    // One key per checkout attempt, the same on every retry of this POST.
    const token = await options.client.createCheckoutToken(form, { idempotencyKey: `checkout:${randomUUID()}` })
    const customer = resolved?.customer
    if (customer !== undefined && options.onTokenCreated !== undefined) {
      try {
        options.onTokenCreated({ orderNumber: token.order.number, customerNumber: customer.number, ...(customer.email === undefined ? {} : { email: customer.email }) })
      } catch (error) {
        logger.error('checkout.on_token_created_failed', { error: errorMessage(error) })
      }
    }
    logger.info('checkout.token_created', { lines: lines.length, resolved: resolved !== undefined })
    return { url: `${checkoutUrl}/tokens/${encodeURIComponent(token.id)}` }
  }

  function cors(request: EndpointRequest): { allowed: boolean; headers: Record<string, string> } {
    const origin = request.headers.origin
    if (origin === undefined) return { allowed: true, headers: {} }
    if (origins.has(origin)) {
      return { allowed: true, headers: { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' } }
    }
    // A page of this server itself (same origin) needs no CORS.
    return { allowed: origin === request.url.origin, headers: { vary: 'Origin' } }
  }

  function failure(error: unknown, headers: Record<string, string>): EndpointAnswer {
    if (error instanceof CheckoutInputError) return json(error.status, { code: error.code, message: error.message }, headers)
    if (isFlowApiError(error) && error.code === 'http' && error.status !== undefined && error.status >= 400 && error.status < 500) {
      logger.warn('checkout.rejected_by_flow', { status: error.status, request_id: error.requestId })
      return json(422, { code: 'checkout_rejected', message: 'Flow refused the checkout', messages: error.messages }, headers)
    }
    logger.error('checkout.failed', { error: errorMessage(error) })
    return json(502, { code: 'flow_unavailable', message: 'the checkout could not be created; try again' }, headers)
  }

  async function handle(request: EndpointRequest): Promise<EndpointAnswer> {
    const path = request.url.pathname.replace(/\/+$/, '')
    const { allowed, headers } = cors(request)
    if (path.endsWith('/checkout/redirect')) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, { code: 'method_not_allowed', message: 'use GET' }, { allow: 'GET' })
      return redirectToCheckout(request)
    }
    if (request.method === 'OPTIONS') {
      if (!allowed || request.headers.origin === undefined) return json(403, { code: 'origin_not_allowed', message: 'this origin may not call the checkout endpoint' }, headers)
      return {
        status: 204,
        headers: { ...headers, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' },
      }
    }
    if (request.method !== 'POST') return json(405, { code: 'method_not_allowed', message: 'use POST' }, { allow: 'POST, OPTIONS' })
    if (!allowed) return json(403, { code: 'origin_not_allowed', message: 'this origin may not call the checkout endpoint' }, headers)
    try {
      // JSON only: a cross-site HTML form cannot send it without a CORS preflight.
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
      if (type !== 'application/json') throw new CheckoutInputError(415, 'unsupported_media_type', 'send the cart as application/json')
      const raw = await request.body(MAX_BODY)
      if (raw === 'too_large') return json(413, { code: 'body_too_large', message: `the cart is larger than ${MAX_BODY} bytes` }, { ...headers, connection: 'close' })
      const body = readBody(raw)
      const cookies = parseCookies(request.headers.cookie)
      const sessionId = body.session_id ?? cookies[SESSION_COOKIE]
      if (sessionId === undefined || !SESSION_ID.test(sessionId)) {
        throw new CheckoutInputError(400, 'missing_session', `send the Flow session id as session_id (or the ${SESSION_COOKIE} cookie)`)
      }
      const result = await createCheckout({ sessionId, items: body.items, cookies, headers: request.headers })
      if ('empty' in result) throw new CheckoutInputError(400, 'empty_cart', 'the cart has no items')
      return json(200, { url: result.url }, headers)
    } catch (error) {
      return failure(error, headers)
    }
  }

  async function redirectToCheckout(request: EndpointRequest): Promise<EndpointAnswer> {
    if (options.resolveCart === undefined) {
      return json(404, { code: 'not_found', message: 'GET /checkout/redirect needs a resolveCart hook: without JavaScript the cart comes from the server' })
    }
    const country = request.url.searchParams.get('country') ?? undefined
    const currency = request.url.searchParams.get('currency') ?? undefined
    if (country !== undefined && !/^[A-Za-z]{2,3}$/.test(country)) return json(400, { code: 'invalid_country', message: 'country must be an ISO 3166 code' })
    if (currency !== undefined && !/^[A-Za-z]{3}$/.test(currency)) return json(400, { code: 'invalid_currency', message: 'currency must be an ISO 4217 code' })
    const cookies = parseCookies(request.headers.cookie)
    const setCookie: Record<string, string> = {}
    try {
      let sessionId = cookies[SESSION_COOKIE]
      if (sessionId === undefined || !SESSION_ID.test(sessionId)) {
        const session = await options.client.createSession(country === undefined ? {} : { country: country.toUpperCase() })
        sessionId = session.id
        setCookie['set-cookie'] = sessionCookie(session.id, { secure: secureCookies })
      }
      const result = await createCheckout({
        sessionId,
        items: [],
        ...(country === undefined ? {} : { country: country.toUpperCase() }),
        ...(currency === undefined ? {} : { currency: currency.toUpperCase() }),
        cookies,
        headers: request.headers,
      })
      if ('empty' in result) return redirect(options.emptyCartRedirect ?? '/', setCookie)
      return redirect(result.url, setCookie)
    } catch (error) {
      return failure(error, setCookie)
    }
  }

  return { handle, handleNode: toNodeHandler(handle), handleRequest: toFetchHandler(handle), createCheckout }
}

/**
 * The checkout token form the connector builds (§5.2): the order form with the lines (options as
 * a JSON string in `attributes.options`, percent discounts from the hook), attributes (plus
 * `customer_id`), customer, destination, address book and the continue-shopping URL.
 *
 * @example
 * buildCheckoutTokenForm('ses-1', [{ number: 'SKU-1', quantity: 2, options: { size: 'M' } }], { discounts: [{ number: 'SKU-1', percent: 10 }] })
 * // { discriminator: 'checkout_token_order_form', session_id: 'ses-1', order_form: { items: [{ number: 'SKU-1', quantity: 2,
 * //   attributes: { options: '{"size":"M"}' }, discounts: { discounts: [{ offer: { discriminator: 'discount_offer_percent', percent: 10 }, label: 'Discount' }] } }] } }
 */
export function buildCheckoutTokenForm(sessionId: string, lines: readonly CheckoutLine[], resolved?: ResolvedCart, continueShoppingUrl?: string): CheckoutTokenForm {
  const discounts = new Map<string, { percent: number; label: string }>()
  for (const [i, d] of (resolved?.discounts ?? []).entries()) {
    if (typeof d.number !== 'string' || !(typeof d.percent === 'number' && d.percent > 0 && d.percent <= 100)) {
      throw new RangeError(`resolveCart().discounts[${i}]: percent must be a number above 0 and at most 100. Received: ${String(d.percent)}`)
    }
    discounts.set(d.number.toLowerCase(), { percent: d.percent, label: d.label ?? 'Discount' })
  }
  const items: LineItemForm[] = lines.map((line) => {
    const discount = discounts.get(line.number.toLowerCase())
    return {
      number: line.number,
      quantity: line.quantity,
      ...(line.options !== undefined && Object.keys(line.options).length > 0 ? { attributes: { options: JSON.stringify(line.options) } } : {}),
      ...(discount === undefined ? {} : { discounts: { discounts: [{ offer: { discriminator: 'discount_offer_percent' as const, percent: discount.percent }, label: discount.label }] } }),
    }
  })
  const customer = resolved?.customer
  const attributes = { ...stringsOnly(resolved?.attributes), ...(customer === undefined ? {} : { customer_id: customer.number }) }
  const orderForm: OrderForm = {
    items,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    ...(customer === undefined
      ? {}
      : {
          customer: {
            number: customer.number,
            ...(customer.name === undefined ? {} : { name: customer.name }),
            ...(customer.email === undefined ? {} : { email: customer.email }),
            ...(customer.phone === undefined ? {} : { phone: customer.phone }),
          },
        }),
    ...(resolved?.destination === undefined ? {} : { destination: resolved.destination }),
  }
  const urls = resolved?.urls
  const continueShopping = urls?.continueShopping ?? continueShoppingUrl
  const urlForm = {
    ...(continueShopping === undefined ? {} : { continue_shopping: continueShopping }),
    ...(urls?.confirmation === undefined ? {} : { confirmation: urls.confirmation }),
    ...(urls?.invalidCheckout === undefined ? {} : { invalid_checkout: urls.invalidCheckout }),
  }
  return {
    discriminator: 'checkout_token_order_form',
    session_id: sessionId,
    order_form: orderForm,
    ...(customer === undefined
      ? {}
      : {
          customer: {
            number: customer.number,
            ...(customer.email === undefined ? {} : { email: customer.email }),
            ...(customer.name === undefined ? {} : { name: customer.name }),
            ...(customer.phone === undefined ? {} : { phone: customer.phone }),
          },
        }),
    ...(resolved?.addressBook === undefined || resolved.addressBook.length === 0 ? {} : { address_book: { contacts: resolved.addressBook } }),
    ...(Object.keys(urlForm).length > 0 ? { urls: urlForm } : {}),
  }
}

/**
 * `_f60_session=<id>; Path=/; Max-Age=86400; SameSite=Lax` (+ `Secure`, `Domain`). Not
 * HttpOnly: the storefront SDK reads it, as Flow.js did.
 *
 * @example
 * sessionCookie('ses-1', { secure: true }) // '_f60_session=ses-1; Path=/; Max-Age=86400; SameSite=Lax; Secure'
 */
export function sessionCookie(id: string, options: { secure?: boolean; domain?: string; maxAgeSeconds?: number } = {}): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(id)}`,
    'Path=/',
    `Max-Age=${options.maxAgeSeconds ?? 86_400}`,
    'SameSite=Lax',
    ...(options.domain === undefined ? [] : [`Domain=${options.domain}`]),
    ...(options.secure ? ['Secure'] : []),
  ].join('; ')
}

function readBody(raw: Uint8Array): { session_id?: string; items: CheckoutLine[] } {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'))
  } catch {
    throw new CheckoutInputError(400, 'invalid_cart', 'the body is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CheckoutInputError(400, 'invalid_cart', 'the body must be a JSON object')
  const body = value as Record<string, unknown>
  for (const key of Object.keys(body)) {
    if (ALLOWED_FIELDS.has(key)) continue
    if (MONEY_FIELDS.test(key)) throw new CheckoutInputError(400, 'unexpected_field', `"${key}": prices and discounts are not accepted from the browser; they come from Flow and the server`)
    throw new CheckoutInputError(400, 'unexpected_field', `"${key}" is not a field of the checkout request (session_id, items)`)
  }
  if (body.session_id !== undefined && typeof body.session_id !== 'string') throw new CheckoutInputError(400, 'missing_session', 'session_id must be a string')
  if (body.items === undefined || (Array.isArray(body.items) && body.items.length === 0)) throw new CheckoutInputError(400, 'empty_cart', 'the cart has no items')
  return { ...(body.session_id === undefined ? {} : { session_id: body.session_id as string }), items: readLines(body.items, 'items') }
}

function readLines(value: unknown, at: string): CheckoutLine[] {
  if (!Array.isArray(value)) throw new CheckoutInputError(400, 'invalid_cart', `${at} must be an array`)
  if (value.length > MAX_LINES) throw new CheckoutInputError(400, 'invalid_cart', `${at} has more than ${MAX_LINES} lines`)
  return value.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckoutInputError(400, 'invalid_cart', `${at}[${i}] must be an object`)
    const line = raw as Record<string, unknown>
    for (const key of Object.keys(line)) {
      if (ALLOWED_LINE_FIELDS.has(key)) continue
      if (MONEY_FIELDS.test(key)) throw new CheckoutInputError(400, 'unexpected_field', `${at}[${i}].${key}: prices and discounts are not accepted from the browser`)
      throw new CheckoutInputError(400, 'unexpected_field', `${at}[${i}].${key} is not a field of a cart line (number, quantity, options)`)
    }
    const { number, quantity, options } = line
    if (typeof number !== 'string' || number.trim() === '' || number.length > 100) throw new CheckoutInputError(400, 'invalid_cart', `${at}[${i}].number must be an item number (1 to 100 characters)`)
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 10_000) {
      throw new CheckoutInputError(400, 'invalid_cart', `${at}[${i}].quantity must be an integer from 1 to 10000`)
    }
    let opts: Record<string, string> | undefined
    if (options !== undefined) {
      if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new CheckoutInputError(400, 'invalid_cart', `${at}[${i}].options must be an object of strings`)
      const entries = Object.entries(options)
      if (entries.length > 50 || entries.some(([k, v]) => typeof v !== 'string' || k.length > 100 || v.length > 1000 || k === '__proto__')) {
        throw new CheckoutInputError(400, 'invalid_cart', `${at}[${i}].options must map option names to strings (at most 50)`)
      }
      opts = Object.fromEntries(entries) as Record<string, string>
    }
    return { number, quantity, ...(opts === undefined ? {} : { options: opts }) }
  })
}

function stringsOnly(map: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'))
}
