// Orders and order estimates: reading the line items, discounts and address of a form, and
// pricing the lines with the engine (Flow's `order_error` when an item cannot be sold).
import { convertMinor, toMinor } from 'flow-storefront/money'
import type { EmulatorContext } from './context.js'
import { ApiError } from './http.js'
import type { FormReader } from './input.js'
import { optional } from './json.js'
import { itemStatus, localItemPrice } from './localize.js'
import { estimateOrder, rateBetween, type Estimate, type LocalPrice } from './pricing.js'
import type { EmulatorState, ExperienceRecord, Json } from './state.js'

/** A line of an order form, checked, with its discounts in local minor units. */
export type OrderLine = {
  number: string
  quantity: number
  discountPercent: number
  discountFixed: number
  attributes?: Record<string, string>
}

/** An order-level discount, in local minor units. */
export type OrderDiscount = { percent: number; fixed: number }

/** An order priced in one experience. */
export type PricedOrder = {
  experience: ExperienceRecord
  estimate: Estimate
  /** Catalog items, in line order. */
  items: Json[]
  lines: OrderLine[]
}

/**
 * Reads `items` (`[line_item_form]`) of an order or estimate form; discounts given as money are
 * converted to the experience's currency.
 */
export function readLineItems(form: FormReader, state: EmulatorState, experience: ExperienceRecord, at: string): OrderLine[] {
  const items = form.array('items')
  return items.map((line, i) => {
    const number = line.string('number')
    const quantity = line.integer('quantity')
    if (quantity < 1) line.fail(`${at}.items[${i}].quantity must be 1 or more, received ${quantity}`)
    const discount = readDiscounts(line, state, experience, `${at}.items[${i}]`)
    const attributes = line.optStringMap('attributes')
    return { number, quantity, discountPercent: discount.percent, discountFixed: discount.fixed, ...optional('attributes', attributes) }
  })
}

/**
 * Reads `discount` (money) and `discounts` (`discounts_form`: percent or fixed offers) of a line
 * or an order form.
 */
export function readDiscounts(form: FormReader, state: EmulatorState, experience: ExperienceRecord, at: string): OrderDiscount {
  let percent = 0
  let fixed = 0
  const discount = form.optObject('discount')
  if (discount) fixed += readMoney(discount, state, experience, `${at}.discount`)
  for (const [i, offer] of (form.optObject('discounts')?.array('discounts') ?? []).entries()) {
    const target = offer.optEnum('target', ['item', 'shipping'] as const)
    if (target === 'shipping') offer.fail(`${at}.discounts.discounts[${i}].target 'shipping' is not supported by the emulator`)
    const o = offer.object('offer')
    const kind = o.raw('discriminator')
    if (kind === 'discount_offer_percent') {
      const p = o.number('percent')
      if (p < 0 || p > 100) o.fail(`${at}.discounts.discounts[${i}].offer.percent must be from 0 to 100, received ${p}`)
      percent += p
    } else if (kind === 'discount_offer_fixed') {
      fixed += readMoney(o.object('money'), state, experience, `${at}.discounts.discounts[${i}].offer.money`)
    } else {
      o.fail(`${at}.discounts.discounts[${i}].offer.discriminator must be discount_offer_percent or discount_offer_fixed, received ${JSON.stringify(kind)}`)
    }
  }
  return { percent: Math.min(percent, 100), fixed }
}

function readMoney(form: FormReader, state: EmulatorState, experience: ExperienceRecord, at: string): number {
  const amount = form.number('amount')
  const currency = form.string('currency').toUpperCase()
  if (amount < 0) form.fail(`${at}.amount must be 0 or more, received ${amount}`)
  if (amount < 0 || !currency) return 0
  if (currency !== experience.currency && currency !== state.organization.base_currency && state.rates[currency] === undefined) {
    form.fail(`${at}.currency '${currency}' has no FX rate in the emulator`)
    return 0
  }
  const rate = rateBetween(state.rates, state.organization.base_currency, currency, experience.currency)
  return convertMinor(toMinor(amount, currency), currency, experience.currency, rate)
}

/**
 * Prices order lines in an experience, or throws Flow's `order_error` (422) naming the items
 * that do not exist, are not sold there (`excluded` / `restricted`) or are out of stock.
 */
export function priceOrder(
  context: EmulatorContext,
  experience: ExperienceRecord,
  lines: OrderLine[],
  orderDiscount: OrderDiscount = { percent: 0, fixed: 0 },
): PricedOrder {
  const { state } = context
  const missing: string[] = []
  const unavailable: string[] = []
  const outOfStock: string[] = []
  const items = lines.map((line) => {
    const item = state.items[line.number.toLowerCase()]
    if (!item) missing.push(line.number)
    else if (itemStatus(experience, line.number) !== 'included') unavailable.push(line.number)
    else if (line.quantity > available(state, line.number)) outOfStock.push(line.number)
    return item
  })
  if (missing.length > 0) throw orderError('order_item_not_available', missing, (n) => `item '${n}' is not in the catalog of ${state.organization.id}`)
  if (unavailable.length > 0) throw orderError('order_item_not_available', unavailable, (n) => `item '${n}' is not available in experience '${experience.key}'`)
  if (outOfStock.length > 0) throw orderError('item_out_of_stock', outOfStock, (n) => `item '${n}' does not have enough stock`)

  const catalog = items as Json[]
  const units = catalog.map((item) => localItemPrice(state, experience, item))
  const shipping = experience.shipping
  const estimate = estimateOrder({
    rules: { currency: experience.currency, vat: experience.pricing.vat, duty: experience.pricing.duty },
    lines: lines.map((line, i) => ({
      number: (catalog[i]?.number as string | undefined) ?? line.number,
      quantity: line.quantity,
      unit: units[i] as LocalPrice,
      discountPercent: line.discountPercent,
      discountFixed: line.discountFixed,
    })),
    shipping: {
      amount: toMinor(shipping.amount, experience.currency),
      freeOver: shipping.free_over === undefined ? undefined : toMinor(shipping.free_over, experience.currency),
    },
    orderDiscount,
  })
  return { experience, estimate, items: catalog, lines }
}

/** Stock left of an item over every center, or Infinity when no inventory was ever set for it. */
function available(state: EmulatorState, number: string): number {
  const records = Object.values(state.inventory).filter((r) => r.item_number.toLowerCase() === number.toLowerCase())
  return records.length === 0 ? Infinity : records.reduce((sum, r) => sum + r.quantity, 0)
}

function orderError(code: string, numbers: string[], message: (n: string) => string): ApiError {
  const messages = numbers.map(message)
  return new ApiError(422, messages, { code, messages, numbers })
}

/** Reads an `order_address` (destination), keeping only the fields the spec knows. */
export function readAddress(form: FormReader | undefined): Json | undefined {
  if (!form) return undefined
  const address: Json = {}
  for (const field of ['text', 'city', 'province', 'postal', 'country', 'latitude', 'longitude']) {
    const value = form.optString(field)
    if (value !== undefined) address[field] = value
  }
  const streets = form.optStringArray('streets')
  if (streets) address.streets = streets
  const contact = form.optObject('contact')
  if (contact) address.contact = readContact(contact)
  return address
}

/** Reads a `contact` (name, company, email, phone). */
export function readContact(form: FormReader): Json {
  const name = form.optObject('name')
  return {
    name: { ...optional('first', name?.optString('first')), ...optional('last', name?.optString('last')) },
    ...optional('company', form.optString('company')),
    ...optional('email', form.optString('email')),
    ...optional('phone', form.optString('phone')),
  }
}
