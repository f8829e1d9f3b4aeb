// Checkout tokens and the hosted checkout page. Creating a token opens an order; the page at
// `/tokens/:id` shows it and its "Place order" button submits it, delivers the order's webhooks
// (order_placed, card authorization, fraud status, capture) and returns to the confirmation URL.
import { renderCheckoutPage, renderMessagePage, PAGE_CSP } from '../checkout-page.js'
import type { EmulatorContext } from '../context.js'
import { cardAuthorization, cardAuthorizationEvent, captureEvent, captureOf, fraudStatusChangedEvent, orderPlacedEvent } from '../events.js'
import { baseExperience, requireExperience } from '../geo.js'
import { ApiError, notFound, ok, route, type Reply } from '../http.js'
import { readForm, type FormReader } from '../input.js'
import { optional } from '../json.js'
import { allocationJson, orderJson } from '../order-shapes.js'
import { priceOrder, readAddress, readDiscounts, readLineItems } from '../orders.js'
import { newId, type CheckoutTokenRecord, type EmulatorState, type Json } from '../state.js'

const TOKEN_TTL_MS = 60 * 60_000

function readUrls(form: FormReader | undefined, at: string): CheckoutTokenRecord['urls'] {
  const urls: CheckoutTokenRecord['urls'] = {}
  for (const name of ['continue_shopping', 'confirmation', 'invalid_checkout'] as const) {
    const url = form?.optString(name)
    if (url === undefined) continue
    if (!/^https?:\/\//i.test(url)) form?.fail(`${at}.${name} must be an absolute http(s) URL, received '${url}'`)
    else urls[name] = url
  }
  return urls
}

function readCustomer(form: FormReader | undefined): Json {
  if (!form) return { name: {} }
  const name = form.optObject('name')
  const address = form.optObject('address')
  return {
    name: { ...optional('first', name?.optString('first')), ...optional('last', name?.optString('last')) },
    ...optional('number', form.optString('number')),
    ...optional('phone', form.optString('phone')),
    ...optional('email', form.optString('email')),
    ...optional('address', address && readAddress(address)),
  }
}

/** Opens an order from an `order_form` in the session's experience and returns its number. */
function openOrder(context: EmulatorContext, form: FormReader, experienceKey: string, expiresAt: string, customer: Json | undefined): string {
  const { state } = context
  const experience = requireExperience(state, experienceKey)
  const orderForm = form.object('order_form')
  const lines = readLineItems(orderForm, state, experience, 'order_form')
  const orderDiscount = readDiscounts(orderForm, state, experience, 'order_form')
  const number = orderForm.optString('number') ?? newId('ord')
  const destination = readAddress(orderForm.optObject('destination')) ?? { country: experience.country }
  const orderCustomer = orderForm.optObject('customer') ? readCustomer(orderForm.optObject('customer')) : (customer ?? { name: {} })
  const attributes = orderForm.optStringMap('attributes') ?? {}
  form.done()
  if (state.orders[number]?.order.submitted_at) throw new ApiError(422, [`order '${number}' was already submitted`])
  const priced = priceOrder(context, experience, lines, orderDiscount)
  const order = orderJson(context, priced, { id: newId('ior'), number, customer: orderCustomer, destination, attributes, expires_at: expiresAt })
  state.orders[number] = { experience_key: experience.key, order, allocation: allocationJson(context, priced, newId('alc'), order) }
  return number
}

function tokenJson(state: EmulatorState, token: CheckoutTokenRecord): Json {
  return {
    id: token.id,
    organization: { id: state.organization.id },
    checkout: { id: `chk-${token.id.slice(4)}` },
    order: { number: token.order_number },
    urls: token.urls,
    expires_at: token.expires_at,
    session: { id: token.session_id },
    ...optional('customer', token.customer_number === undefined ? undefined : { number: token.customer_number }),
  }
}

function html(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, html: body, headers: { 'content-security-policy': PAGE_CSP, ...headers } }
}

function redirect(location: string): Reply {
  return { status: 303, headers: { location } }
}

/** Submits an open order: payment records, webhooks in lifecycle order, then where to go next. */
function placeOrder(context: EmulatorContext, token: CheckoutTokenRecord, fields: URLSearchParams): Reply {
  const { state } = context
  const record = state.orders[token.order_number]
  if (!record) return html(404, renderMessagePage('Order not found', `Order ${token.order_number} no longer exists.`))
  const value = (name: string) => (fields.get(name) ?? '').trim().slice(0, 200)
  const order = record.order
  const previous = order.customer as Json & { name: Json }
  const contact = { first: value('first'), last: value('last'), email: value('email'), phone: value('phone') }
  const name = { ...optional('first', contact.first || undefined), ...optional('last', contact.last || undefined) }
  order.customer = {
    ...previous,
    name,
    ...optional('email', contact.email || undefined),
    ...optional('phone', contact.phone || undefined),
  }
  const destination = order.destination as Json
  order.destination = {
    ...destination,
    ...optional('streets', value('street') ? [value('street')] : undefined),
    ...optional('city', value('city') || undefined),
    ...optional('postal', value('postal') || undefined),
    contact: { name, ...optional('email', contact.email || undefined), ...optional('phone', contact.phone || undefined) },
  }
  const now = context.now().toISOString()
  const authorization = cardAuthorization(context, order)
  const capture = captureOf(context, authorization)
  order.submitted_at = now
  order.payments = [
    {
      id: newId('opm'),
      type: 'card',
      merchant_of_record: 'flow',
      reference: authorization.id,
      description: 'VISA 1111',
      total: order.total,
      attributes: {},
      date: now,
    },
  ]
  record.allocation = { ...record.allocation, order: { id: order.id, number: order.number, submitted_at: now } }
  record.authorization = authorization
  record.capture = capture
  token.placed_order = token.order_number
  for (const event of [
    orderPlacedEvent(context, order, record.allocation),
    cardAuthorizationEvent(context, authorization),
    fraudStatusChangedEvent(context, order),
    captureEvent(context, capture),
  ]) {
    context.deliveries.publish(event)
  }
  return afterPlacement(token)
}

function afterPlacement(token: CheckoutTokenRecord): Reply {
  if (token.urls.confirmation) return redirect(token.urls.confirmation)
  return html(200, renderMessagePage('Order placed', `Thank you. Order ${token.order_number} is confirmed.`))
}

/** The token for the page, or the reply to send instead (unknown or expired token). */
function openToken(context: EmulatorContext, id: string): { token: CheckoutTokenRecord } | { reply: Reply } {
  const token = context.state.checkout_tokens[id]
  if (!token) return { reply: html(404, renderMessagePage('Checkout not found', 'This checkout link is not valid.')) }
  if (!token.placed_order && Date.parse(token.expires_at) < context.now().getTime()) {
    if (token.urls.invalid_checkout) return { reply: redirect(token.urls.invalid_checkout) }
    return { reply: html(410, renderMessagePage('Checkout expired', 'This checkout link has expired. Return to the store and check out again.')) }
  }
  return { token }
}

/** Routes of the `checkout_token` resource and the hosted checkout page. */
export const checkoutRoutes = [
  route<EmulatorContext>('POST', '/:organization/checkout/tokens', 'merchant', (request, context) => {
    const { state } = context
    const form = readForm(request.body(), 'checkout_token_form')
    const kind = form.raw('discriminator') ?? 'checkout_token_reference_form'
    const sessionId = form.string('session_id')
    const session = state.sessions[sessionId]
    if (sessionId && !session) {
      form.fail(`checkout_token_form.session_id '${sessionId}' does not exist; create one with POST /sessions/organizations/${state.organization.id}`)
    }
    const experienceKey = session?.experience_key ?? baseExperience(state).key
    const expiresAt = new Date(context.now().getTime() + TOKEN_TTL_MS).toISOString()
    let orderNumber: string
    let urls: CheckoutTokenRecord['urls']
    let customerNumber: string | undefined
    if (kind === 'checkout_token_order_form') {
      const customer = form.optObject('customer')
      const customerJson = customer ? readCustomer(customer) : undefined
      customerNumber = customer?.string('number')
      urls = readUrls(form.optObject('urls'), 'checkout_token_form.urls')
      orderNumber = openOrder(context, form, experienceKey, expiresAt, customerJson)
    } else if (kind === 'checkout_token_reference_form') {
      orderNumber = form.string('order_number')
      urls = readUrls(form.object('urls'), 'checkout_token_form.urls')
      form.done()
      const order = state.orders[orderNumber]
      if (!order) throw new ApiError(422, [`order '${orderNumber}' does not exist`])
      if (order.order.submitted_at) throw new ApiError(422, [`order '${orderNumber}' was already submitted`])
    } else {
      throw new ApiError(422, [`checkout_token_form.discriminator must be checkout_token_order_form or checkout_token_reference_form, received ${JSON.stringify(kind)}`])
    }
    const token: CheckoutTokenRecord = {
      id: newId('ctk'),
      session_id: sessionId,
      order_number: orderNumber,
      urls,
      ...optional('customer_number', customerNumber),
      expires_at: expiresAt,
    }
    state.checkout_tokens[token.id] = token
    return ok(tokenJson(state, token), 201)
  }),

  route<EmulatorContext>('GET', '/checkout/tokens/:id', 'merchant', (request, context) => {
    const token = context.state.checkout_tokens[request.params.id ?? '']
    if (!token) throw notFound(`checkout token '${request.params.id ?? ''}'`)
    return ok(tokenJson(context.state, token))
  }),

  route<EmulatorContext>('GET', '/tokens/:id', 'public', (request, context) => {
    const opened = openToken(context, request.params.id ?? '')
    if ('reply' in opened) return opened.reply
    const { token } = opened
    if (token.placed_order) return afterPlacement(token)
    const record = context.state.orders[token.order_number]
    if (!record) return html(404, renderMessagePage('Order not found', `Order ${token.order_number} no longer exists.`))
    const customer = record.order.customer as Json & { name: Json }
    const destination = record.order.destination as Json
    return html(
      200,
      renderCheckoutPage({
        organizationName: context.state.organization.name,
        order: record.order,
        action: `/tokens/${encodeURIComponent(token.id)}`,
        ...optional('continueShopping', token.urls.continue_shopping),
        customer: {
          email: String(customer.email ?? 'shopper@example.com'),
          first: String(customer.name.first ?? 'Test'),
          last: String(customer.name.last ?? 'Shopper'),
          phone: String(customer.phone ?? ''),
          street: String((destination.streets as string[] | undefined)?.[0] ?? '1 Demo Street'),
          city: String(destination.city ?? 'Demo City'),
          postal: String(destination.postal ?? '12345'),
        },
      }),
    )
  }),

  route<EmulatorContext>('POST', '/tokens/:id', 'public', (request, context) => {
    const opened = openToken(context, request.params.id ?? '')
    if ('reply' in opened) return opened.reply
    const { token } = opened
    if (token.placed_order) return afterPlacement(token)
    return placeOrder(context, token, new URLSearchParams(request.rawBody.toString('utf8')))
  }),
]
