// Money in integer minor units with Flow's currency decimals (Flow's `number_decimals`, which differ
// from Intl for some currencies: CVE, RUB and TWD have 0, COP and PKR 2, MRO 1).
//
// Every amount is a `number` that is a safe integer of minor units: 101 USD means US$1.01, 101 JPY
// means ¥101, 1001 KWD means KWD 1.001. Conversions from decimals, rates and roundings are exact
// (BigInt inside) and never return a wrong number: an amount that cannot be a safe integer throws.
//
// Programmer mistakes throw: a TypeError for a value of the wrong kind (not a number, not a decimal
// string), a RangeError for a value of the right kind outside what is allowed (NaN, an unknown
// currency, a fraction of a minor unit, an amount beyond Number.MAX_SAFE_INTEGER minor units).
//
// The reference tables are parsed on first use, never at import.
import { CURRENCIES, LOCALES } from './currency-data.js'

/**
 * Flow's `rounding` model, applied to a localized price by {@link roundMinor}. `value` is a decimal
 * in major units with at most the currency's decimals.
 * - `multiple`: the result is a multiple of `value` (5 → 5.00, 10.00, …; 0.05 → 0.05, 0.10, …).
 * - `pattern`: the result's remainder modulo the next power of ten above `value` equals `value`
 *   (0.99 → x.99; 0.95 → x.95; 9 → x9.00, or …9 in JPY; 99 → x99.00).
 * - `method`: `up` takes the smallest such amount ≥ the price, `down` the largest ≤ it, `nearest`
 *   the closer of the two, ties going up. Signs are symmetric: a negative amount is rounded as its
 *   magnitude, so `up` moves away from zero.
 *
 * @example
 * const charm: Rounding = { type: 'pattern', method: 'up', value: 0.99 }
 * roundMinor(1234, 'USD', charm) // 1299
 */
export type Rounding = {
  type: 'pattern' | 'multiple'
  method: 'up' | 'down' | 'nearest'
  value: number
}

/**
 * Flow's `currency_label_formatter`: `strip_trailing_zeros` drops the fraction when it is all zeros
 * (US$100.00 → US$100, but US$100.50 stays), `symbol_prefix` / `symbol_suffix` place the symbol.
 *
 * @example
 * const formatters: LabelFormatter[] = ['symbol_suffix', 'strip_trailing_zeros']
 */
export type LabelFormatter = 'strip_trailing_zeros' | 'symbol_prefix' | 'symbol_suffix'

/**
 * Flow's `experience_currency_format`: which symbol to show and how to write the label.
 *
 * @example
 * formatMoney(10000, 'EUR', { locale: 'de', format: { label_formatters: ['symbol_suffix'] } })
 * // '100,00 €'
 */
export type CurrencyFormat = {
  symbol?: 'primary' | 'narrow' | undefined
  label_formatters?: readonly LabelFormatter[] | undefined
}

/**
 * Options of {@link formatMoney}.
 *
 * @example
 * const options: FormatMoneyOptions = { locale: 'de-CH', format: { symbol: 'narrow' } }
 */
export type FormatMoneyOptions = {
  /** A Flow locale id such as 'en-US' or 'de'; see {@link formatMoney} for the fallback. */
  locale?: string | undefined
  format?: CurrencyFormat | undefined
}

/**
 * Options of {@link parseMoney}.
 *
 * @example
 * const options: ParseMoneyOptions = { locale: 'fr' }
 */
export type ParseMoneyOptions = { locale?: string | undefined }

type Currency = { code: string; decimals: number; primary: string; narrow: string; locale: string }

/** An exact decimal: coefficient × 10^exponent, with no trailing zeros in the coefficient. */
type Decimal = { c: bigint; e: number }

let currencyTable: Map<string, Currency> | undefined
let localeTable: Map<string, string> | undefined

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  return typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value
}

function currencyOf(fn: string, code: unknown): Currency {
  if (typeof code !== 'string') {
    throw new TypeError(`${fn}: currency must be an ISO 4217 code such as 'USD', received ${show(code)}.`)
  }
  currencyTable ??= new Map(
    CURRENCIES.split(';').map((row): [string, Currency] => {
      const [head = '', narrow, locale = ''] = row.split(',')
      const iso = head.slice(0, 3)
      const primary = head.slice(4) || iso
      return [iso, { code: iso, decimals: Number(head[3]), primary, narrow: narrow || primary, locale }]
    }),
  )
  const currency = currencyTable.get(code.toUpperCase())
  if (!currency) {
    throw new RangeError(`${fn}: unknown currency ${show(code)}. Use an ISO 4217 code Flow supports, such as 'USD'.`)
  }
  return currency
}

/** Decimal and group separator (two characters) for a locale, with the fallback formatMoney documents. */
function separatorsOf(fn: string, locale: unknown, currency: Currency): string {
  if (locale !== undefined && typeof locale !== 'string') {
    throw new TypeError(`${fn}: locale must be a locale id such as 'en-US', received ${show(locale)}.`)
  }
  if (!localeTable) {
    localeTable = new Map()
    for (const section of LOCALES.split('|')) {
      for (const id of section.slice(2).split(',')) localeTable.set(id.toLowerCase(), section.slice(0, 2))
    }
  }
  const id = locale?.replace('_', '-').toLowerCase() ?? ''
  return (
    localeTable.get(id) ??
    localeTable.get(id.split('-')[0] ?? '') ??
    localeTable.get(currency.locale.toLowerCase()) ??
    '.,'
  )
}

function minorOf(fn: string, name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  throw new (typeof value === 'number' ? RangeError : TypeError)(
    `${fn}: ${name} must be an amount in minor units (a safe integer, such as 1999 for 19.99), received ${show(value)}.`,
  )
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i

function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text)
  const [, sign, int = '', fraction = '', exponent = '0'] = match ?? []
  if (!match || !(int + fraction)) return undefined
  const digits = (int + fraction).replace(/0+$/, '')
  // A huge exponent becomes ±Infinity here, which scale() treats as "too large" or "rounds to 0".
  const e = Number(exponent) - fraction.length + (int + fraction).length - digits.length
  const c = BigInt(digits || 0)
  return { c: sign === '-' ? -c : c, e: digits ? e : 0 }
}

function decimalOf(fn: string, name: string, value: unknown): Decimal {
  const parsed =
    typeof value === 'string'
      ? parseDecimal(value)
      : typeof value === 'number' && Number.isFinite(value)
        ? parseDecimal(String(value)) // the shortest decimal that reads back as this double: 1.005 → '1.005'
        : undefined
  if (parsed) return parsed
  throw new (typeof value === 'number' ? RangeError : TypeError)(
    `${fn}: ${name} must be a finite number or a decimal string such as '12.34', received ${show(value)}.`,
  )
}

/** c × 10^e rounded half away from zero, or undefined when that is not a safe integer. */
function scale(c: bigint, e: number): number | undefined {
  if (c === 0n) return 0
  const digits = String(c < 0n ? -c : c).length
  // |c × 10^e| < 10^(digits + e): ≥ 10^16 cannot be safe, < 0.1 rounds to 0.
  if (digits + e > 16) return undefined
  if (digits + e < 0) return 0
  let result: bigint
  if (e >= 0) {
    result = c * 10n ** BigInt(e)
  } else {
    const divisor = 10n ** BigInt(-e)
    const remainder = c % divisor
    result = c / divisor
    if ((remainder < 0n ? -remainder : remainder) * 2n >= divisor) result += c < 0n ? -1n : 1n
  }
  const value = Number(result)
  return Number.isSafeInteger(value) ? value : undefined
}

function tooLarge(fn: string, what: string, currency: Currency): RangeError {
  return new RangeError(
    `${fn}: ${what} is beyond ${toDecimalString(Number.MAX_SAFE_INTEGER, currency.code)} ${currency.code}, ` +
      'the largest amount a number holds exactly in minor units. Split it or keep it as a decimal string.',
  )
}

function splitMinor(value: number, decimals: number): [int: string, fraction: string] {
  const digits = String(Math.abs(value)).padStart(decimals + 1, '0')
  const point = digits.length - decimals
  return [digits.slice(0, point), digits.slice(point)]
}

/**
 * Flow's number of decimals for a currency (its minor units per major unit are 10^decimals).
 * Codes are case-insensitive; an unknown code throws a RangeError naming it.
 *
 * @example
 * currencyDecimals('USD') // 2
 * currencyDecimals('jpy') // 0
 * currencyDecimals('KWD') // 3
 */
export function currencyDecimals(code: string): number {
  return currencyOf('currencyDecimals()', code).decimals
}

/**
 * A currency's symbol from Flow's reference data. `narrow` falls back to `primary` when Flow has
 * no narrow symbol; `primary` falls back to the ISO code.
 *
 * @example
 * currencySymbol('CAD') // 'CA$'
 * currencySymbol('CAD', 'narrow') // '$'
 * currencySymbol('CHF', 'narrow') // 'CHF'
 */
export function currencySymbol(code: string, kind: 'primary' | 'narrow' = 'primary'): string {
  const currency = currencyOf('currencySymbol()', code)
  if (kind !== 'primary' && kind !== 'narrow') {
    throw new RangeError(`currencySymbol(): kind must be 'primary' or 'narrow', received ${show(kind)}.`)
  }
  return currency[kind]
}

/**
 * Converts a major-unit amount to minor units, exactly: the amount is read as the decimal it is
 * written as (a number as its shortest round-trip decimal, so 1.005 is 1.005, not
 * 1.00499999999999989…), then rounded half away from zero to the currency's decimals. Strings may
 * have a sign and an exponent ('-12.5', '1.2e3'), nothing else (no spaces, no group separators).
 *
 * @example
 * toMinor(1.005, 'USD') // 101
 * toMinor('0.1', 'USD') + toMinor('0.2', 'USD') // 30
 * toMinor(1234.5, 'JPY') // 1235
 * toMinor('1.0005', 'KWD') // 1001
 * toMinor(1e21, 'USD') // throws RangeError: too large to be exact
 */
export function toMinor(amount: number | string, currency: string): number {
  const fn = 'toMinor()'
  const decimal = decimalOf(fn, 'amount', amount)
  const spec = currencyOf(fn, currency)
  const minor = scale(decimal.c, decimal.e + spec.decimals)
  if (minor === undefined) throw tooLarge(fn, `amount ${show(amount)}`, spec)
  return minor
}

/**
 * Converts minor units to a major-unit number (the double nearest to the exact decimal).
 *
 * @example
 * fromMinor(101, 'USD') // 1.01
 * fromMinor(101, 'JPY') // 101
 * fromMinor(-1001, 'BHD') // -1.001
 */
export function fromMinor(minor: number, currency: string): number {
  return Number(toDecimalString(minor, currency))
}

/**
 * The exact decimal string of an amount in minor units, with exactly the currency's decimals,
 * a leading '-' when negative and nothing else: for APIs and data attributes, not for shoppers.
 *
 * @example
 * toDecimalString(101, 'USD') // '1.01'
 * toDecimalString(-50, 'USD') // '-0.50'
 * toDecimalString(1000, 'JPY') // '1000'
 */
export function toDecimalString(minor: number, currency: string): string {
  const fn = 'toDecimalString()'
  const value = minorOf(fn, 'minor', minor)
  const [int, fraction] = splitMinor(value, currencyOf(fn, currency).decimals)
  return (value < 0 ? '-' : '') + int + (fraction && `.${fraction}`)
}

/**
 * Formats minor units as a price label the way Flow writes `price.label`:
 * - digits: the currency's decimals, the locale's decimal separator, the locale's group separator
 *   every three integer digits;
 * - locale: the Flow locale id given (case-insensitive, `_` or `-`), else its language alone ('de'
 *   for 'de-DE'), else the currency's default locale, else '.' and ',';
 * - symbol: `format.symbol` 'narrow' uses the narrow symbol (falling back to primary), anything else
 *   the primary symbol;
 * - `label_formatters`: the symbol is a prefix unless `symbol_suffix` is listed (if both are, the
 *   later one wins); `strip_trailing_zeros` drops the fraction only when all its digits are zero
 *   (Flow: "if a price ends in .00 or ,00, we remove the cents"), so 12.50 stays 12.50;
 * - spacing: a prefix symbol made only of letters ('KWD', 'kr', 'zł') is followed by a space, any
 *   other prefix ('$', '€', 'US$', 'CA$', 'E£') touches the number; a suffix symbol always comes
 *   after a space;
 * - sign: '-' first, before a prefix symbol.
 * Unknown label formatters are ignored, so a newer Flow value does not break the page.
 *
 * @example
 * formatMoney(123456, 'USD') // 'US$1,234.56'
 * formatMoney(123456, 'EUR', { locale: 'de-DE', format: { label_formatters: ['symbol_suffix'] } }) // '1.234,56 €'
 * formatMoney(-5000, 'SEK', { format: { symbol: 'narrow', label_formatters: ['strip_trailing_zeros'] } }) // '-kr 50'
 * formatMoney(1000, 'KWD', { locale: 'en-US' }) // 'KWD 1.000'
 */
export function formatMoney(minor: number, currency: string, options: FormatMoneyOptions = {}): string {
  const fn = 'formatMoney()'
  const value = minorOf(fn, 'minor', minor)
  const spec = currencyOf(fn, currency)
  const [decimal, group] = separatorsOf(fn, options.locale, spec)
  const format = options.format ?? {}
  let suffix = false
  let strip = false
  for (const formatter of format.label_formatters ?? []) {
    if (formatter === 'strip_trailing_zeros') strip = true
    else if (formatter === 'symbol_prefix' || formatter === 'symbol_suffix') suffix = formatter === 'symbol_suffix'
  }
  const [int, fraction] = splitMinor(value, spec.decimals)
  const number =
    int.replace(/\B(?=(\d{3})+$)/g, () => group ?? '') +
    (fraction && !(strip && /^0+$/.test(fraction)) ? `${decimal}${fraction}` : '')
  const symbol = format.symbol === 'narrow' ? spec.narrow : spec.primary
  const sign = value < 0 ? '-' : ''
  return suffix ? `${sign}${number} ${symbol}` : `${sign}${symbol}${/^\p{L}+$/u.test(symbol) ? ' ' : ''}${number}`
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Reads a price label back to minor units: the inverse of {@link formatMoney} for the same currency
 * and locale, whichever symbol (primary, narrow or the ISO code) and placement it uses, with or
 * without the symbol, group separators optional, up to the currency's decimals. It never rounds:
 * anything else ('12.345' in USD, another currency's symbol, '1,2,3') throws a RangeError naming
 * the text.
 *
 * @example
 * parseMoney('US$1,234.56', 'USD') // 123456
 * parseMoney('-1.234,56 €', 'EUR', { locale: 'de' }) // -123456
 * parseMoney('¥1,235', 'JPY') // 1235
 */
export function parseMoney(text: string, currency: string, options: ParseMoneyOptions = {}): number {
  const fn = 'parseMoney()'
  if (typeof text !== 'string') {
    throw new TypeError(`${fn}: text must be a price label such as 'US$1.00', received ${show(text)}.`)
  }
  const spec = currencyOf(fn, currency)
  const [decimal = '.', group = ','] = separatorsOf(fn, options.locale, spec)
  let rest = text.trim()
  let negative = /^[-\u2212]/.test(rest)
  if (negative) rest = rest.slice(1)
  const symbols = [spec.primary, spec.narrow, spec.code].sort((a, b) => b.length - a.length)
  for (const symbol of symbols) {
    if (rest.startsWith(symbol)) rest = rest.slice(symbol.length)
    else if (rest.endsWith(symbol)) rest = rest.slice(0, -symbol.length)
    else continue
    break
  }
  rest = rest.trim()
  if (!negative && /^[-\u2212]/.test(rest)) {
    negative = true
    rest = rest.slice(1)
  }
  // A space group separator may arrive as a no-break space (U+00A0) or a narrow one (U+202F).
  const groupPattern = group === ' ' ? '[ \\u00a0\\u202f]' : escape(group)
  const fractionPattern = spec.decimals ? `(?:${escape(decimal)}(\\d{1,${spec.decimals}}))?` : ''
  const match = new RegExp(`^(\\d{1,3}(?:${groupPattern}\\d{3})*|\\d+)${fractionPattern}$`).exec(rest)
  if (!match) {
    throw new RangeError(
      `${fn}: cannot read ${show(text)} as ${spec.code}; expected a label such as ` +
        `${show(formatMoney(123456, spec.code, { locale: options.locale }))}.`,
    )
  }
  const digits = (match[1] ?? '').replace(/\D/g, '') + (match[2] ?? '').padEnd(spec.decimals, '0')
  const minor = scale(BigInt(digits) * (negative ? -1n : 1n), 0)
  if (minor === undefined) throw tooLarge(fn, show(text), spec)
  return minor
}

/**
 * Converts an amount in minor units of `from` to minor units of `to` at `rate` (units of `to` per
 * unit of `from`, a number or a decimal string), exactly, rounding half away from zero once at the
 * end. Rates must be greater than zero.
 *
 * @example
 * convertMinor(1000, 'USD', 'EUR', '0.9215') // 922 (9.215 EUR → 9.22)
 * convertMinor(1999, 'USD', 'JPY', 151.37) // 3026 (19.99 × 151.37 = 3025.8863)
 * convertMinor(100, 'JPY', 'KWD', 0.00204) // 204
 */
export function convertMinor(minor: number, from: string, to: string, rate: number | string): number {
  const fn = 'convertMinor()'
  const value = minorOf(fn, 'minor', minor)
  const source = currencyOf(fn, from)
  const target = currencyOf(fn, to)
  const factor = decimalOf(fn, 'rate', rate)
  if (factor.c <= 0n) throw new RangeError(`${fn}: rate must be greater than 0, received ${show(rate)}.`)
  const result = scale(BigInt(value) * factor.c, factor.e + target.decimals - source.decimals)
  if (result === undefined) throw tooLarge(fn, `${toDecimalString(value, source.code)} ${source.code} × ${show(rate)}`, target)
  return result
}

/**
 * Applies a Flow {@link Rounding} to an amount in minor units. See {@link Rounding} for `pattern`
 * and `multiple`. Zero stays zero, and the result never changes sign: when `down` or `nearest`
 * would have to go below zero to meet a pattern (0.50 with pattern 0.99), the amount rounds up.
 * `value` must be greater than zero and have at most the currency's decimals (0.99 on JPY throws).
 *
 * @example
 * roundMinor(1234, 'USD', { type: 'pattern', method: 'up', value: 0.99 }) // 1299
 * roundMinor(1234, 'USD', { type: 'pattern', method: 'down', value: 0.99 }) // 1199
 * roundMinor(1234, 'USD', { type: 'multiple', method: 'nearest', value: 5 }) // 1000
 * roundMinor(1234, 'JPY', { type: 'pattern', method: 'nearest', value: 9 }) // 1239
 */
export function roundMinor(minor: number, currency: string, rounding: Rounding): number {
  const fn = 'roundMinor()'
  const value = minorOf(fn, 'minor', minor)
  const spec = currencyOf(fn, currency)
  if (typeof rounding !== 'object' || rounding === null) {
    throw new TypeError(`${fn}: rounding must be { type, method, value }, received ${show(rounding)}.`)
  }
  const { type, method } = rounding
  if (type !== 'pattern' && type !== 'multiple') {
    throw new RangeError(`${fn}: rounding.type must be 'pattern' or 'multiple', received ${show(type)}.`)
  }
  if (method !== 'up' && method !== 'down' && method !== 'nearest') {
    throw new RangeError(`${fn}: rounding.method must be 'up', 'down' or 'nearest', received ${show(method)}.`)
  }
  const step = decimalOf(fn, 'rounding.value', rounding.value)
  const stepMinor = step.e + spec.decimals < 0 ? undefined : scale(step.c, step.e + spec.decimals)
  if (!stepMinor || stepMinor < 0) {
    throw new RangeError(
      `${fn}: rounding.value must be a positive amount with at most ${spec.decimals} decimals for ${spec.code}, ` +
        `received ${show(rounding.value)}.`,
    )
  }
  const amount = BigInt(Math.abs(value))
  const by = BigInt(stepMinor)
  let down: bigint
  let up: bigint
  if (type === 'multiple') {
    down = amount - (amount % by)
    up = down === amount ? amount : down + by
  } else {
    const modulus = 10n ** BigInt(String(stepMinor).length)
    down = amount - ((((amount - by) % modulus) + modulus) % modulus)
    up = down === amount ? amount : down + modulus
    if (down < 0n) down = up
  }
  const rounded =
    amount === 0n ? 0n : method === 'up' ? up : method === 'down' ? down : amount - down < up - amount ? down : up
  const result = Number(value < 0 ? -rounded : rounded)
  if (!Number.isSafeInteger(result)) throw tooLarge(fn, `${toDecimalString(value, spec.code)} rounded ${method}`, spec)
  return result
}

/**
 * Splits a total in minor units into parts proportional to `weights` that add up exactly to the
 * total (largest remainder: each part is its exact share rounded down, and the units left over go
 * one each to the largest remainders, earlier parts first on ties). A negative total is split as
 * its magnitude and negated. Weights are finite numbers ≥ 0, not all zero unless the total is 0.
 *
 * @example
 * allocate(100, [1, 1, 1]) // [34, 33, 33]
 * allocate(-1000, [0.5, 0.25, 0.25]) // [-500, -250, -250]
 * allocate(5, [3, 0, 1]) // [4, 0, 1]
 */
export function allocate(totalMinor: number, weights: readonly number[]): number[] {
  const fn = 'allocate()'
  const total = minorOf(fn, 'totalMinor', totalMinor)
  if (!Array.isArray(weights)) {
    throw new TypeError(`${fn}: weights must be an array of numbers ≥ 0, received ${show(weights)}.`)
  }
  const decimals = weights.map((weight: unknown, index) => {
    const parsed = typeof weight === 'number' && Number.isFinite(weight) ? parseDecimal(String(weight)) : undefined
    if (!parsed || parsed.c < 0n) {
      throw new (typeof weight === 'number' ? RangeError : TypeError)(
        `${fn}: weights[${index}] must be a finite number ≥ 0, received ${show(weight)}.`,
      )
    }
    return parsed
  })
  // Bring every weight to one exponent so the shares are exact integers.
  const exponent = decimals.reduce((min, weight) => (weight.c && weight.e < min ? weight.e : min), Infinity)
  const whole = decimals.map((weight) => (weight.c ? weight.c * 10n ** BigInt(weight.e - exponent) : 0n))
  const sum = whole.reduce((a, b) => a + b, 0n)
  if (sum === 0n) {
    if (total === 0) return weights.map(() => 0)
    throw new RangeError(`${fn}: weights must not all be 0 when totalMinor is ${total}, received [${weights.join(', ')}].`)
  }
  const magnitude = BigInt(Math.abs(total))
  const parts = whole.map((weight) => (magnitude * weight) / sum)
  const remainders = whole.map((weight) => (magnitude * weight) % sum)
  let left = Number(magnitude - parts.reduce((a, b) => a + b, 0n))
  const order = remainders
    .map((_, index) => index)
    .sort((a, b) => {
      const [ra = 0n, rb = 0n] = [remainders[a], remainders[b]]
      return ra === rb ? a - b : rb > ra ? 1 : -1
    })
  for (const index of order) {
    if (left-- <= 0) break
    parts[index] = (parts[index] ?? 0n) + 1n
  }
  return parts.map((part) => Number(total < 0 ? -part : part))
}

/**
 * Adds amounts in minor units exactly; throws a RangeError when the sum is not a safe integer
 * (where `a + b` would silently lose cents).
 *
 * @example
 * addMinor(1999, 1999, -500) // 3498
 */
export function addMinor(...values: number[]): number {
  const fn = 'addMinor()'
  const sum = values.reduce((total, value, index) => total + BigInt(minorOf(fn, `values[${index}]`, value)), 0n)
  const result = Number(sum)
  if (!Number.isSafeInteger(result)) {
    throw new RangeError(`${fn}: the sum ${sum} is beyond Number.MAX_SAFE_INTEGER minor units.`)
  }
  return result
}
