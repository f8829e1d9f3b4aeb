// From the emulator's records to Flow's shapes: experiences, prices with their base, and items
// localized for an experience by the pricing engine.
import { convertMinor, formatMoney, fromMinor, toMinor } from 'flow-storefront/money'
import { includedLevies, localizePrice, rateBetween, type IncludedLevies, type LocalPrice, type PricingRules } from './pricing.js'
import type { EmulatorState, ExperienceRecord, Json } from './state.js'

/**
 * The pricing rules of an experience for prices given in `fromCurrency`.
 *
 * @example
 * pricingRules(state, germany, 'USD') // { currency: 'EUR', fxRate: '0.92', vat: 'included', vatRate: '0.19', … }
 */
export function pricingRules(state: EmulatorState, experience: ExperienceRecord, fromCurrency: string): PricingRules {
  return {
    currency: experience.currency,
    fxRate: rateBetween(state.rates, state.organization.base_currency, fromCurrency, experience.currency),
    vat: experience.pricing.vat,
    vatRate: state.taxes[experience.country]?.rate ?? '0',
    duty: experience.pricing.duty,
    dutyRate: experience.duty_rate,
    rounding: experience.pricing.rounding,
  }
}

/** The name of the destination's VAT ('VAT', 'GST', …), 'VAT' when the seed names none. */
export function vatName(state: EmulatorState, experience: ExperienceRecord): string {
  return state.taxes[experience.country]?.name ?? 'VAT'
}

/**
 * A label in the experience's locale and currency format.
 *
 * @example
 * localLabel(3095, germany) // '30,95 €'
 */
export function localLabel(minor: number, experience: ExperienceRecord): string {
  return formatMoney(minor, experience.currency, { locale: experience.locale, format: experience.currency_format })
}

/** Converts local minor units back to the organization's base currency. */
export function toBase(state: EmulatorState, minor: number, currency: string): number {
  const base = state.organization.base_currency
  return convertMinor(minor, currency, base, rateBetween(state.rates, base, currency, base))
}

/**
 * Flow's `price` in the base currency (labelled as Flow does, e.g. 'US$18.13').
 *
 * @example
 * basePrice(state, 1813) // { amount: 18.13, currency: 'USD', label: 'US$18.13' }
 */
export function basePrice(state: EmulatorState, baseMinor: number): Json {
  const currency = state.organization.base_currency
  return { amount: fromMinor(baseMinor, currency), currency, label: formatMoney(baseMinor, currency) }
}

/**
 * Flow's `price_with_base` for a local amount: amount, label and the amount in the base currency.
 *
 * @example
 * priceWithBase(state, germany, 3095)
 * // { currency: 'EUR', amount: 30.95, label: '30,95 €', base: { amount: 33.64, currency: 'USD', label: 'US$33.64' } }
 */
export function priceWithBase(state: EmulatorState, experience: ExperienceRecord, minor: number): Json {
  return {
    currency: experience.currency,
    amount: fromMinor(minor, experience.currency),
    label: localLabel(minor, experience),
    base: basePrice(state, toBase(state, minor, experience.currency)),
  }
}

/** Flow's `money` for a local amount. */
export function money(experience: ExperienceRecord, minor: number): Json {
  return { amount: fromMinor(minor, experience.currency), currency: experience.currency }
}

/** Flow's `experience` model. */
export function experienceJson(experience: ExperienceRecord): Json {
  return {
    id: experience.id,
    key: experience.key,
    name: experience.name,
    delivered_duty: experience.delivered_duty,
    region: { id: experience.region },
    country: experience.country,
    currency: experience.currency,
    language: experience.language,
    measurement_system: experience.measurement_system,
    subcatalog: { id: experience.subcatalog_id },
    position: experience.position,
    settings: {
      delivered_duty: { default: experience.delivered_duty, available: [experience.delivered_duty] },
      pricing_settings: {
        editable: true,
        default_tax_display: experience.pricing.vat,
        default_duty_display: experience.pricing.duty,
      },
    },
    status: experience.status,
  }
}

/** Flow's `experience_summary`. */
export function experienceSummary(experience: ExperienceRecord): Json {
  const { id, key, name, country, currency, language } = experience
  return { id, key, name, country, currency, language }
}

/** Flow's `experience_geo`. */
export function experienceGeo(experience: ExperienceRecord): Json {
  const { key, name, country, currency, language, measurement_system } = experience
  return { key, name, region: { id: experience.region }, country, currency, language, measurement_system }
}

/** Flow's `pricing` of an experience. */
export function pricingJson(experience: ExperienceRecord): Json {
  const { vat, duty, rounding } = experience.pricing
  return rounding ? { vat, duty, rounding } : { vat, duty }
}

/**
 * How an experience sells an item: `included`, or `excluded` / `restricted` when the seed (or a
 * later change) says so. Item numbers compare case-insensitively, as in Flow.
 */
export function itemStatus(experience: ExperienceRecord, number: string): 'included' | 'excluded' | 'restricted' {
  const wanted = number.toLowerCase()
  for (const [key, status] of Object.entries(experience.item_statuses)) if (key.toLowerCase() === wanted) return status
  return 'included'
}

/** The unit price of an item in an experience, from the item's own price and currency. */
export function localItemPrice(state: EmulatorState, experience: ExperienceRecord, item: Json): LocalPrice {
  const price = item.price as { amount: number; currency: string }
  return localizePrice(toMinor(price.amount, price.currency), price.currency, pricingRules(state, experience, price.currency))
}

const INCLUDES_LABEL: Record<IncludedLevies, (vat: string) => string> = {
  vat_and_duty: (vat) => `Includes ${vat} and duty`,
  vat: (vat) => `Includes ${vat}`,
  duty: () => 'Includes duty',
  none: (vat) => `${vat} and duty not included`,
}

/** Flow's `localized_item_price`, `localized_item_vat` and `localized_item_duty` for a unit price. */
export function localizedPrices(state: EmulatorState, experience: ExperienceRecord, unit: LocalPrice): { price: Json; vat?: Json; duty?: Json } {
  const name = vatName(state, experience)
  const includes = includedLevies(experience.pricing)
  const result: { price: Json; vat?: Json; duty?: Json } = {
    price: { ...priceWithBase(state, experience, unit.amount), includes: { key: includes, label: INCLUDES_LABEL[includes](name) } },
  }
  if (experience.pricing.vat !== 'ignored') {
    result.vat = { ...priceWithBase(state, experience, unit.vat), name, accuracy: 'calculated' }
  }
  if (experience.pricing.duty !== 'ignored') result.duty = priceWithBase(state, experience, unit.duty)
  return result
}

/**
 * The item's price attributes (attributes whose definition has intent `price`, such as
 * `regular_price`), localized exactly like the price.
 */
export function localizedPriceAttributes(state: EmulatorState, experience: ExperienceRecord, item: Json): Record<string, Json> {
  const currency = (item.price as { currency: string }).currency
  const rules = pricingRules(state, experience, currency)
  const result: Record<string, Json> = {}
  for (const [key, value] of Object.entries((item.attributes ?? {}) as Record<string, string>)) {
    if (state.attributes[key]?.intent !== 'price' || !/^\d+(\.\d+)?$/.test(value)) continue
    result[key] = priceWithBase(state, experience, localizePrice(toMinor(value, currency), currency, rules).amount)
  }
  return result
}

/** Flow's `rate` from the base currency to the experience's currency. */
export function rateJson(state: EmulatorState, experience: ExperienceRecord): Json {
  const base = state.organization.base_currency
  const value = rateBetween(state.rates, base, base, experience.currency)
  return {
    id: `rat-${base.toLowerCase()}-${experience.currency.toLowerCase()}`,
    base,
    target: experience.currency,
    effective_at: state.created_at,
    value: Number(value),
  }
}

/**
 * Flow's `item` with its `local` block for an experience: the localized price (and VAT and
 * duty unless ignored), the FX rate, the item's status there and its localized price attributes.
 *
 * @example
 * localizeItem(state, germany, item).local.prices[0]
 * // { key: 'localized_item_price', currency: 'EUR', amount: 30.95, label: '30,95 €', base: {…},
 * //   includes: { key: 'vat', label: 'Includes VAT' } }
 */
export function localizeItem(state: EmulatorState, experience: ExperienceRecord, item: Json): Json {
  const prices = localizedPrices(state, experience, localItemPrice(state, experience, item))
  const localPrices = [{ ...prices.price, key: 'localized_item_price' }]
  if (prices.vat) localPrices.push({ ...prices.vat, key: 'localized_item_vat' })
  if (prices.duty) localPrices.push({ ...prices.duty, key: 'localized_item_duty' })
  return {
    ...item,
    local: {
      experience: experienceSummary(experience),
      prices: localPrices,
      rates: experience.currency === state.organization.base_currency ? [] : [rateJson(state, experience)],
      spot_rates: [],
      status: itemStatus(experience, item.number as string),
      attributes: item.attributes,
      price_attributes: localizedPriceAttributes(state, experience, item),
    },
  }
}

/** Flow's `local_item`: an item's pricing in one experience. */
export function localItemJson(state: EmulatorState, experience: ExperienceRecord, item: Json): Json {
  const prices = localizedPrices(state, experience, localItemPrice(state, experience, item))
  return {
    id: `loi-${experience.key}-${(item.id as string).replace(/^itm-/, '')}`,
    experience: experienceSummary(experience),
    item: { id: item.id, number: item.number },
    pricing: { ...prices, attributes: localizedPriceAttributes(state, experience, item) },
    status: itemStatus(experience, item.number as string),
  }
}
