// The merchant's catalog: items (numbers unique case-insensitively, as in Flow) and attributes.
import type { EmulatorContext } from '../context.js'
import { ApiError, noContent, notFound, ok, page, route, sortBy } from '../http.js'
import { queryList, readForm, readPaging } from '../input.js'
import { itemFromForm, readItemForm } from '../items.js'
import { optional } from '../json.js'
import { newId, type Json } from '../state.js'

const INTENTS = [
  'brand', 'color', 'countries_of_origin', 'product_id', 'fulfillment_method', 'hazardous', 'price', 'size', 'sku',
  'taxability', 'consumer_url', 'gtin', 'mpn', 'facet', 'eccn', 'returnable', 'searchable', 'barcode',
  'min_days_to_ship', 'max_days_to_ship', 'commercial_invoice_item_number', 'include_in_product_feeds',
] as const
const DATA_TYPES = ['boolean', 'integer', 'decimal', 'string', 'json_array'] as const

function readAttributeForm(body: unknown): Json {
  const form = readForm(body, 'attribute_form')
  const options = form.object('options')
  const attribute: Json = {
    key: form.string('key'),
    options: {
      required: options.optBoolean('required') ?? false,
      show_in_catalog: options.optBoolean('show_in_catalog') ?? false,
      show_in_harmonization: options.optBoolean('show_in_harmonization') ?? false,
    },
    ...optional('label', form.optString('label')),
    ...optional('intent', form.optEnum('intent', INTENTS)),
    ...optional('type', form.optEnum('type', DATA_TYPES)),
    ...optional('position', form.optInteger('position')),
  }
  form.done()
  return attribute
}

function requireItem(context: EmulatorContext, number: string): Json {
  const item = context.state.items[number.toLowerCase()]
  if (!item) throw notFound(`item '${number}'`)
  return item
}

/** Routes of the `item` (catalog) and `attribute` resources. */
export const catalogRoutes = [
  route<EmulatorContext>('GET', '/:organization/catalog/items', 'merchant', (request, context) => {
    const paging = readPaging(request.query)
    const ids = queryList(request.query, 'id')
    const numbers = [...queryList(request.query, 'number'), ...queryList(request.query, 'sku')].map((n) => n.toLowerCase())
    let items = Object.values(context.state.items)
    if (ids.length > 0) items = items.filter((i) => ids.includes(String(i.id)))
    if (numbers.length > 0) items = items.filter((i) => numbers.includes(String(i.number).toLowerCase()))
    const sorted = sortBy(items, request.query.get('sort') ?? 'name', {
      name: (i) => String(i.name),
      number: (i) => String(i.number),
      created_at: (i) => String(i.created_at),
      updated_at: (i) => String(i.updated_at),
    })
    return ok(page(sorted, paging))
  }),

  route<EmulatorContext>('POST', '/:organization/catalog/items', 'merchant', (request, context) => {
    const form = readItemForm(request.body(), context.ref)
    const key = String(form.number).toLowerCase()
    const existing = context.state.items[key]
    if (existing) {
      throw new ApiError(422, [`item number '${String(form.number)}' already exists as '${String(existing.number)}' (item numbers are case-insensitive)`])
    }
    const item = itemFromForm(form, undefined, context.now().toISOString(), newId('itm'))
    context.state.items[key] = item
    return ok(item, 201)
  }),

  route<EmulatorContext>('GET', '/:organization/catalog/items/:number', 'merchant', (request, context) =>
    ok(requireItem(context, request.params.number ?? '')),
  ),

  route<EmulatorContext>('PUT', '/:organization/catalog/items/:number', 'merchant', (request, context) => {
    const number = request.params.number ?? ''
    const form = readItemForm(request.body(), context.ref)
    if (String(form.number).toLowerCase() !== number.toLowerCase()) {
      throw new ApiError(422, [`item_form.number '${String(form.number)}' does not match the number in the path '${number}'`])
    }
    const key = number.toLowerCase()
    const previous = context.state.items[key]
    const item = itemFromForm(form, previous, context.now().toISOString(), newId('itm'))
    context.state.items[key] = item
    return ok(item, previous ? 200 : 201)
  }),

  route<EmulatorContext>('DELETE', '/:organization/catalog/items/:number', 'merchant', (request, context) => {
    const number = request.params.number ?? ''
    requireItem(context, number)
    delete context.state.items[number.toLowerCase()]
    return noContent()
  }),

  route<EmulatorContext>('GET', '/:organization/attributes', 'merchant', (request, context) => {
    const paging = readPaging(request.query)
    const ids = queryList(request.query, 'id')
    const keys = queryList(request.query, 'key')
    const intent = request.query.get('intent')
    let list = Object.values(context.state.attributes)
    if (ids.length > 0) list = list.filter((a) => ids.includes(String(a.id)))
    if (keys.length > 0) list = list.filter((a) => keys.includes(String(a.key)))
    if (intent) list = list.filter((a) => a.intent === intent)
    const sorted = sortBy(list, request.query.get('sort') ?? 'position', {
      position: (a) => (a.position as number | undefined) ?? Number.MAX_SAFE_INTEGER,
      key: (a) => String(a.key),
    })
    return ok(page(sorted, paging))
  }),

  route<EmulatorContext>('POST', '/:organization/attributes', 'merchant', (request, context) => {
    const form = readAttributeForm(request.body())
    const key = String(form.key)
    if (context.state.attributes[key]) throw new ApiError(422, [`attribute '${key}' already exists`])
    const attribute = { id: newId('att'), ...form }
    context.state.attributes[key] = attribute
    return ok(attribute, 201)
  }),

  route<EmulatorContext>('PUT', '/:organization/attributes/:key', 'merchant', (request, context) => {
    const key = request.params.key ?? ''
    const form = readAttributeForm(request.body())
    if (form.key !== key) throw new ApiError(422, [`attribute_form.key '${String(form.key)}' does not match the key in the path '${key}'`])
    const previous = context.state.attributes[key]
    const attribute = { id: (previous?.id as string | undefined) ?? newId('att'), ...form }
    context.state.attributes[key] = attribute
    return ok(attribute, previous ? 200 : 201)
  }),

  route<EmulatorContext>('GET', '/:organization/attributes/:key', 'merchant', (request, context) => {
    const attribute = context.state.attributes[request.params.key ?? '']
    if (!attribute) throw notFound(`attribute '${request.params.key ?? ''}'`)
    return ok(attribute)
  }),
]
