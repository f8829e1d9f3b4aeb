// Rewriting cached base-currency price JSON for the active experience (ARCHITECTURE.md, "Localized
// price JSON"). Every function is pure: it returns a new object and reads its inputs only; parts it
// does not change are shared with the input, so treat both as read-only.
//
// Where the amounts come from:
// - an item's own prices (Magento's oldPrice/basePrice/finalPrice, the legacy and generic JSON) come
//   from the document, i.e. from Flow's pricing with the experience's levies, margins and rounding;
// - amounts Flow never prices (tier prices, custom options, MSRP, any other Magento price entry)
//   are converted with the document's FX rate, rounded half away from zero to the currency's
//   decimals, like Flow.js's `convert`: a ratio taken from one item's prices would apply that
//   item's levies and rounding pattern to a different amount, which Flow never did.
//
// Magento's widgets format every amount of one JSON with its one `priceFormat`, so a Magento JSON
// is rewritten whole or not at all: when any amount in it cannot be localized, `value` is a copy in
// base currency and `unlocalized` names each amount that could not be, and why.
//
// Always pass the base-currency JSON as the page had it, never an earlier result: amounts converted
// by rate would be converted twice.
import { convertMinor, currencyDecimals, formatMoney, fromMinor, toMinor } from '../core/money.js'
import type { ItemPrices, LocalizedPrice, Price, PriceDocument } from './document.js'
import { pathKey } from './validate.js'

/**
 * A rewritten copy and what stayed in base currency, as `'<path>: <why>'`.
 *
 * @example
 * const result: Rewritten<PriceBoxConfig> = { value: priceConfig, unlocalized: ['prices: no price for SKU "MH99" in experience germany'] }
 */
export type Rewritten<T> = { value: T; unlocalized: string[] }

/**
 * Magento's `priceFormat` (`Magento\Framework\Locale\Format::getPriceFormat`).
 *
 * @example
 * const usStore: MagentoPriceFormat = { pattern: '$%s', precision: 2, requiredPrecision: 2, decimalSymbol: '.', groupSymbol: ',', groupLength: 3, integerRequired: false }
 */
export type MagentoPriceFormat = {
  pattern: string
  precision: number
  requiredPrecision: number
  decimalSymbol: string
  groupSymbol: string
  groupLength: number
  integerRequired: boolean | number
}

/**
 * One Magento price entry; `adjustments` are added to `amount` when the widget displays it.
 *
 * @example
 * const finalPrice: MagentoAmount = { amount: 20, adjustments: { weee: 2 } } // shows $22.00
 */
export type MagentoAmount = { amount: number; adjustments?: Record<string, number> | number[] }

/**
 * Magento's prices of a product, by price type.
 *
 * @example
 * const prices: MagentoPrices = { oldPrice: { amount: 25 }, basePrice: { amount: 20 }, finalPrice: { amount: 20 } }
 */
export type MagentoPrices = {
  oldPrice?: MagentoAmount
  baseOldPrice?: MagentoAmount
  basePrice?: MagentoAmount
  finalPrice?: MagentoAmount
}

/**
 * One tier of a configurable child's `tierPrices`.
 *
 * @example
 * const tier: MagentoTierPrice = { qty: 2, price: 18, percentage: 10, basePrice: 18 } // 2+ for $18.00 each, save 10%
 */
export type MagentoTierPrice = { qty: number; price: number; percentage?: number | string; basePrice?: number; excl_tax_price?: number }

/**
 * The priceBox widget's `priceConfig`.
 *
 * @example
 * const priceConfig: PriceBoxConfig = { productId: '1', priceFormat: usStore, prices: { finalPrice: { amount: 20 } } }
 */
export type PriceBoxConfig = { productId?: number | string; priceFormat?: MagentoPriceFormat; prices?: MagentoPrices }

/**
 * The configurable and swatch widgets' `jsonConfig` (the fields this module reads).
 *
 * @example
 * const jsonConfig: ConfigurableConfig = { optionPrices: { 42: { finalPrice: { amount: 20 } } }, flow_product_id_sku_map: { 42: 'MH01-XS-Black' } }
 */
export type ConfigurableConfig = {
  optionPrices?: Record<string, MagentoPrices & { msrpPrice?: MagentoAmount; tierPrices?: MagentoTierPrice[] }>
  prices?: MagentoPrices
  priceFormat?: MagentoPriceFormat
  flow_product_id_sku_map?: Record<string, string>
  /** `'$%s'`, and the option label template `'$<%- data.price %>'`. */
  currencyFormat?: string
  template?: string
}

/**
 * A custom option's prices (`type` 'fixed' or 'percent': Magento sends both as base amounts).
 *
 * @example
 * const option: CustomOptionPrice = { prices: { finalPrice: { amount: -5 } }, type: 'fixed', name: 'No box' }
 */
export type CustomOptionPrice = { prices: MagentoPrices; type?: string; name?: string }

/**
 * Magento's custom options JSON: per option, or per option and value for select types.
 *
 * @example
 * const options: CustomOptionPrices = { 7: textOption, 8: { 21: noBox, 22: engraving } }
 */
export type CustomOptionPrices = Record<string, CustomOptionPrice | Record<string, CustomOptionPrice>>

/**
 * The connector's legacy `flow_localized_prices`: by `key + country + currency`, then product id.
 *
 * @example
 * const legacy: LegacyLocalizedPrices = { canadaCANCAD: { 42: { sku: 'MH01-XS-Black', localized_item_price: { amount: 28.5, currency: 'CAD', label: 'CA$28.50' } } } }
 */
export type LegacyLocalizedPrices = Record<string, Record<string, { sku?: string; [code: string]: unknown }>>

/**
 * Generic price JSON: by item number, then Flow price code.
 *
 * @example
 * const json: GenericPriceJson = { items: { 'SKU-1': { regular_price: { amount: 25, currency: 'USD', label: 'US$25.00' } } } }
 */
export type GenericPriceJson = { items: Record<string, Record<string, Price>> }

type Json = Record<string, unknown>
type Convert = (amount: unknown, path: string) => unknown

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

const own = (object: object, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(object, key) ? (object as Json)[key] : undefined

// Object.fromEntries defines keys, so a key named `__proto__` stays a key instead of a prototype.
const mapValues = <T>(object: Json, fn: (value: unknown, key: string) => unknown): T =>
  Object.fromEntries(Object.keys(object).map((key) => [key, fn(object[key], key)])) as T

const mapAll = (value: unknown, fn: (value: unknown, key: string) => unknown): unknown =>
  Array.isArray(value) ? value.map((entry, index) => fn(entry, String(index))) : isObject(value) ? mapValues(value, fn) : value

const itemOf = (doc: PriceDocument, sku: string): ItemPrices | undefined => own(doc.items, sku) as ItemPrices | undefined

const noPrice = (doc: PriceDocument, sku: string) => `no price for SKU ${JSON.stringify(sku)} in experience ${doc.experience.key}`

function rateOf(doc: PriceDocument, base: string): number | undefined {
  const { currency } = doc.experience
  return base === currency ? 1 : doc.rates.find((rate) => rate.base.toUpperCase() === base && rate.target === currency)?.value
}

/**
 * Converts an amount in a base currency to the document's currency with the document's FX rate:
 * the amount is rounded to the base currency's minor units, converted exactly, rounded half away
 * from zero once to the experience currency's decimals, and labelled in the experience's locale
 * and format. `undefined` when the document has no rate for that currency or the amount is not a
 * finite number.
 *
 * @example
 * convertWithDocument(-5, 'USD', germany) // rate 0.92
 * // { amount: -4.6, currency: 'EUR', label: '-4,60 €', base: { amount: -5, currency: 'USD', label: '-US$5.00' } }
 */
export function convertWithDocument(amount: number, baseCurrency: string, doc: PriceDocument): LocalizedPrice | undefined {
  const base = baseCurrency.toUpperCase()
  const rate = rateOf(doc, base)
  if (rate === undefined || typeof amount !== 'number') return undefined
  const { currency, locale } = doc.experience
  try {
    const baseMinor = toMinor(amount, base)
    const minor = convertMinor(baseMinor, base, currency, rate)
    return {
      amount: fromMinor(minor, currency),
      currency,
      label: formatMoney(minor, currency, { locale, format: doc.format }),
      base: { amount: fromMinor(baseMinor, base), currency: base, label: formatMoney(baseMinor, base) },
    }
  } catch {
    // NaN, Infinity, an unknown base currency or an amount too large to be exact: not convertible.
    return undefined
  }
}

/** Converts base amounts by rate, leaving an amount it cannot convert as it is and saying why. */
function converter(doc: PriceDocument, base: string | undefined, unlocalized: string[]): Convert {
  return (amount, path) => {
    const local = base === undefined || typeof amount !== 'number' ? undefined : convertWithDocument(amount, base, doc)
    if (local) return local.amount
    unlocalized.push(
      `${path}: ${
        base === undefined
          ? 'no base currency'
          : rateOf(doc, base.toUpperCase()) === undefined
            ? `no rate from ${base} to ${doc.experience.currency} in experience ${doc.experience.key}`
            : `cannot convert ${typeof amount === 'number' ? amount : JSON.stringify(amount)}`
      }`,
    )
    return amount
  }
}

/**
 * The experience's currency format as a Magento `priceFormat`, read from what `formatMoney` writes
 * for the experience's locale and format: the symbol and its place become the pattern, precision
 * is the currency's Flow decimals. (`strip_trailing_zeros` has no Magento equivalent.)
 *
 * @example
 * magentoPriceFormat(germany)
 * // { pattern: '%s €', precision: 2, requiredPrecision: 2, decimalSymbol: ',', groupSymbol: '.', groupLength: 3, integerRequired: false }
 */
export function magentoPriceFormat(doc: PriceDocument): MagentoPriceFormat {
  const { currency, locale } = doc.experience
  const decimals = currencyDecimals(currency)
  // 1234567 has a group separator after its first digit; the fraction is all 8s so nothing strips it.
  const label = formatMoney(Number(`1234567${'8'.repeat(decimals)}`), currency, { locale, format: doc.format })
  const number = /\d.*\d/.exec(label)?.[0] ?? ''
  const groupSymbol = number[1] ?? ','
  return {
    pattern: label.replace(number, '%s'),
    precision: decimals,
    requiredPrecision: decimals,
    // Magento never writes the decimal symbol at precision 0; any symbol other than the group's will do.
    decimalSymbol: (decimals && number[number.length - decimals - 1]) || (groupSymbol === '.' ? ',' : '.'),
    groupSymbol,
    groupLength: 3,
    integerRequired: false,
  }
}

// Magento price types that are an item's own price, with the Flow price code they come from. Both
// regular and final price fall back to localized_item_price, as the connector's front end did.
const CODES: Record<string, string> = {
  oldPrice: 'regular_price',
  baseOldPrice: 'regular_price',
  // Magento's basePrice is the final price before its tax adjustments. Flow's price already is the
  // experience's price with the levies the experience includes, so base and final are the same.
  basePrice: 'final_price',
  finalPrice: 'final_price',
}
const TIER_AMOUNTS = ['price', 'basePrice', 'excl_tax_price']

/** Rewrites one Magento price set: item prices from the document, everything else by rate. */
function magentoPrices(prices: unknown, item: ItemPrices | undefined, convert: Convert, path: string): unknown {
  return isObject(prices)
    ? mapValues(prices, (entry, key) => {
        const at = pathKey(path, key)
        if (key === 'tierPrices') {
          return mapAll(entry, (tier, index) =>
            isObject(tier)
              ? mapValues(tier, (value, field) => (TIER_AMOUNTS.includes(field) ? convert(value, `${at}.${index}.${field}`) : value))
              : tier,
          )
        }
        if (!isObject(entry) || !('amount' in entry)) return entry
        const code = item && (own(CODES, key) as string | undefined)
        if (code) {
          const local = (own(item, code) as LocalizedPrice | undefined) ?? item.localized_item_price
          // Adjustments are base-store taxes (tax, FPT) on top of the amount; Flow's price has its own.
          const { adjustments } = entry
          return { ...entry, amount: local.amount, ...(adjustments !== undefined && { adjustments: Array.isArray(adjustments) ? [] : {} }) }
        }
        return {
          ...entry,
          amount: convert(entry.amount, `${at}.amount`),
          ...('adjustments' in entry && { adjustments: mapAll(entry.adjustments, (value, name) => convert(value, `${at}.adjustments.${name}`)) }),
        }
      })
    : prices
}

/** Rewrites an item's Magento prices from the document, or says why it cannot. */
function itemPrices(
  prices: unknown,
  doc: PriceDocument,
  sku: string | undefined,
  path: string,
  unlocalized: string[],
  noSku: string,
): unknown {
  const item = sku === undefined ? undefined : itemOf(doc, sku)
  if (!item) {
    unlocalized.push(`${path}: ${sku === undefined ? noSku : noPrice(doc, sku)}`)
    return prices
  }
  return magentoPrices(prices, item, converter(doc, item.localized_item_price.base?.currency, unlocalized), path)
}

const whole = <T>(input: T, value: T, unlocalized: string[]): Rewritten<T> => ({
  value: unlocalized.length ? { ...input } : value,
  unlocalized,
})

/**
 * Rewrites Magento's priceBox `priceConfig` for the document's experience: `finalPrice` and
 * `basePrice` from the SKU's `final_price` (else `localized_item_price`), `oldPrice` from its
 * `regular_price` (else `localized_item_price`), adjustments emptied (Flow's price includes what
 * the experience includes), any other entry converted by rate, and `priceFormat` the experience's.
 * All or nothing: see `unlocalized`.
 *
 * @example
 * rewritePriceBoxConfig({ priceFormat: { pattern: '$%s', ... }, prices: { finalPrice: { amount: 20, adjustments: [] }, ... } }, germany, 'MH01')
 * // { value: { priceFormat: { pattern: '%s €', decimalSymbol: ',', ... }, prices: { finalPrice: { amount: 21.9, adjustments: [] }, ... } }, unlocalized: [] }
 */
export function rewritePriceBoxConfig<T extends PriceBoxConfig>(priceConfig: T, doc: PriceDocument, sku: string): Rewritten<T> {
  const unlocalized: string[] = []
  const value: Json = { ...priceConfig, priceFormat: { ...priceConfig.priceFormat, ...magentoPriceFormat(doc) } }
  if (priceConfig.prices !== undefined) value.prices = itemPrices(priceConfig.prices, doc, sku, 'prices', unlocalized, '')
  return whole(priceConfig, value as T, unlocalized)
}

/**
 * Rewrites Magento's configurable `jsonConfig` for the document's experience: each child of
 * `optionPrices` by its SKU in `flow_product_id_sku_map` (as {@link rewritePriceBoxConfig} does,
 * tier prices and MSRP by rate), the top-level `prices` from `parentSku`'s prices (needed whenever
 * the config has `prices`), and `priceFormat`, `currencyFormat` and `template` the experience's.
 * All or nothing: see `unlocalized`.
 *
 * @example
 * rewriteConfigurableConfig(jsonConfig, germany, 'MH01')
 * // { value: { optionPrices: { 42: { finalPrice: { amount: 21.9 }, tierPrices: [{ qty: 2, price: 16.56, percentage: 10 }] } }, ... }, unlocalized: [] }
 * // or, when a child is missing: { value: <copy in base currency>, unlocalized: ['optionPrices.42: no price for SKU "MH01-XS-Black" in experience germany'] }
 */
export function rewriteConfigurableConfig<T extends ConfigurableConfig>(
  jsonConfig: T,
  doc: PriceDocument,
  parentSku?: string,
): Rewritten<T> {
  const unlocalized: string[] = []
  const map = jsonConfig.flow_product_id_sku_map ?? {}
  const priceFormat = { ...jsonConfig.priceFormat, ...magentoPriceFormat(doc) }
  const value: Json = { ...jsonConfig, priceFormat }
  if (isObject(jsonConfig.optionPrices)) {
    value.optionPrices = mapValues(jsonConfig.optionPrices, (prices, id) =>
      itemPrices(prices, doc, own(map, id) as string | undefined, pathKey('optionPrices', id), unlocalized, `no SKU for product ${id} in flow_product_id_sku_map`),
    )
  }
  if (jsonConfig.prices !== undefined) {
    value.prices = itemPrices(jsonConfig.prices, doc, parentSku, 'prices', unlocalized, 'no parent SKU given')
  }
  if (typeof jsonConfig.currencyFormat === 'string') value.currencyFormat = priceFormat.pattern
  if (typeof jsonConfig.template === 'string') value.template = priceFormat.pattern.replace('%s', '<%- data.price %>')
  return whole(jsonConfig, value as T, unlocalized)
}

/**
 * Rewrites the swatch renderer's `jsonConfig`, which has the configurable widget's shape: the same
 * function as {@link rewriteConfigurableConfig}.
 *
 * @example
 * rewriteSwatchConfig(swatchJsonConfig, japan, 'MH01').value.priceFormat.pattern // '¥%s'
 */
export const rewriteSwatchConfig: typeof rewriteConfigurableConfig = rewriteConfigurableConfig

/**
 * Rewrites Magento's custom option prices (`fixed` and `percent` alike: Magento sends a percent
 * option as the base amount it adds) by the document's rate from `baseCurrency`, negative amounts
 * included. All or nothing: see `unlocalized`.
 *
 * @example
 * rewriteCustomOptionPrices({ 7: { prices: { finalPrice: { amount: -5 } }, type: 'fixed', name: 'No box' } }, germany, 'USD')
 * // { value: { 7: { prices: { finalPrice: { amount: -4.6 } }, type: 'fixed', name: 'No box' } }, unlocalized: [] }
 */
export function rewriteCustomOptionPrices<T extends CustomOptionPrices>(options: T, doc: PriceDocument, baseCurrency: string): Rewritten<T> {
  const unlocalized: string[] = []
  const convert = converter(doc, baseCurrency, unlocalized)
  const rewrite = (option: unknown, path: string): unknown =>
    isObject(option) && isObject(option.prices)
      ? { ...option, prices: magentoPrices(option.prices, undefined, convert, `${path}.prices`) }
      : isObject(option)
        ? mapValues(option, (value, id) => (isObject(value) && isObject(value.prices) ? rewrite(value, pathKey(path, id)) : value))
        : option
  return whole(options, mapValues<T>(options, (option, id) => rewrite(option, pathKey('', id))), unlocalized)
}

/**
 * Fills the connector's legacy `flow_localized_prices` entry of the document's experience
 * (`key + country + currency`, e.g. `germanyDEUEUR`) from the document, for each product id of
 * `productIdToSku`: `sku`, every price code, and `localized_item_price` with `includes` and `key` as
 * the connector wrote them. Other experiences' entries and products not in the map stay as they were;
 * a product whose SKU the document lacks keeps its entry and is reported.
 *
 * @example
 * rewriteLegacyLocalizedPrices(undefined, germany, { 42: 'MH01' })
 * // { value: { germanyDEUEUR: { 42: { sku: 'MH01', localized_item_price: { amount: 21.9, currency: 'EUR', label: '21,90 €', ..., key: 'localized_item_price' }, ... } } }, unlocalized: [] }
 */
export function rewriteLegacyLocalizedPrices(
  flowLocalizedPrices: LegacyLocalizedPrices | undefined,
  doc: PriceDocument,
  productIdToSku: Record<string, string>,
): Rewritten<LegacyLocalizedPrices> {
  const { key, country, currency } = doc.experience
  const id = key + country + currency
  const unlocalized: string[] = []
  const previous = isObject(flowLocalizedPrices) ? own(flowLocalizedPrices, id) : undefined
  const entries: Json = isObject(previous) ? { ...previous } : {}
  for (const productId of Object.keys(productIdToSku)) {
    const sku = productIdToSku[productId] ?? ''
    const item = itemOf(doc, sku)
    if (!item) {
      unlocalized.push(`${pathKey(pathKey('', id), productId)}: ${noPrice(doc, sku)}`)
      continue
    }
    const { includes, localized_item_price } = item
    const codes = Object.fromEntries(
      Object.keys(item)
        .filter((code) => code !== 'includes')
        .map((code) => [code, { ...(item[code] as LocalizedPrice) }]),
    )
    const entry = {
      ...(own(entries, productId) as Json | undefined),
      ...codes,
      sku,
      localized_item_price: { ...localized_item_price, ...(includes && { includes: { ...includes } }), key: 'localized_item_price' },
    }
    Object.defineProperty(entries, productId, { value: entry, enumerable: true, writable: true, configurable: true })
  }
  return { value: { ...flowLocalizedPrices, [id]: entries as LegacyLocalizedPrices[string] }, unlocalized }
}

/**
 * Localizes generic price JSON (`{ items: { [sku]: { [code]: { amount, currency, label } } } }` in
 * base currency): each price becomes the document's price of that code for that SKU. A price whose
 * SKU or code the document lacks stays in base currency and is reported.
 *
 * @example
 * localizeGenericPrices({ items: { 'SKU-1': { regular_price: { amount: 25, currency: 'USD', label: 'US$25.00' } } } }, germany)
 * // { value: { items: { 'SKU-1': { regular_price: { amount: 27.4, currency: 'EUR', label: '27,40 €' } } } }, unlocalized: [] }
 */
export function localizeGenericPrices<T extends GenericPriceJson>(json: T, doc: PriceDocument): Rewritten<T> {
  const unlocalized: string[] = []
  if (!isObject(json.items)) return { value: { ...json }, unlocalized: ['items: not an object'] }
  const items = mapValues<T['items']>(json.items, (prices, sku) => {
    const path = pathKey('items', sku)
    const item = itemOf(doc, sku)
    if (!item) unlocalized.push(`${path}: ${noPrice(doc, sku)}`)
    return item && isObject(prices)
      ? mapValues(prices, (price, code) => {
          if (code === 'includes') return item.includes ?? price
          const local = own(item, code) as LocalizedPrice | undefined
          if (!local) unlocalized.push(`${pathKey(path, code)}: no ${JSON.stringify(code)} price for SKU ${JSON.stringify(sku)} in experience ${doc.experience.key}`)
          return local && isObject(price) ? { ...price, amount: local.amount, currency: local.currency, label: local.label } : price
        })
      : prices
  })
  return { value: { ...json, items }, unlocalized }
}
