// Hand-written types for the three Flow calls the Magento connector makes that the spec subset
// does not describe (../shared/flow-api/README.md, "Calls the Magento connector makes that are
// missing from the specification"). Request shapes are exactly what the connector sends. Flow
// publishes no response shapes for them: deliveries follow the emulator's records
// (server/src/emulator/state.ts), the others are the smallest shapes callers use. Keep this file
// small: everything in the spec belongs in the generated types.ts.

import type { Item } from './types.js'

/**
 * Body of the batch localized-items lookup: many item numbers in one request.
 *
 * @example
 * const form: LocalizedItemsFilterForm = { filter: 'number', values: ['SKU-1', 'SKU-2'] }
 */
export type LocalizedItemsFilterForm = {
  filter: 'number'
  values: string[]
}

/**
 * One entry of the batch answer: the number asked for and its localized items (empty when the
 * number is unknown or not available in the experience).
 *
 * @example
 * const result: LocalizedItemsFilterResult = { value: 'SKU-1', items: [] }
 */
export type LocalizedItemsFilterResult = {
  value: string
  items: Item[]
}

/**
 * Answer of the batch localized-items lookup.
 *
 * @example
 * const answer: LocalizedItemsFilterResponse = { responses: [{ value: 'SKU-1', items: [] }] }
 */
export type LocalizedItemsFilterResponse = {
  responses: LocalizedItemsFilterResult[]
}

/**
 * `set` replaces the quantity at the center, `change` adds to it (a negative number removes).
 *
 * @example
 * const type: InventoryUpdateType = 'set'
 */
export type InventoryUpdateType = 'set' | 'change'

/**
 * Body of `POST /:organization/inventory_updates`. Flow applies an `idempotency_key` once, so the
 * client retries this POST with the same key.
 *
 * @example
 * const form: InventoryUpdateForm = {
 *   center: 'main', item_number: 'SKU-1', quantity: 7, type: 'set', idempotency_key: 'SKU-1:42',
 * }
 */
export type InventoryUpdateForm = {
  center: string
  item_number: string
  quantity: number
  type: InventoryUpdateType
  idempotency_key: string
  notes?: Record<string, unknown>
}

/**
 * An inventory update as Flow recorded it.
 *
 * @example
 * const update: InventoryUpdate = {
 *   id: 'inu-1', idempotency_key: 'SKU-1:42', center: 'main', item: { number: 'SKU-1' },
 *   quantity: 7, type: 'set',
 * }
 */
export type InventoryUpdate = {
  id: string
  idempotency_key: string
  center: string
  item: { number: string }
  quantity: number
  type: InventoryUpdateType
  notes?: Record<string, unknown>
}

/**
 * Where a webhook delivery stands: still being tried, delivered (a 2xx), or given up on after the
 * last attempt.
 *
 * @example
 * const status: WebhookDeliveryStatus = 'failed'
 */
export type WebhookDeliveryStatus = 'scheduled' | 'succeeded' | 'failed'

/**
 * One HTTP attempt of a delivery. `status` is absent when no answer came (network error, timeout).
 *
 * @example
 * const request: WebhookDeliveryRequest = { id: 'whr-1', attempted_at: '2024-05-01T10:00:01Z', status: 500, duration_ms: 84 }
 */
export type WebhookDeliveryRequest = {
  id: string
  attempted_at: string
  status?: number
  error?: string
  duration_ms: number
}

/**
 * One event sent (or being sent) to one webhook, with every attempt: what reconciliation reads to
 * find gaps. Same shape as the emulator's delivery records.
 *
 * @example
 * const delivery: WebhookDelivery = {
 *   id: 'whd-1', webhook_id: 'whk-1', url: 'https://shop.example/flow/webhooks', event_id: 'evt-1',
 *   event_type: 'order_placed', body: '{"event_id":"evt-1",…}', status: 'failed', attempts: 6,
 *   created_at: '2024-05-01T10:00:00Z', updated_at: '2024-05-01T11:03:00Z', requests: [],
 * }
 */
export type WebhookDelivery = {
  id: string
  webhook_id: string
  url: string
  event_id: string
  /** The event's top-level `discriminator`, e.g. `order_placed`. */
  event_type: string
  /** The exact bytes that were signed and sent. */
  body: string
  status: WebhookDeliveryStatus
  attempts: number
  next_attempt_at?: string
  created_at: string
  updated_at: string
  requests: WebhookDeliveryRequest[]
}

/**
 * The three extra operations, in the same shape as the generated `FlowOperations`.
 *
 * @example
 * type Batch = FlowExtraOperations['POST /:organization/experiences/items/filters/number']
 * // Batch['response'] is LocalizedItemsFilterResponse
 */
export type FlowExtraOperations = {
  'POST /:organization/experiences/items/filters/number': {
    method: 'POST'
    path: '/:organization/experiences/items/filters/number'
    pathParams: { organization: string }
    query: { experience?: string; country?: string; currency?: string }
    body: LocalizedItemsFilterForm
    response: LocalizedItemsFilterResponse
  }
  'POST /:organization/inventory_updates': {
    method: 'POST'
    path: '/:organization/inventory_updates'
    pathParams: { organization: string }
    query: Record<string, never>
    body: InventoryUpdateForm
    response: InventoryUpdate
  }
  'GET /:organization/webhook/deliveries': {
    method: 'GET'
    path: '/:organization/webhook/deliveries'
    pathParams: { organization: string }
    /** `since` is an ISO 8601 date-time. */
    query: { since?: string; webhook_id?: string; limit?: number; offset?: number }
    body: undefined
    response: WebhookDelivery[]
  }
  'POST /:organization/webhook/deliveries/:id/requests': {
    method: 'POST'
    path: '/:organization/webhook/deliveries/:id/requests'
    pathParams: { organization: string; id: string }
    query: Record<string, never>
    body: undefined
    response: WebhookDeliveryRequest
  }
}
