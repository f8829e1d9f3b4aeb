// Orders (read, delete while open, allocations), order identifiers and refunds.
import { fromMinor, toMinor } from 'flow-storefront/money'
import type { EmulatorContext } from '../context.js'
import { refundCaptureEvent, refundOf } from '../events.js'
import { findExperience } from '../geo.js'
import { ApiError, noContent, notFound, ok, route } from '../http.js'
import { queryList, readForm } from '../input.js'
import { optional } from '../json.js'
import { expandExperience } from '../order-shapes.js'
import { newId, type Json, type OrderRecord } from '../state.js'

function requireOrder(context: EmulatorContext, number: string): OrderRecord {
  const record = context.state.orders[number]
  if (!record) throw notFound(`order '${number}'`)
  return record
}

function orderError(messages: string[], code = 'generic_error'): ApiError {
  return new ApiError(422, messages, { code, messages })
}

function refundError(messages: string[]): ApiError {
  return new ApiError(422, messages, { code: 'generic_error', messages, decline_code: 'unknown' })
}

/** Adds an identifier to the order's `identifiers` list (once). */
function listIdentifier(record: OrderRecord, identifier: string): void {
  const list = (record.order.identifiers as string[] | undefined) ?? []
  if (!list.includes(identifier)) record.order.identifiers = [...list, identifier]
}

/** Amount already refunded against an order's capture, in minor units. */
function refunded(context: EmulatorContext, captureId: string, currency: string): number {
  return Object.values(context.state.refunds)
    .filter((r) => ((r.captures as Json[])[0]?.capture as Json | undefined)?.id === captureId)
    .reduce((sum, r) => sum + toMinor(r.amount as number, currency), 0)
}

/** Routes of the `order`, `order_identifier` and `refund` resources. */
export const orderRoutes = [
  route<EmulatorContext>('GET', '/:organization/orders/:number', 'merchant', (request, context) => {
    const record = requireOrder(context, request.params.number ?? '')
    const experience = findExperience(context.state, record.experience_key)
    const expand = queryList(request.query, 'expand')
    return ok(expand.includes('experience') && experience ? expandExperience(record.order, experience) : record.order)
  }),

  route<EmulatorContext>('DELETE', '/:organization/orders/:number', 'merchant', (request, context) => {
    const number = request.params.number ?? ''
    const record = requireOrder(context, number)
    if (record.order.submitted_at) throw new ApiError(422, [`order '${number}' was submitted and cannot be deleted`])
    delete context.state.orders[number]
    return noContent()
  }),

  route<EmulatorContext>('GET', '/:organization/orders/:number/allocations', 'merchant', (request, context) =>
    ok(requireOrder(context, request.params.number ?? '').allocation),
  ),

  route<EmulatorContext>('POST', '/:organization/order-identifiers', 'merchant', (request, context) => {
    const form = readForm(request.body(), 'order_identifier_form')
    const orderNumber = form.string('order')
    const name = form.optString('name') ?? 'external'
    const number = form.optString('number')
    const identifier = form.optString('identifier') ?? number
    const primary = form.optBoolean('primary') ?? false
    if (identifier === undefined) form.fail('order_identifier_form.identifier (or number) is required')
    form.done()
    const record = context.state.orders[orderNumber]
    if (!record) throw orderError([`order '${orderNumber}' does not exist`])
    const key = identifier ?? ''
    if (context.state.order_identifiers[key]) {
      throw orderError([`identifier '${key}' is already used by order '${String((context.state.order_identifiers[key]?.order as Json).number)}'`], 'order_identifier_error')
    }
    const json: Json = {
      id: newId('oid'),
      order: { id: record.order.id, number: record.order.number },
      name,
      identifier: key,
      primary,
      ...optional('number', number),
    }
    context.state.order_identifiers[key] = json
    listIdentifier(record, key)
    return ok(json, 201)
  }),

  route<EmulatorContext>('PUT', '/:organization/order-identifiers/:identifier', 'merchant', (request, context) => {
    const identifier = request.params.identifier ?? ''
    const form = readForm(request.body(), 'order_identifier_put_form')
    const orderNumber = form.string('order')
    const name = form.optString('name')
    const primary = form.optBoolean('primary')
    form.done()
    const record = context.state.orders[orderNumber]
    if (!record) throw orderError([`order '${orderNumber}' does not exist`])
    const previous = context.state.order_identifiers[identifier]
    if (previous && (previous.order as Json).number !== orderNumber) {
      throw orderError([`identifier '${identifier}' belongs to order '${String((previous.order as Json).number)}'`], 'order_identifier_error')
    }
    const json: Json = {
      id: (previous?.id as string | undefined) ?? newId('oid'),
      order: { id: record.order.id, number: record.order.number },
      name: name ?? (previous?.name as string | undefined) ?? 'external',
      identifier,
      primary: primary ?? (previous?.primary as boolean | undefined) ?? false,
    }
    context.state.order_identifiers[identifier] = json
    listIdentifier(record, identifier)
    return ok(json, previous ? 200 : 201)
  }),

  route<EmulatorContext>('POST', '/:organization/refunds', 'merchant', (request, context) => {
    const { state } = context
    const form = readForm(request.body(), 'refund_form')
    const authorizationId = form.optString('authorization_id')
    const captureId = form.optString('capture_id')
    const orderNumber = form.optString('order_number')
    const key = form.optString('key')
    const amount = form.optNumber('amount')
    const currency = form.optString('currency')
    form.optStringMap('attributes')
    if (!authorizationId && !captureId && !orderNumber) form.fail('refund_form needs one of authorization_id, capture_id or order_number')
    try {
      form.done()
    } catch (error) {
      throw refundError((error as ApiError).messages)
    }
    if (key && state.refunds[key]) return ok(state.refunds[key], 201)

    const record = Object.values(state.orders).find(
      (o) =>
        o.capture !== undefined &&
        ((authorizationId && o.authorization?.id === authorizationId) ||
          (captureId && o.capture.id === captureId) ||
          (orderNumber && o.order.number === orderNumber)),
    )
    if (!record?.capture) throw refundError(['no captured payment matches the refund form'])
    const capture = record.capture
    const captureCurrency = capture.currency as string
    if (currency && currency.toUpperCase() !== captureCurrency) {
      throw refundError([`currency '${currency}' is not the currency of the capture (${captureCurrency})`])
    }
    const remaining = toMinor(capture.amount as number, captureCurrency) - refunded(context, String(capture.id), captureCurrency)
    const wanted = amount === undefined ? remaining : toMinor(amount, captureCurrency)
    if (wanted <= 0 || wanted > remaining) {
      throw refundError([`refund amount must be more than 0 and at most ${fromMinor(remaining, captureCurrency)} ${captureCurrency}`])
    }
    const { refund, refundCapture } = refundOf(context, capture, fromMinor(wanted, captureCurrency), key)
    state.refunds[String(refund.key)] = refund
    context.deliveries.publish(refundCaptureEvent(context, refundCapture))
    return ok(refund, 201)
  }),
]
