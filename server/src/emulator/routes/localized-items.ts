// Localized items: catalog items with their `local` block for the shopper's experience, by
// number list, one by one, or in one batch (`filters/number`, the connector's call).
import type { EmulatorContext } from '../context.js'
import { resolveExperience } from '../geo.js'
import { ApiError, notFound, ok, page, route, sortBy } from '../http.js'
import { queryList, readForm, readPaging } from '../input.js'
import { itemStatus, localizeItem } from '../localize.js'
import type { Json } from '../state.js'

const STATUSES = ['included', 'excluded', 'restricted']
const MAX_BATCH = 500

/** Routes for localized items (part of Flow's `experience` resource). */
export const localizedItemRoutes = [
  route<EmulatorContext>('GET', '/:organization/experiences/items', 'shopper', (request, context) => {
    const experience = resolveExperience(context, request)
    const numbers = queryList(request.query, 'number').map((n) => n.toLowerCase())
    if (numbers.length > 100) throw new ApiError(422, [`number may be given at most 100 times, received ${numbers.length}`])
    const statuses = queryList(request.query, 'status')
    for (const s of statuses) if (!STATUSES.includes(s)) throw new ApiError(422, [`status must be one of ${STATUSES.join(', ')}, received '${s}'`])
    const paging = readPaging(request.query)
    let items = Object.values(context.state.items)
    if (numbers.length > 0) items = items.filter((i) => numbers.includes(String(i.number).toLowerCase()))
    if (statuses.length > 0) items = items.filter((i) => statuses.includes(itemStatus(experience, String(i.number))))
    const sorted = sortBy(items, request.query.get('sort') ?? '-created_at', {
      created_at: (i) => String(i.created_at),
      name: (i) => String(i.name),
      number: (i) => String(i.number),
    })
    return ok(page(sorted, paging).map((item) => localizeItem(context.state, experience, item)))
  }),

  route<EmulatorContext>('GET', '/:organization/experiences/items/:number', 'shopper', (request, context) => {
    const experience = resolveExperience(context, request)
    const number = request.params.number ?? ''
    const item = context.state.items[number.toLowerCase()]
    if (!item) throw notFound(`item '${number}'`)
    return ok(localizeItem(context.state, experience, item))
  }),

  route<EmulatorContext>('POST', '/:organization/experiences/items/filters/number', 'shopper', (request, context) => {
    const experience = resolveExperience(context, request)
    const form = readForm(request.body(), 'body')
    const filter = form.string('filter')
    const values = form.stringArray('values')
    if (filter && filter !== 'number') form.fail(`body.filter must be 'number', received '${filter}'`)
    if (values.length > MAX_BATCH) form.fail(`body.values may list at most ${MAX_BATCH} numbers, received ${values.length}`)
    form.done()
    const responses = values.map((value) => {
      const item = context.state.items[value.toLowerCase()]
      const items: Json[] = item ? [localizeItem(context.state, experience, item)] : []
      return { value, items }
    })
    return ok({ responses })
  }),
]
