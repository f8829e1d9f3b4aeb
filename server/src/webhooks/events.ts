// The webhook events this adapter registers and processes, their payload types (Flow's spec
// models plus the top-level `discriminator`), and the events merchant handlers can subscribe to.
import type {
  AuthorizationStatus,
  CaptureUpsertedV2,
  CardAuthorizationUpsertedV2,
  FraudStatus,
  FraudStatusChanged,
  LabelUpserted,
  OnlineAuthorizationUpsertedV2,
  OrderPlaced,
  RefundCaptureUpsertedV2,
} from '../client/index.js'
import type { OrderProjection } from './projection.js'

/**
 * The seven event types the Magento connector registers, each at `{baseUrl}/webhooks/{type}`.
 *
 * @example
 * WEBHOOK_EVENT_TYPES.includes('order_placed') // true
 */
export const WEBHOOK_EVENT_TYPES = [
  'order_placed',
  'capture_upserted_v2',
  'card_authorization_upserted_v2',
  'online_authorization_upserted_v2',
  'fraud_status_changed',
  'label_upserted',
  'refund_capture_upserted_v2',
] as const

/**
 * One of the seven processed event types.
 *
 * @example
 * const type: WebhookEventType = 'capture_upserted_v2'
 */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/**
 * Payload of each processed type, as Flow's spec describes it.
 *
 * @example
 * type Placed = WebhookPayloads['order_placed'] // OrderPlaced: { event_id, order, allocation, … }
 */
export type WebhookPayloads = {
  order_placed: OrderPlaced
  capture_upserted_v2: CaptureUpsertedV2
  card_authorization_upserted_v2: CardAuthorizationUpsertedV2
  online_authorization_upserted_v2: OnlineAuthorizationUpsertedV2
  fraud_status_changed: FraudStatusChanged
  label_upserted: LabelUpserted
  refund_capture_upserted_v2: RefundCaptureUpsertedV2
}

/**
 * A received event of type `K`: its payload with the top-level `discriminator`.
 *
 * @example
 * const event: WebhookEvent<'fraud_status_changed'> = {
 *   discriminator: 'fraud_status_changed', event_id: 'evt-1', timestamp: '2024-05-01T10:00:00Z',
 *   organization: 'demo', id: 'frd-1', order: { number: 'ord-1' }, status: 'approved',
 * }
 */
export type WebhookEvent<K extends WebhookEventType = WebhookEventType> = {
  [P in K]: WebhookPayloads[P] & { discriminator: P }
}[K]

/**
 * Sent when an order placed through `POST /checkout` carries another e-mail address than the one
 * the store supplied for the customer when the checkout token was created (the shopper changed it
 * on Flow's checkout page).
 *
 * @example
 * const change: CheckoutEmailChanged = { order_number: 'ord-1', customer_number: '42', previous_email: 'a@example.com', email: 'b@example.com' }
 */
export type CheckoutEmailChanged = {
  order_number: string
  customer_number?: string
  previous_email: string
  email: string
}

/**
 * Everything a merchant handler can subscribe to: each event type (run before the event counts as
 * processed), `<type>_after` (run once the order projection holds the event) and
 * `checkout_email_changed`.
 *
 * @example
 * type AfterCapture = WebhookHandlerEvents['capture_upserted_v2_after'] // WebhookEvent<'capture_upserted_v2'>
 */
export type WebhookHandlerEvents = { [K in WebhookEventType]: WebhookEvent<K> } & {
  [K in WebhookEventType as `${K}_after`]: WebhookEvent<K>
} & { checkout_email_changed: CheckoutEmailChanged }

/**
 * A name `on(name, handler)` accepts.
 *
 * @example
 * const name: WebhookHandlerName = 'order_placed_after'
 */
export type WebhookHandlerName = keyof WebhookHandlerEvents

/**
 * What a handler receives besides the event. Handlers run at least once: a crash or a failure
 * runs them again, so they use `idempotencyKey` (the same on every run of this event and handler
 * name) to apply their effect once.
 *
 * @example
 * processor.on('order_placed', async (event, { idempotencyKey, order }) => {
 *   await shop.createOrder({ flowNumber: order?.number, key: idempotencyKey })
 * })
 */
export type WebhookHandlerContext = {
  /** `<event_id>` for a type, `<event_id>:after` for `<type>_after`, `<event_id>:checkout_email_changed`. */
  idempotencyKey: string
  eventId: string
  type: WebhookEventType
  /** 1 on the first run, more after failures or a crash. */
  attempt: number
  /** The order projection with this event applied (undefined only when it names no order). */
  order: OrderProjection | undefined
}

/**
 * A merchant handler. A thrown error (or rejected promise) makes the event retry with backoff.
 *
 * @example
 * const handler: WebhookHandler<'label_upserted'> = (event) => shipments.add(event.label_id)
 */
export type WebhookHandler<K extends WebhookHandlerName> = (event: WebhookHandlerEvents[K], context: WebhookHandlerContext) => void | Promise<void>

/** Authorization outcomes, re-exported for handler code. */
export type { AuthorizationStatus, FraudStatus }

/**
 * True for one of the seven processed event types.
 *
 * @example
 * isWebhookEventType('order_placed') // true
 * isWebhookEventType('order_placed_v2') // false: stored as ignored
 */
export function isWebhookEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)
}
