// From Flow's localized `item` (GET /:organization/experiences/items) to the entries of a
// per-experience price document. Pure: the DOM localizer and the server's `prices-build` share it.
import type { Includes, ItemPrices, LocalizedPrice, Rate } from './document.js'

/** The subset of Flow's localized `item` this module reads. */
export type LocalizedItem = {
  number: string
  local?: {
    experience?: { key: string }
    status?: string
    prices?: ({ key?: string } & Partial<LocalizedPrice> & { includes?: Includes })[]
    price_attributes?: Record<string, LocalizedPrice>
    rates?: { base: string; target: string; value: number | string }[]
  }
}

/**
 * The document entry of one localized item, or `undefined` when Flow does not sell it in the
 * experience (status `excluded` / `restricted`) or sent no usable `localized_item_price`.
 *
 * @example
 * itemPrices({ number: 'SKU-1', local: { status: 'included', prices: [{ key: 'localized_item_price', amount: 21.9, currency: 'EUR', label: '21,90 €' }] } })
 * // { localized_item_price: { amount: 21.9, currency: 'EUR', label: '21,90 €' } }
 */
export function itemPrices(item: LocalizedItem): ItemPrices | undefined {
  const local = item.local
  if (!local || (local.status !== undefined && local.status !== 'included')) return undefined
  const main = local.prices?.find((price) => price.key === 'localized_item_price')
  const price = main && toPrice(main)
  if (!price) return undefined
  const entry: ItemPrices = { localized_item_price: price }
  if (main.includes) entry.includes = { key: main.includes.key, label: main.includes.label }
  for (const [code, attribute] of Object.entries(local.price_attributes ?? {})) {
    const converted = toPrice(attribute)
    // `__proto__` as a JSON key would replace the entry's prototype on assignment.
    if (converted && !RESERVED.has(code)) entry[code] = converted
  }
  return entry
}

/** The FX rates Flow used for an item, as document rates. */
export function itemRates(item: LocalizedItem): Rate[] {
  return (item.local?.rates ?? [])
    .map((rate) => ({ base: rate.base, target: rate.target, value: Number(rate.value) }))
    .filter((rate) => Number.isFinite(rate.value) && rate.value > 0)
}

const RESERVED = new Set(['localized_item_price', 'includes', '__proto__', 'constructor', 'prototype'])

function toPrice(value: Partial<LocalizedPrice>): LocalizedPrice | undefined {
  if (typeof value.amount !== 'number' || !Number.isFinite(value.amount)) return undefined
  if (typeof value.currency !== 'string' || typeof value.label !== 'string') return undefined
  const price: LocalizedPrice = { amount: value.amount, currency: value.currency, label: value.label }
  const base = value.base
  if (base && typeof base.amount === 'number' && typeof base.currency === 'string' && typeof base.label === 'string') {
    price.base = { amount: base.amount, currency: base.currency, label: base.label }
  }
  return price
}
