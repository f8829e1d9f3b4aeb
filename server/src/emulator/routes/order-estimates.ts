// Order estimates: the shopper's cart priced in their experience (items, discounts, VAT, duty,
// shipping and total), as the browser SDK localizes the cart.
import type { EmulatorContext } from '../context.js'
import { resolveExperience } from '../geo.js'
import { ok, route, type RequestContext } from '../http.js'
import { readForm } from '../input.js'
import { orderEstimateJson } from '../order-shapes.js'
import { priceOrder, readAddress, readLineItems } from '../orders.js'
import { newId, type Json } from '../state.js'

function estimate(context: EmulatorContext, request: RequestContext, id: string): Json {
  const experience = resolveExperience(context, request)
  const body = request.body()
  const form = readForm(body, 'order_estimate_form')
  const lines = readLineItems(form, context.state, experience, 'order_estimate_form')
  const destination = readAddress(form.optObject('destination'))
  form.optStringArray('selections')
  form.done()
  const priced = priceOrder(context, experience, lines)
  const json = orderEstimateJson(context, priced, id, destination)
  context.state.order_estimates[id] = { experience_key: experience.key, form: body as Json, estimate: json }
  return json
}

/** Routes of the `order_estimate` resource. */
export const orderEstimateRoutes = [
  route<EmulatorContext>('POST', '/:organization/order-estimates', 'shopper', (request, context) =>
    ok(estimate(context, request, newId('ore')), 201),
  ),

  route<EmulatorContext>('PUT', '/:organization/order-estimates/:number', 'shopper', (request, context) => {
    const id = request.params.number ?? ''
    const existed = context.state.order_estimates[id] !== undefined
    return ok(estimate(context, request, id), existed ? 200 : 201)
  }),
]
