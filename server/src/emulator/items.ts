// Catalog items: reading Flow's `item_form` and storing it as Flow's `item`.
import { formatMoney, toMinor } from 'flow-storefront/money'
import { readForm, type FormReader } from './input.js'
import { optional } from './json.js'
import type { ReferenceData } from './reference.js'
import type { Json } from './state.js'

const UNITS = ['millimeter', 'centimeter', 'inch', 'foot', 'cubic_inch', 'cubic_meter', 'gram', 'kilogram', 'meter', 'ounce', 'pound'] as const
const IMAGE_TAGS = ['thumbnail', 'checkout'] as const
const MEASURES = ['depth', 'diameter', 'length', 'weight', 'width'] as const

/**
 * Reads and checks an `item_form` (422 listing every problem). `what` names it in messages.
 *
 * @example
 * readItemForm({ number: 'TEE', locale: 'en_US', name: 'Tee', currency: 'USD', price: 28 }, ref)
 * // { number: 'TEE', locale: 'en_US', name: 'Tee', currency: 'USD', price: 28, categories: [], attributes: {}, images: [], dimensions: {} }
 */
export function readItemForm(body: unknown, ref: ReferenceData, what = 'item_form'): Json {
  const form = readForm(body, what)
  const number = form.string('number')
  if (typeof form.raw('number') === 'string' && number.trim() === '') form.fail(`${what}.number must not be empty`)
  const currency = form.string('currency')
  if (currency && !ref.currency(currency)) form.fail(`${what}.currency '${currency}' is not an ISO 4217 currency Flow knows`)
  const price = form.number('price')
  if (price < 0) form.fail(`${what}.price must be 0 or more, received ${price}`)
  const item: Json = {
    number,
    locale: form.string('locale'),
    name: form.string('name'),
    currency: currency.toUpperCase(),
    price,
    categories: form.optStringArray('categories') ?? [],
    attributes: form.optStringMap('attributes') ?? {},
    images: (form.optArray('images') ?? []).map((image) => ({
      url: image.string('url'),
      tags: (image.optStringArray('tags') ?? []).filter((tag) => {
        const known = (IMAGE_TAGS as readonly string[]).includes(tag)
        if (!known) image.fail(`${what}.images tag '${tag}' must be one of ${IMAGE_TAGS.join(', ')}`)
        return known
      }),
      ...optional('attributes', image.optStringMap('attributes')),
    })),
    dimensions: readDimensions(form.optObject('dimensions')),
    ...optional('description', form.optString('description')),
    ...optional('deleted_at', form.optString('deleted_at')),
  }
  form.done()
  return item
}

function readDimensions(dimensions: FormReader | undefined): Json {
  if (!dimensions) return {}
  const result: Json = {}
  for (const which of ['product', 'packaging']) {
    const dimension = dimensions.optObject(which)
    if (!dimension) continue
    const measures: Json = {}
    for (const measure of MEASURES) {
      const m = dimension.optObject(measure)
      if (m) measures[measure] = { value: m.string('value'), units: m.enum('units', UNITS) }
    }
    result[which] = measures
  }
  return result
}

/**
 * Flow's `item` for a checked form: the price becomes `{ amount, currency, label }`; the id and
 * `created_at` of the item it replaces are kept.
 *
 * @example
 * itemFromForm(form, undefined, '2024-05-01T10:00:00.000Z', 'itm-1')
 * // { id: 'itm-1', number: 'TEE', …, price: { amount: 28, currency: 'USD', label: 'US$28.00' }, created_at: …, updated_at: … }
 */
export function itemFromForm(form: Json, previous: Json | undefined, now: string, id: string): Json {
  const { currency, price, deleted_at, ...rest } = form as Json & { currency: string; price: number }
  return {
    id: (previous?.id as string | undefined) ?? id,
    ...rest,
    price: { amount: price, currency, label: formatMoney(toMinor(price, currency), currency) },
    created_at: (previous?.created_at as string | undefined) ?? now,
    updated_at: now,
    ...optional('deleted_at', deleted_at as string | undefined),
  }
}
