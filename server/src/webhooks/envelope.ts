// Reading a webhook body: strict UTF-8, JSON without prototype pollution, the envelope fields
// (`event_id`, the top-level `discriminator`), and which order (or which authorization, when the
// payload carries no order number) an event is about.
import { isWebhookEventType, type WebhookEventType } from './events.js'

/** A JSON object as parsed from a webhook body. */
export type JsonObject = Record<string, unknown>

/** The parts of an event the store indexes. */
export type Envelope = {
  eventId: string
  /** The top-level `discriminator`. */
  type: string
  organization: string | undefined
  /** The event's `timestamp`, when it is a date. */
  timestamp: string | undefined
  payload: JsonObject
}

/** Why a body is refused with 400 (and kept aside in the quarantine). */
export type EnvelopeProblem = 'invalid_utf8' | 'malformed_json' | 'not_an_object' | 'missing_event_id' | 'missing_discriminator'

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
const EVENT_ID = /^[\x21-\x7e]{1,200}$/
const DISCRIMINATOR = /^[a-z][a-z0-9_]{0,99}$/

/**
 * Parses a raw webhook body into its envelope, or names the problem.
 *
 * @example
 * parseEnvelope(Buffer.from('{"event_id":"evt-1","discriminator":"order_placed"}'))
 * // { ok: true, envelope: { eventId: 'evt-1', type: 'order_placed', … } }
 * parseEnvelope(Buffer.from('{"order":{"discriminator":"x"}}')) // { ok: false, problem: 'missing_event_id' }
 */
export function parseEnvelope(body: Uint8Array): { ok: true; envelope: Envelope } | { ok: false; problem: EnvelopeProblem } {
  let text: string
  try {
    text = decoder.decode(body)
  } catch {
    return { ok: false, problem: 'invalid_utf8' }
  }
  let payload: unknown
  try {
    payload = parseJson(text)
  } catch {
    return { ok: false, problem: 'malformed_json' }
  }
  if (!isObject(payload)) return { ok: false, problem: 'not_an_object' }
  const eventId = payload.event_id
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) return { ok: false, problem: 'missing_event_id' }
  // Only the top-level discriminator routes: nested objects (authorizations, cards, deliveries)
  // carry their own, which say nothing about the event type.
  const type = payload.discriminator
  if (typeof type !== 'string' || !DISCRIMINATOR.test(type)) return { ok: false, problem: 'missing_discriminator' }
  const organization = typeof payload.organization === 'string' ? payload.organization : undefined
  const timestamp = typeof payload.timestamp === 'string' && !Number.isNaN(Date.parse(payload.timestamp)) ? payload.timestamp : undefined
  return { ok: true, envelope: { eventId, type, organization, timestamp, payload } }
}

/**
 * `JSON.parse` that drops `__proto__` keys at every depth. `JSON.parse` itself only creates an
 * own property named `__proto__`, but code that later merges the object could turn it into a
 * prototype change; removing it here makes every consumer safe. Bodies without the name (or a
 * `\u` escape that could spell it) skip the walk.
 *
 * @example
 * parseJson('{"__proto__":{"admin":true},"a":1}') // { a: 1 }
 */
export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text)
  if (text.includes('__proto__') || text.includes('\\u')) stripProto(value)
  return value
}

function stripProto(value: unknown): void {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const current = stack.pop()
    if (typeof current !== 'object' || current === null) continue
    if (Object.prototype.hasOwnProperty.call(current, '__proto__')) delete (current as Record<string, unknown>)['__proto__']
    for (const child of Object.values(current)) if (typeof child === 'object' && child !== null) stack.push(child)
  }
}

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** What an event is about: the order, or the authorization when that is all it names. */
export type EventSubject = {
  orderNumber: string | undefined
  /** Authorization ids and keys the event names (a refund capture names only these). */
  authorizationKeys: string[]
}

/** A payload that cannot be processed, whatever happens later: it goes to the dead letters. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError'
}

/**
 * Reads the order number and authorization keys of a processed event type, checking the fields
 * the processor needs. Throws `InvalidEventError` for a payload that names neither.
 *
 * @example
 * eventSubject('refund_capture_upserted_v2', payload) // { orderNumber: undefined, authorizationKeys: ['aut-1'] }
 */
export function eventSubject(type: WebhookEventType, payload: JsonObject): EventSubject {
  const keys = new Set<string>()
  const addAuthorization = (auth: unknown) => {
    if (!isObject(auth)) return
    for (const field of ['id', 'key'] as const) {
      const value = auth[field]
      if (typeof value === 'string' && value !== '') keys.add(value)
    }
  }
  let orderNumber: string | undefined
  switch (type) {
    case 'order_placed': {
      const order = payload.order
      orderNumber = text(isObject(order) ? order.number : undefined) ?? text(payload.order_number)
      if (!isObject(order)) throw new InvalidEventError('order_placed without an `order` object')
      const payments = Array.isArray(order.payments) ? order.payments : []
      for (const payment of payments) if (isObject(payment) && text(payment.reference)) keys.add(payment.reference as string)
      break
    }
    case 'capture_upserted_v2': {
      const capture = payload.capture
      if (!isObject(capture) || !text(capture.id)) throw new InvalidEventError('capture_upserted_v2 without `capture.id`')
      addAuthorization(capture.authorization)
      orderNumber = orderOf(isObject(capture.authorization) ? capture.authorization.order : undefined)
      break
    }
    case 'card_authorization_upserted_v2':
    case 'online_authorization_upserted_v2': {
      const authorization = payload.authorization
      if (!isObject(authorization) || !text(authorization.id)) throw new InvalidEventError(`${type} without \`authorization.id\``)
      addAuthorization(authorization)
      orderNumber = orderOf(authorization.order)
      break
    }
    case 'fraud_status_changed':
      orderNumber = orderOf(payload.order)
      if (!text(payload.status)) throw new InvalidEventError('fraud_status_changed without `status`')
      break
    case 'label_upserted':
      if (!text(payload.label_id)) throw new InvalidEventError('label_upserted without `label_id`')
      // The Flow order number; `order_identifier` may be the shop's own id after an identifier sync.
      orderNumber = text(payload.order) ?? text(payload.order_identifier)
      break
    case 'refund_capture_upserted_v2': {
      const refundCapture = payload.refund_capture
      if (!isObject(refundCapture) || !text(refundCapture.id)) throw new InvalidEventError('refund_capture_upserted_v2 without `refund_capture.id`')
      const refund = refundCapture.refund
      if (isObject(refund)) {
        addAuthorization(refund.authorization)
        orderNumber = orderOf(isObject(refund.authorization) ? refund.authorization.order : undefined)
      }
      if (isObject(refundCapture.capture)) addAuthorization(refundCapture.capture.authorization)
      break
    }
  }
  if (orderNumber === undefined && keys.size === 0) throw new InvalidEventError(`${type} names no order number and no authorization`)
  return { orderNumber, authorizationKeys: [...keys].sort() }
}

/**
 * The serialization key stored with an event: `order:<number>`, else `authorization:<key>`.
 *
 * @example
 * orderKeyOf({ orderNumber: 'ord-1', authorizationKeys: [] }) // 'order:ord-1'
 */
export function orderKeyOf(subject: EventSubject): string {
  if (subject.orderNumber !== undefined) return `order:${subject.orderNumber}`
  return `authorization:${subject.authorizationKeys[0]}`
}

/** The order key of an envelope, or undefined for ignored types and unreadable payloads. */
export function envelopeOrderKey(envelope: Envelope): string | undefined {
  if (!isWebhookEventType(envelope.type)) return undefined
  try {
    return orderKeyOf(eventSubject(envelope.type, envelope.payload))
  } catch {
    return undefined
  }
}

function orderOf(reference: unknown): string | undefined {
  return isObject(reference) ? text(reference.number) : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
