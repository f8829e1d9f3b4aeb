// Product → Flow `item_form`, as the Magento connector builds it (connector-behaviour.md §1.4–1.5),
// without its quirks: `kgs` is a kilogram, the currency and weight unit are the product's own,
// a product without a price is an error instead of an item priced 0, an unknown country of origin
// is an error instead of silently dropped customs data, and no host name or IP leaves the server.
import type { ImageForm, ItemForm, UnitOfMeasurement } from '../client/index.js'
import { isConfigurable } from './product.js'
import type { Product } from './product.js'
import { countryAlpha3, isFlowCurrency } from './reference.js'
import { ITEM_FORM_SPEC, checkSpecType } from './spec-check.js'

/**
 * Options of the mapping.
 *
 * @example
 * const options: MappingOptions = { currency: 'USD', locale: 'en_US', regularPricingOverride: false }
 */
export type MappingOptions = {
  /** Currency of products that name none. */
  currency?: string
  /** Locale of products that name none. Default `en_US` (Flow's underscore form, as the connector sends). */
  locale?: string
  /** Price items at `regular_price` rather than `final_price` (the connector's "regular pricing override"). */
  regularPricingOverride?: boolean
  /** Sent as `attributes.user_agent`. Default `flow-storefront-server`. */
  userAgent?: string
}

/**
 * The mapping's answer: the form, or every problem found (the product must not be sent).
 *
 * @example
 * const result: MappingResult = { ok: false, errors: ['name: required, received undefined'] }
 */
export type MappingResult = { ok: true; form: ItemForm } | { ok: false; errors: string[] }

/** Weight units by what stores write (lower case), to Flow's `unit_of_measurement`. */
const UNITS: Record<string, UnitOfMeasurement> = {
  mm: 'millimeter', millimeter: 'millimeter', millimeters: 'millimeter',
  cm: 'centimeter', centimeter: 'centimeter', centimeters: 'centimeter',
  in: 'inch', inch: 'inch', inches: 'inch',
  ft: 'foot', foot: 'foot', feet: 'foot',
  'cu in': 'cubic_inch', cubic_inch: 'cubic_inch',
  'cu m': 'cubic_meter', cubic_meter: 'cubic_meter',
  m: 'meter', meter: 'meter', meters: 'meter',
  g: 'gram', gram: 'gram', grams: 'gram',
  // Magento's own default is `kgs`, which the connector passed through unmapped (an invalid unit).
  kg: 'kilogram', kgs: 'kilogram', kilogram: 'kilogram', kilograms: 'kilogram',
  oz: 'ounce', ounce: 'ounce', ounces: 'ounce',
  lb: 'pound', lbs: 'pound', pound: 'pound', pounds: 'pound',
}

const DECIMAL = /^\d+(\.\d+)?$/

/**
 * The Flow attribute key of a price code: `regular` → `regular_price`; a code that already ends
 * in `_price` is kept.
 *
 * @example
 * priceAttributeKey('special') // 'special_price'
 * priceAttributeKey('final_price') // 'final_price'
 */
export function priceAttributeKey(code: string): string {
  const key = code.trim().toLowerCase()
  return key.endsWith('_price') ? key : `${key}_price`
}

/**
 * An amount as the connector writes price attributes: rounded to 4 decimals, no trailing zeros.
 *
 * @example
 * formatAmount(34.2) // '34.2'
 * formatAmount('18.00000') // '18'
 */
export function formatAmount(value: number | string): string {
  const number = typeof value === 'number' ? value : Number(value)
  return String(Math.round(number * 10_000) / 10_000)
}

/**
 * Maps a product to Flow's `item_form` and checks the form against the spec. Price: the regular
 * price under the override, else a configurable's minimal price, else the final price (else the
 * regular price). Every price code is also a string attribute (`regular_price: "28"`);
 * categories are joined with `" > "`; the first untagged image is tagged `thumbnail` and
 * `checkout`; the weight becomes `dimensions.product.weight` with Flow's unit name; the country of
 * origin is sent as alpha-3 in `country_of_origin` and `country_of_manufacture`; a configurable
 * lists `children_product_skus`, `children_attribute_codes`, `children_attribute_labels` and
 * `children_attribute_{code}` (JSON arrays), a variant its `parent_sku`.
 *
 * @example
 * toItemForm({ sku: 'TEE', name: 'Tee', currency: 'USD', prices: { regular: 28, final: 22.4 }, weight: { value: 0.2, unit: 'kgs' } })
 * // { ok: true, form: { number: 'TEE', locale: 'en_US', name: 'Tee', currency: 'USD', price: 22.4,
 * //   attributes: { sku: 'TEE', regular_price: '28', final_price: '22.4', user_agent: 'flow-storefront-server' },
 * //   dimensions: { product: { weight: { value: '0.2', units: 'kilogram' } } } } }
 */
export function toItemForm(product: Product, options: MappingOptions = {}): MappingResult {
  const errors: string[] = []
  const raw = product as unknown as Record<string, unknown>
  const text = (field: string): string | undefined => {
    const value = raw[field]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string') {
      errors.push(`${field}: expected a string, received ${typeof value}`)
      return undefined
    }
    return value
  }

  const sku = text('sku')
  if (sku === undefined || sku.trim() === '') errors.push('sku: required, a non-empty string')
  else if (sku !== sku.trim()) errors.push(`sku: must not start or end with spaces, received ${JSON.stringify(sku)}`)
  const name = text('name')
  if (name === undefined || name.trim() === '') errors.push('name: required, a non-empty string')
  const description = text('description')
  const locale = text('locale') ?? options.locale ?? 'en_US'

  const currencyRaw = text('currency') ?? options.currency
  let currency = ''
  if (currencyRaw === undefined) errors.push('currency: required (on the product or as the sync default currency)')
  else if (!isFlowCurrency(currencyRaw)) errors.push(`currency: '${currencyRaw}' is not an ISO 4217 currency Flow knows`)
  else currency = currencyRaw.trim().toUpperCase()

  // 1.5 step 1: the product's own attributes, as strings.
  const attributes: Record<string, string> = {}
  if (raw.attributes !== undefined && raw.attributes !== null) {
    if (!isPlainObject(raw.attributes)) errors.push('attributes: expected an object of strings, numbers or booleans')
    else {
      for (const [key, value] of Object.entries(raw.attributes)) {
        if (value === undefined || value === null || value === '') continue
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[key] = String(value)
        else errors.push(`attributes.${key}: expected a string, number or boolean, received ${Array.isArray(value) ? 'an array' : typeof value}`)
      }
    }
  }
  if (sku !== undefined) attributes.sku = sku
  if (product.status !== undefined) {
    if (product.status !== 'enabled' && product.status !== 'disabled') errors.push(`status: expected 'enabled' or 'disabled', received ${JSON.stringify(product.status)}`)
    else attributes.status = product.status
  }
  if (product.id !== undefined && product.id !== null && product.id !== '') attributes.product_id = String(product.id)

  // 1.5 steps 2–3: configurable parents and their variants.
  const configurable = isConfigurable(product)
  if (product.children !== undefined && !isStringArray(product.children)) errors.push('children: expected an array of SKUs')
  else if (configurable) {
    const children = product.children as string[]
    attributes.children_product_skus = JSON.stringify(children)
    const productOptions = product.options ?? []
    if (!Array.isArray(productOptions)) errors.push('options: expected an array of { code, label, values }')
    else if (productOptions.length > 0) {
      attributes.children_attribute_codes = JSON.stringify(productOptions.map((option) => option.code))
      attributes.children_attribute_labels = JSON.stringify(productOptions.map((option) => option.label ?? option.code))
      for (const option of productOptions) attributes[`children_attribute_${option.code}`] = JSON.stringify([...new Set(option.values ?? [])])
    }
  }
  const parent = text('parent_sku')
  if (parent !== undefined && parent !== '' && !configurable) attributes.parent_sku = parent

  // 1.5 step 4: who sent it (no host name, IP or platform version: nothing about the server leaks).
  attributes.user_agent = options.userAgent ?? 'flow-storefront-server'

  // 1.5 step 5: every price code as a string attribute (zero prices skipped, as the connector does).
  if (raw.prices !== undefined && raw.prices !== null && !isPlainObject(raw.prices)) errors.push('prices: expected an object of amounts by price code')
  else {
    for (const [code, value] of Object.entries((raw.prices ?? {}) as Record<string, unknown>)) {
      if (value === undefined || value === null || value === '') continue
      const amount = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : Number.NaN
      if (!Number.isFinite(amount) || amount < 0) {
        errors.push(`prices.${code}: expected an amount of 0 or more, received ${JSON.stringify(value)}`)
        continue
      }
      if (amount === 0) continue
      attributes[priceAttributeKey(code)] = formatAmount(amount)
    }
  }

  // 1.5 step 6: country of origin as alpha-3, under both names.
  const origin = text('country_of_origin')
  if (origin !== undefined && origin.trim() !== '') {
    const alpha3 = countryAlpha3(origin)
    if (alpha3 === undefined) errors.push(`country_of_origin: '${origin}' is not an ISO 3166 alpha-2 or alpha-3 country code`)
    else {
      attributes.country_of_origin = alpha3
      attributes.country_of_manufacture = alpha3
    }
  }

  // 1.4 price selection.
  const selected =
    (options.regularPricingOverride === true ? attributes.regular_price : undefined) ??
    (configurable ? attributes.minimal_price : undefined) ??
    attributes.final_price ??
    attributes.regular_price
  if (selected === undefined) errors.push('prices: no price to sell at; give prices.final (or prices.regular)')

  const form: ItemForm = {
    number: sku ?? '',
    locale,
    name: name ?? '',
    currency,
    price: selected === undefined ? 0 : Number(selected),
  }
  const categories = mapCategories(raw.categories, errors)
  if (categories.length > 0) form.categories = categories
  if (description !== undefined && description !== '') form.description = description
  form.attributes = attributes
  const dimensions = mapWeight(raw.weight, errors)
  if (dimensions) form.dimensions = { product: { weight: dimensions } }
  const images = mapImages(raw.images, errors)
  if (images.length > 0) form.images = images

  if (errors.length > 0) return { ok: false, errors }
  const problems = checkSpecType(form, 'item_form')
  if (problems.length > 0) return { ok: false, errors: problems.map((problem) => `does not match the spec: ${problem}`) }
  return { ok: true, form }
}

function mapCategories(value: unknown, errors: string[]): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    errors.push("categories: expected an array of paths ('A > B' or ['A', 'B'])")
    return []
  }
  const paths: string[] = []
  for (const [i, entry] of value.entries()) {
    const names = typeof entry === 'string' ? entry.split('>') : isStringArray(entry) ? entry : undefined
    if (names === undefined) {
      errors.push(`categories[${i}]: expected 'A > B' or ['A', 'B']`)
      continue
    }
    const path = names.map((part) => part.trim()).filter((part) => part !== '').join(' > ')
    if (path !== '' && !paths.includes(path)) paths.push(path)
  }
  return paths
}

function mapWeight(value: unknown, errors: string[]): { value: string; units: UnitOfMeasurement } | undefined {
  if (value === undefined || value === null) return undefined
  if (!isPlainObject(value)) {
    errors.push('weight: expected { value, unit }')
    return undefined
  }
  const amount = typeof value.value === 'number' ? value.value : typeof value.value === 'string' && DECIMAL.test(value.value.trim()) ? Number(value.value) : Number.NaN
  if (!Number.isFinite(amount) || amount < 0) {
    errors.push(`weight.value: expected a number of 0 or more, received ${JSON.stringify(value.value)}`)
    return undefined
  }
  // The connector sends dimensions only for a product that has a weight.
  if (amount === 0) return undefined
  const unit = typeof value.unit === 'string' ? UNITS[value.unit.trim().toLowerCase()] : undefined
  if (unit === undefined) {
    errors.push(`weight.unit: ${JSON.stringify(value.unit)} is not a unit Flow knows (${ITEM_FORM_SPEC.enums.unit_of_measurement.join(', ')}, or kg, kgs, g, lb, lbs, oz, …)`)
    return undefined
  }
  return { value: typeof value.value === 'string' ? value.value.trim() : String(amount), units: unit }
}

function mapImages(value: unknown, errors: string[]): ImageForm[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    errors.push('images: expected an array of URLs or { url, tags }')
    return []
  }
  const images: ImageForm[] = []
  for (const [i, entry] of value.entries()) {
    const url = typeof entry === 'string' ? entry : isPlainObject(entry) && typeof entry.url === 'string' ? entry.url : undefined
    if (url === undefined || !/^https?:\/\/[^\s/]+\S*$/.test(url)) {
      errors.push(`images[${i}]: expected an http(s) URL, received ${JSON.stringify(url ?? entry)}`)
      continue
    }
    const tags = isPlainObject(entry) ? entry.tags : undefined
    if (tags !== undefined && !isStringArray(tags)) {
      errors.push(`images[${i}].tags: expected an array of 'thumbnail' / 'checkout'`)
      continue
    }
    const unknown = (tags ?? []).filter((tag) => !(ITEM_FORM_SPEC.enums.image_tag as readonly string[]).includes(tag))
    if (unknown.length > 0) {
      errors.push(`images[${i}].tags: ${unknown.map((tag) => `'${tag}'`).join(', ')} is not one of thumbnail, checkout`)
      continue
    }
    images.push(tags === undefined ? { url } : { url, tags: tags as ImageForm['tags'] & string[] })
  }
  // Flow shows the `thumbnail` image in lists and the `checkout` one at checkout; when the store
  // tagged none, the first image serves both (the connector sent a small and a medium rendition).
  const first = images[0]
  if (first && images.every((image) => image.tags === undefined)) first.tags = ['thumbnail', 'checkout']
  return images.map((image) => (image.tags === undefined ? { url: image.url } : image))
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string')
}
