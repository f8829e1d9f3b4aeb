// The emulator's own controls under `/_emulator` (no auth, never faulted):
//   GET    /_emulator/faults        the active fault rules
//   POST   /_emulator/faults        add a rule, or { "faults": [rules] }
//   DELETE /_emulator/faults        remove every rule
//   DELETE /_emulator/faults/:id    remove one rule
//   GET    /_emulator/state         the whole state, as JSON (for debugging and tests)
//   POST   /_emulator/reset         back to the seed (sessions, orders, webhooks… are dropped)
//   POST   /_emulator/orders/:number/labels   ship a placed order: delivers `label_upserted`
import type { EmulatorContext } from '../context.js'
import { ApiError, noContent, notFound, ok, route } from '../http.js'
import { parseFaultRule } from '../faults.js'
import { labelUpsertedEvent } from '../events.js'

function readRules(body: unknown): unknown[] {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'faults' in body) {
    const list = (body as { faults: unknown }).faults
    if (!Array.isArray(list)) throw new ApiError(422, ['faults must be an array of fault rules'])
    return list
  }
  return [body]
}

/** Routes of the admin API. */
export const adminRoutes = [
  route<EmulatorContext>('GET', '/_emulator/faults', 'admin', (_request, context) => ok(context.faults.list())),

  route<EmulatorContext>('POST', '/_emulator/faults', 'admin', (request, context) => {
    let rules
    try {
      rules = readRules(request.body()).map(parseFaultRule)
    } catch (error) {
      if (error instanceof TypeError) throw new ApiError(422, [error.message])
      throw error
    }
    return ok(rules.map((rule) => context.faults.add(rule)), 201)
  }),

  route<EmulatorContext>('DELETE', '/_emulator/faults', 'admin', (_request, context) => {
    context.faults.clear()
    return noContent()
  }),

  route<EmulatorContext>('DELETE', '/_emulator/faults/:id', 'admin', (request, context) => {
    if (!context.faults.remove(request.params.id ?? '')) throw notFound(`fault '${request.params.id ?? ''}'`)
    return noContent()
  }),

  route<EmulatorContext>('GET', '/_emulator/state', 'admin', (_request, context) => ok(context.state)),

  // Flow creates labels when the merchant ships; the emulator has no fulfilment, so this is the lever.
  route<EmulatorContext>('POST', '/_emulator/orders/:number/labels', 'admin', (request, context) => {
    const record = context.state.orders[request.params.number ?? '']
    if (!record) throw notFound(`order '${request.params.number}'`)
    const event = labelUpsertedEvent(context, record.order)
    context.deliveries.publish(event)
    return ok(event, 201)
  }),

  route<EmulatorContext>('POST', '/_emulator/reset', 'admin', async (_request, context) => {
    await context.reset()
    return noContent()
  }),
]
