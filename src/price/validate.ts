// The gate for price documents from outside the page (a CDN, IndexedDB, an older SDK's cache): a
// document either comes out whole, typed and rebuilt from known fields only, or is refused with the
// path of its first problem. Item maps have no prototype, so an item named `__proto__` or
// `constructor` is just an item.
import { currencyDecimals } from '../core/money.js'
import type { LabelFormatter } from '../core/money.js'
import { PRICE_DOCUMENT_VERSION } from './document.js'
import type { DocumentExperience, Includes, ItemPrices, LocalizedPrice, Price, PriceDocument, Rate } from './document.js'

type Json = Record<string, unknown>

const CODE = /^[A-Z]{3}$/
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/
const LEVIES = ['vat', 'duty', 'vat_and_duty', 'none']

/**
 * A key as it appears in a path: `.name` for identifiers and numbers, `["SKU-1"]` otherwise.
 *
 * @example
 * pathKey('optionPrices', '42') // 'optionPrices.42'
 * pathKey('items', 'SKU-1') // 'items["SKU-1"]'
 */
export const pathKey = (path: string, key: string): string =>
  path + (/^[A-Za-z_$][\w$]*$|^\d+$/.test(key) ? (path ? '.' : '') + key : `[${JSON.stringify(key)}]`)

const show = (value: unknown): string =>
  typeof value === 'string'
    ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
    : Array.isArray(value)
      ? 'an array'
      : value === null || typeof value !== 'object'
        ? String(value)
        : 'an object'

function fail(path: string, expected: string, value: unknown): never {
  throw new TypeError(`parsePriceDocument(): ${path}: expected ${expected}, received ${show(value)}`)
}

function object(value: unknown, path: string): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : fail(path, 'an object', value)
}

function string(value: unknown, path: string, valid = (_: string) => true, expected = 'a string'): string {
  return typeof value === 'string' && valid(value) ? value : fail(path, expected, value)
}

const isCode = (text: string) => CODE.test(text)
const nonEmpty = (text: string) => text !== ''

/** The experience currency, which every localized price and rate target must be in, or any code. */
function currencyIs(currency?: string): [(text: string) => boolean, string] {
  return currency
    ? [(text) => text === currency, `${JSON.stringify(currency)} (the experience currency)`]
    : [isCode, 'an ISO 4217 code']
}

function number(value: unknown, path: string): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'a finite number', value)
}

function time(value: unknown, path: string): string {
  const text = string(value, path, (text) => TIME.test(text), 'an ISO 8601 time such as "2026-12-03T10:00:00Z"')
  return Number.isNaN(Date.parse(text)) ? fail(path, 'a valid ISO 8601 time', value) : text
}

function price(value: unknown, path: string, currency?: string): Price {
  const raw = object(value, path)
  return {
    amount: number(raw.amount, `${path}.amount`),
    currency: string(raw.currency, `${path}.currency`, ...currencyIs(currency)),
    label: string(raw.label, `${path}.label`),
  }
}

function item(value: unknown, path: string, currency: string): ItemPrices {
  const raw = object(value, path)
  const result = Object.create(null) as ItemPrices
  // Required first, so a document without it names this path rather than a later code.
  for (const code of new Set(['localized_item_price', ...Object.keys(raw)])) {
    const at = pathKey(path, code)
    const entry = raw[code]
    if (code === 'includes') {
      const includes = object(entry, at)
      result.includes = {
        key: string(includes.key, `${at}.key`, (key) => LEVIES.includes(key), LEVIES.map((key) => `"${key}"`).join(' | ')) as Includes['key'],
        label: string(includes.label, `${at}.label`),
      }
    } else {
      const local: LocalizedPrice = price(entry, at, currency)
      const base = object(entry, at).base
      if (base !== undefined) local.base = price(base, `${at}.base`)
      result[code] = local
    }
  }
  return result
}

/**
 * Checks an untrusted value (JSON from a CDN, a record from IndexedDB) against the
 * {@link PriceDocument} schema and returns a new, clean document built from the known fields only.
 * Throws a TypeError naming the path of the first problem. Price codes may be any name; every price
 * must be in the experience currency; `base` prices may be in any currency.
 *
 * @example
 * parsePriceDocument(JSON.parse(await response.text()))
 * // throws TypeError: parsePriceDocument(): items["SKU-1"].regular_price.amount: expected a finite number, received "12"
 */
export function parsePriceDocument(value: unknown): PriceDocument {
  const raw = object(value, 'document')
  if (raw.version !== PRICE_DOCUMENT_VERSION) fail('version', String(PRICE_DOCUMENT_VERSION), raw.version)
  const organization = string(raw.organization, 'organization', nonEmpty, 'a non-empty string')
  const rawExperience = object(raw.experience, 'experience')
  const key = string(rawExperience.key, 'experience.key', nonEmpty, 'a non-empty string')
  const country = string(rawExperience.country, 'experience.country', isCode, 'an ISO 3166 alpha-3 code')
  const currency = string(rawExperience.currency, 'experience.currency', isCode, 'an ISO 4217 code')
  try {
    currencyDecimals(currency)
  } catch {
    fail('experience.currency', 'a currency Flow supports', currency)
  }
  const experience: DocumentExperience = { key, country, currency }
  for (const field of ['language', 'locale'] as const) {
    if (rawExperience[field] !== undefined) experience[field] = string(rawExperience[field], `experience.${field}`)
  }
  const generated_at = time(raw.generated_at, 'generated_at')
  const expires_at = time(raw.expires_at, 'expires_at')
  if (Date.parse(expires_at) < Date.parse(generated_at)) fail('expires_at', 'a time after generated_at', expires_at)
  if (!Array.isArray(raw.rates)) fail('rates', 'an array', raw.rates)
  const rates = raw.rates.map((entry: unknown, index): Rate => {
    const at = `rates[${index}]`
    const rate = object(entry, at)
    const base = string(rate.base, `${at}.base`, isCode, 'an ISO 4217 code')
    const target = string(rate.target, `${at}.target`, ...currencyIs(currency))
    const value = number(rate.value, `${at}.value`)
    return { base, target, value: value > 0 ? value : fail(`${at}.value`, 'a number greater than 0', value) }
  })
  const rawItems = object(raw.items, 'items')
  const items = Object.create(null) as Record<string, ItemPrices>
  for (const sku of Object.keys(rawItems)) items[sku] = item(rawItems[sku], pathKey('items', sku), currency)
  const document: PriceDocument = { version: PRICE_DOCUMENT_VERSION, organization, experience, generated_at, expires_at, rates, items }
  if (raw.format !== undefined) {
    const format = object(raw.format, 'format')
    document.format = {}
    if (format.symbol !== undefined) {
      const symbol = format.symbol
      document.format.symbol = symbol === 'primary' || symbol === 'narrow' ? symbol : fail('format.symbol', '"primary" | "narrow"', symbol)
    }
    if (format.label_formatters !== undefined) {
      const formatters = format.label_formatters
      // Any string: formatMoney ignores formatters it does not know, so a newer Flow value is harmless.
      if (!Array.isArray(formatters)) fail('format.label_formatters', 'an array', formatters)
      document.format.label_formatters = formatters.map(
        (formatter: unknown, index) => string(formatter, `format.label_formatters[${index}]`) as LabelFormatter,
      )
    }
  }
  return document
}

/**
 * True once `now` (milliseconds since the epoch, as `Date.now()` gives) has reached the document's
 * `expires_at`; an expired document may still be shown while a fresh one is fetched.
 *
 * @example
 * isExpired(doc, Date.parse('2026-12-03T11:00:00Z')) // true when expires_at is '2026-12-03T11:00:00.000Z'
 */
export function isExpired(doc: PriceDocument, now: number): boolean {
  // An unreadable time counts as expired (NaN fails every comparison).
  return !(now < Date.parse(doc.expires_at))
}
