// Centers (where stock ships from) and inventory updates (Flow's inventory service; the
// idempotency key makes a retried update count once).
import type { EmulatorContext } from '../context.js'
import { ApiError, notFound, ok, page, route, sortBy } from '../http.js'
import { queryList, readForm, readPaging } from '../input.js'
import { optional } from '../json.js'
import { newId, type Json } from '../state.js'

/** Routes of the `center` resource and `POST /:organization/inventory_updates`. */
export const centerRoutes = [
  route<EmulatorContext>('GET', '/:organization/centers', 'merchant', (request, context) => {
    const paging = readPaging(request.query)
    const ids = queryList(request.query, 'id')
    const keys = queryList(request.query, 'key')
    let list = Object.values(context.state.centers)
    if (ids.length > 0) list = list.filter((c) => ids.includes(String(c.id)))
    if (keys.length > 0) list = list.filter((c) => keys.includes(String(c.key)))
    const sorted = sortBy(list, request.query.get('sort') ?? 'name', { name: (c) => String(c.name), key: (c) => String(c.key) })
    return ok(page(sorted, paging))
  }),

  route<EmulatorContext>('GET', '/:organization/centers/:key', 'merchant', (request, context) => {
    const center = context.state.centers[request.params.key ?? '']
    if (!center) throw notFound(`center '${request.params.key ?? ''}'`)
    return ok(center)
  }),

  route<EmulatorContext>('POST', '/:organization/inventory_updates', 'merchant', (request, context) => {
    const { state } = context
    const form = readForm(request.body(), 'inventory_update_form')
    const center = form.string('center')
    const itemNumber = form.string('item_number')
    const quantity = form.integer('quantity')
    const type = form.enum('type', ['set', 'change'] as const)
    const key = form.string('idempotency_key')
    const notes = form.raw('notes')
    if (notes !== undefined && typeof notes !== 'string' && (typeof notes !== 'object' || notes === null || Array.isArray(notes))) {
      form.fail(`inventory_update_form.notes must be an object or a string, received ${JSON.stringify(notes)}`)
    }
    form.done()

    const previous = state.inventory_updates[key]
    if (previous) {
      const same =
        previous.center === center &&
        String((previous.item as Json).number).toLowerCase() === itemNumber.toLowerCase() &&
        previous.quantity === quantity &&
        previous.type === type
      if (!same) throw new ApiError(422, [`idempotency_key '${key}' was already used for a different inventory update`])
      return ok(previous, 200)
    }
    if (!state.centers[center]) throw new ApiError(422, [`center '${center}' does not exist`])
    const item = state.items[itemNumber.toLowerCase()]
    if (!item) throw new ApiError(422, [`item '${itemNumber}' is not in the catalog`])
    const slot = `${center}/${itemNumber.toLowerCase()}`
    const current = state.inventory[slot]?.quantity ?? 0
    const next = type === 'set' ? quantity : current + quantity
    if (next < 0) throw new ApiError(422, [`quantity of '${itemNumber}' at '${center}' would become ${next}; it must stay 0 or more`])
    const now = context.now().toISOString()
    state.inventory[slot] = { center, item_number: String(item.number), quantity: next, updated_at: now }
    const update: Json = {
      id: newId('inu'),
      idempotency_key: key,
      center,
      item: { number: item.number },
      quantity,
      type,
      created_at: now,
      ...optional('notes', notes),
    }
    state.inventory_updates[key] = update
    return ok(update, 201)
  }),
]
