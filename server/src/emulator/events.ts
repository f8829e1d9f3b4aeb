// Webhook events in Flow's shapes, and the payment records (card authorization, capture,
// refund) behind them. The data is the emulator's own: a test VISA card that always authorizes.
import { fromMinor, toMinor } from 'flow-storefront/money'
import type { EmulatorContext } from './context.js'
import { optional } from './json.js'
import { toBase } from './localize.js'
import { newId, type EmulatorState, type Json } from './state.js'

function envelope(context: EmulatorContext, discriminator: string, fields: Json): Json {
  return {
    event_id: newId('evt'),
    timestamp: context.now().toISOString(),
    organization: context.state.organization.id,
    ...fields,
    discriminator,
  }
}

/** `order_placed`: the submitted order and its allocation. */
export function orderPlacedEvent(context: EmulatorContext, order: Json, allocation: Json): Json {
  return envelope(context, 'order_placed', { order_number: order.number, order, allocation })
}

/** `card_authorization_upserted_v2`. */
export function cardAuthorizationEvent(context: EmulatorContext, authorization: Json): Json {
  return envelope(context, 'card_authorization_upserted_v2', { id: authorization.id, authorization })
}

/** `fraud_status_changed`: the emulator approves every order. */
export function fraudStatusChangedEvent(context: EmulatorContext, order: Json): Json {
  return envelope(context, 'fraud_status_changed', { id: newId('frd'), order: { id: order.id, number: order.number }, status: 'approved' })
}

/** `capture_upserted_v2`. */
export function captureEvent(context: EmulatorContext, capture: Json): Json {
  return envelope(context, 'capture_upserted_v2', { id: capture.id, capture })
}

/** `refund_capture_upserted_v2`. */
export function refundCaptureEvent(context: EmulatorContext, refundCapture: Json): Json {
  return envelope(context, 'refund_capture_upserted_v2', { id: refundCapture.id, refund_capture: refundCapture })
}

/**
 * `label_upserted`: a shipping label for the whole order, from the organization's first center to
 * the order's destination (the emulator's carrier is "demo-post").
 */
export function labelUpsertedEvent(context: EmulatorContext, order: Json): Json {
  const destination = (order.destination ?? {}) as Json
  const { contact, ...location } = destination as { contact?: Json } & Json
  const center = Object.values(context.state.centers)[0] as Json | undefined
  const centerKey = String(center?.key ?? 'center')
  const tracking = newId('trk').slice(4, 20).toUpperCase()
  const items = ((order.items ?? []) as Json[]).map((item) => ({ number: item.number, quantity: item.quantity }))
  return envelope(context, 'label_upserted', {
    label_id: newId('lab'),
    carrier_tracking_number: `DP${tracking}`,
    commercial_invoice: `${context.url}/_emulator/labels/${String(order.number)}/invoice.pdf`,
    flow_tracking_number: `FT${tracking}`,
    destination: { contact: contact ?? { name: {} }, location },
    // The center's address is already a shipping address: its contact and location.
    origin: {
      contact: { name: { first: 'Demo', last: 'Warehouse' } },
      location: { country: 'USA' },
      ...((center?.address as Json | undefined) ?? {}),
      center_reference: { organization_id: context.state.organization.id, center_key: centerKey },
    },
    carrier: 'demo-post',
    service: 'demo-post-standard',
    order: order.number,
    center_key: centerKey,
    recipient: 'customer',
    package: { dimensions: { weight: { value: '1', units: 'kilogram' } }, items },
  })
}

/** An amount of the order's currency as Flow's `money`, and the same in the base currency. */
function amounts(state: EmulatorState, total: { amount: number; currency: string }): { amount: number; currency: string; base: Json } {
  const minor = toMinor(total.amount, total.currency)
  const base = state.organization.base_currency
  return {
    amount: total.amount,
    currency: total.currency,
    base: { amount: fromMinor(toBase(state, minor, total.currency), base), currency: base },
  }
}

const VISA = {
  id: 'visa',
  type: 'card',
  name: 'VISA',
  images: {
    small: { url: 'https://example.com/flow-storefront-demo/payment-methods/visa-small.png', width: 60, height: 38 },
    medium: { url: 'https://example.com/flow-storefront-demo/payment-methods/visa-medium.png', width: 120, height: 76 },
    large: { url: 'https://example.com/flow-storefront-demo/payment-methods/visa-large.png', width: 240, height: 152 },
  },
  regions: ['world'],
}

/** A `card_authorization` for the whole order total, paid with the emulator's test card. */
export function cardAuthorization(context: EmulatorContext, order: Json): Json {
  const total = order.total as { amount: number; currency: string }
  const customer = order.customer as Json & { name: { first?: string; last?: string } }
  const { amount, currency, base } = amounts(context.state, total)
  const id = newId('aut')
  const holder = [customer.name.first, customer.name.last].filter(Boolean).join(' ') || 'Test Shopper'
  return {
    id,
    key: id,
    merchant_of_record: 'flow',
    method: VISA,
    card: {
      discriminator: 'card',
      id: newId('crd'),
      token: newId('tok'),
      type: 'visa',
      expiration: { month: 12, year: new Date(context.now()).getUTCFullYear() + 4 },
      iin: '411111',
      last4: '1111',
      name: holder,
    },
    amount,
    currency,
    requested: { amount, currency },
    customer,
    attributes: {},
    ...optional('destination', addressOf(order.destination as Json | undefined)),
    order: { number: order.number },
    result: { status: 'authorized' },
    created_at: context.now().toISOString(),
    base,
  }
}

function addressOf(destination: Json | undefined): Json | undefined {
  if (!destination) return undefined
  const { contact: _contact, ...address } = destination
  return address
}

/** A succeeded `capture` of a card authorization's full amount. */
export function captureOf(context: EmulatorContext, authorization: Json): Json {
  const { amount, currency, base } = amounts(context.state, authorization as { amount: number; currency: string })
  const id = newId('cap')
  return {
    id,
    key: id,
    authorization: { id: authorization.id, key: authorization.key, order: authorization.order },
    amount,
    currency,
    requested: { amount, currency },
    created_at: context.now().toISOString(),
    attributes: {},
    status: 'succeeded',
    base,
  }
}

/** A succeeded `refund` of `amount` (order currency) against a capture, and its `refund_capture`. */
export function refundOf(context: EmulatorContext, capture: Json, amount: number, key: string | undefined): { refund: Json; refundCapture: Json } {
  const currency = capture.currency as string
  const money = amounts(context.state, { amount, currency })
  const id = newId('ref')
  const authorization = capture.authorization as Json
  const refund: Json = {
    id,
    key: key ?? id,
    authorization: { id: authorization.id, key: authorization.key, ...optional('order', authorization.order as Json | undefined) },
    amount,
    currency,
    requested: { amount, currency },
    captures: [{ capture, amount }],
    created_at: context.now().toISOString(),
    attributes: {},
    status: 'succeeded',
    base: money.base,
  }
  const refundCapture: Json = { id: newId('rfc'), refund, capture, amount, currency, base: money.base, status: 'succeeded' }
  return { refund, refundCapture }
}
