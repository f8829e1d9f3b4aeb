import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CURRENCIES } from './currency-data.js'
import {
  addMinor,
  allocate,
  convertMinor,
  currencyDecimals,
  currencySymbol,
  formatMoney,
  fromMinor,
  parseMoney,
  roundMinor,
  toDecimalString,
  toMinor,
  type CurrencyFormat,
  type Rounding,
} from './money.js'

/** mulberry32: a small seeded PRNG, so every run checks the same cases. */
function makeRandom(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T
  return { next, int, pick }
}

/** Writes exact minor units as a decimal string in one of several spellings toMinor must accept. */
function spell(minor: bigint, decimals: number, style: number): string {
  const sign = minor < 0n ? '-' : style === 1 ? '+' : ''
  const digits = String(minor < 0n ? -minor : minor).padStart(decimals + 1, '0')
  const int = digits.slice(0, digits.length - decimals)
  const fraction = digits.slice(digits.length - decimals)
  if (style === 2) return `${sign}${int}${fraction}e-${decimals}` // 1234e-2
  if (style === 3) return `${sign}${int}.${fraction}000` // trailing zeros
  if (style === 4 && int === '0' && fraction) return `${sign}.${fraction}` // .45
  return `${sign}${int}${fraction ? `.${fraction}` : ''}`
}

const codes = CURRENCIES.split(';').map((row) => row.slice(0, 3))
const reference = fileURLToPath(new URL('../../../shared/flow-api/reference/', import.meta.url))
const hasReference = existsSync(`${reference}currencies.json`)
if (!hasReference) console.warn(`money.test: ${reference} is absent, skipping the reference-data conformance checks`)

describe('currency data', () => {
  it("uses Flow's number_decimals, including where Intl disagrees", () => {
    const decimals = Object.fromEntries(
      ['USD', 'JPY', 'KWD', 'BHD', 'CLP', 'ISK', 'CVE', 'RUB', 'TWD', 'COP', 'PKR', 'MRO'].map((code) => [
        code,
        currencyDecimals(code),
      ]),
    )
    expect(decimals).toEqual({
      USD: 2,
      JPY: 0,
      KWD: 3,
      BHD: 3,
      CLP: 0,
      ISK: 0,
      CVE: 0,
      RUB: 0,
      TWD: 0,
      COP: 2,
      PKR: 2,
      MRO: 1,
    })
  })

  it('reads codes case-insensitively and names an unknown code', () => {
    expect(currencyDecimals('jpy')).toBe(0)
    expect(currencySymbol('eur')).toBe('€')
    expect(() => currencyDecimals('XXX')).toThrow(RangeError)
    expect(() => currencyDecimals('XXX')).toThrow(/currencyDecimals\(\).*"XXX"/)
    expect(() => currencyDecimals(42 as unknown as string)).toThrow(TypeError)
  })

  it('gives primary and narrow symbols, narrow falling back to primary', () => {
    expect(['USD', 'CAD', 'EUR', 'CHF', 'XAF', 'SEK'].map((code) => [currencySymbol(code), currencySymbol(code, 'narrow')])).toEqual([
      ['US$', '$'],
      ['CA$', '$'],
      ['€', '€'],
      ['CHF', 'CHF'],
      ['FCFA', 'FCFA'],
      ['SEK', 'kr'],
    ])
    expect(() => currencySymbol('USD', 'short' as 'narrow')).toThrow(RangeError)
  })

  it('holds every currency of the reference data', () => {
    expect(codes.length).toBeGreaterThanOrEqual(140)
    expect(new Set(codes).size).toBe(codes.length)
  })

  describe.skipIf(!hasReference)('matches Flow reference data in ../shared (skipped when it is absent)', () => {
    it('is what scripts/vendor-reference.mjs generates from it', () => {
      const script = fileURLToPath(new URL('../../scripts/vendor-reference.mjs', import.meta.url))
      expect(() => execFileSync(process.execPath, [script, '--check', reference], { stdio: 'pipe' })).not.toThrow()
    })

    it('decodes to the same decimals and symbols as the JSON', () => {
      type Row = { iso_4217_3: string; number_decimals: number; symbols: { primary: string; narrow?: string } }
      const rows = JSON.parse(readFileSync(`${reference}currencies.json`, 'utf8')) as Row[]
      const decoded = rows.map((row) => [
        row.iso_4217_3,
        currencyDecimals(row.iso_4217_3),
        currencySymbol(row.iso_4217_3),
        currencySymbol(row.iso_4217_3, 'narrow'),
      ])
      const expected = rows.map((row) => [
        row.iso_4217_3,
        row.number_decimals,
        row.symbols.primary,
        row.symbols.narrow ?? row.symbols.primary,
      ])
      expect(decoded).toEqual(expected)
    })

    it('ships the licence of the data in NOTICE.md', () => {
      const notice = readFileSync(new URL('../../NOTICE.md', import.meta.url), 'utf8')
      expect(notice).toContain(readFileSync(`${reference}LICENSE`, 'utf8').trim())
    })
  })
})

describe('toMinor', () => {
  it('avoids the float traps', () => {
    expect({
      '1.005 USD': toMinor(1.005, 'USD'),
      '-1.005 USD': toMinor(-1.005, 'USD'),
      '1.045 USD': toMinor(1.045, 'USD'), // 1.04499999999999992894… as a double
      '0.1 + 0.2 as strings': toMinor('0.1', 'USD') + toMinor('0.2', 'USD'),
      '0.1 + 0.2 as a double': toMinor(0.1 + 0.2, 'USD'),
      '1234.5 JPY': toMinor(1234.5, 'JPY'),
      '1234.4 JPY': toMinor(1234.4, 'JPY'),
      '1.2345 KWD': toMinor(1.2345, 'KWD'), // 1.23449999… as a double
      '1.0005 BHD': toMinor('1.0005', 'BHD'),
      '0.0015 BHD': toMinor(0.0015, 'BHD'),
      '1999.5 CLP': toMinor(1999.5, 'CLP'),
      '1e3 ISK': toMinor(1e3, 'ISK'),
      '12.55 MRO': toMinor('12.55', 'MRO'),
      '-0.004 USD': toMinor(-0.004, 'USD'),
    }).toEqual({
      '1.005 USD': 101,
      '-1.005 USD': -101,
      '1.045 USD': 105,
      '0.1 + 0.2 as strings': 30,
      '0.1 + 0.2 as a double': 30,
      '1234.5 JPY': 1235,
      '1234.4 JPY': 1234,
      '1.2345 KWD': 1235,
      '1.0005 BHD': 1001,
      '0.0015 BHD': 2,
      '1999.5 CLP': 2000,
      '1e3 ISK': 1000,
      '12.55 MRO': 126,
      '-0.004 USD': 0,
    })
    expect(Object.is(toMinor(-0.004, 'USD'), 0)).toBe(true)
  })

  it('reads decimal strings with a sign and an exponent', () => {
    expect(['1.2e3', '+7', '-5E-3', '.5', '5.', '0012.300', '1e-999999999'].map((text) => toMinor(text, 'USD'))).toEqual([
      120000, 700, -1, 50, 500, 1230, 0,
    ])
  })

  it('rejects 1e21 and every amount that is not a safe integer of minor units, naming it', () => {
    expect(() => toMinor(1e21, 'USD')).toThrow(RangeError)
    expect(() => toMinor(1e21, 'USD')).toThrow(/toMinor\(\): amount 1e\+21 is beyond 90071992547409\.91 USD/)
    expect(() => toMinor('1e999999999', 'USD')).toThrow(RangeError)
    expect(() => toMinor('90071992547409.92', 'USD')).toThrow(RangeError)
    expect(toMinor('90071992547409.91', 'USD')).toBe(Number.MAX_SAFE_INTEGER)
    expect(toMinor(-9007199254740991, 'JPY')).toBe(-Number.MAX_SAFE_INTEGER)
    expect(() => toMinor('9007199254740992', 'JPY')).toThrow(RangeError)
  })

  it('rejects NaN, Infinity and garbage with what it expected and what it received', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(() => toMinor(bad, 'USD')).toThrow(RangeError)
    }
    for (const bad of ['abc', '', ' 1', '1,000', '1e', '.', '-', '0x10', null, undefined, {}]) {
      expect(() => toMinor(bad as string, 'USD')).toThrow(TypeError)
    }
    expect(() => toMinor(NaN, 'USD')).toThrow(/finite number or a decimal string.*received NaN/)
    expect(() => toMinor('abc', 'USD')).toThrow(/received "abc"/)
    expect(() => toMinor(1, 'XXX')).toThrow(RangeError)
  })

  it('adds up exactly over 10,000 random sums of decimal strings', () => {
    const random = makeRandom(20250331)
    const currencies = ['USD', 'JPY', 'KWD', 'BHD', 'MRO', 'EUR', 'CLP', 'ISK']
    for (let round = 0; round < 10_000; round++) {
      const currency = random.pick(currencies)
      const decimals = currencyDecimals(currency)
      const terms = Array.from({ length: random.int(2, 6) }, () => {
        const magnitude = BigInt(random.int(0, 10 ** random.int(0, 9)))
        return random.next() < 0.3 ? -magnitude : magnitude
      })
      const exact = terms.reduce((a, b) => a + b, 0n)
      const texts = terms.map((term) => spell(term, decimals, random.int(0, 4)))
      const sum = texts.reduce((total, text) => total + toMinor(text, currency), 0)
      expect(sum, texts.join(' + ')).toBe(Number(exact))
      expect(toMinor(spell(exact, decimals, random.int(0, 4)), currency)).toBe(sum)
      // Read as doubles (≤ 15 significant digits), the same amounts still give their exact minor units.
      const doubles = texts.map((text) => toMinor(Number(text), currency))
      expect(doubles, texts.join(', ')).toEqual(terms.map(Number))
      expect(addMinor(...doubles)).toBe(sum)
    }
  })
})

describe('fromMinor and toDecimalString', () => {
  it('write the exact decimal with the currency decimals', () => {
    expect([
      toDecimalString(101, 'USD'),
      toDecimalString(-50, 'USD'),
      toDecimalString(1000, 'JPY'),
      toDecimalString(-1, 'KWD'),
      toDecimalString(5, 'MRO'),
      toDecimalString(0, 'BHD'),
      toDecimalString(Number.MAX_SAFE_INTEGER, 'USD'),
    ]).toEqual(['1.01', '-0.50', '1000', '-0.001', '0.5', '0.000', '90071992547409.91'])
    expect([fromMinor(101, 'USD'), fromMinor(-50, 'USD'), fromMinor(1000, 'JPY'), fromMinor(-1001, 'BHD')]).toEqual([
      1.01, -0.5, 1000, -1.001,
    ])
  })

  it('reject minor units that are not safe integers', () => {
    expect(() => toDecimalString(1.5, 'USD')).toThrow(RangeError)
    expect(() => fromMinor(2 ** 53, 'USD')).toThrow(RangeError)
    expect(() => fromMinor('100' as unknown as number, 'USD')).toThrow(TypeError)
    expect(() => toDecimalString(1.5, 'USD')).toThrow(/minor must be .*safe integer.*received 1\.5/)
  })
})

describe('formatMoney', () => {
  const label = (minor: number, currency: string, format?: CurrencyFormat, locale?: string) =>
    formatMoney(minor, currency, { locale, format })

  it('places the symbol as a prefix by default and as a suffix on request', () => {
    expect([
      label(123456, 'USD'),
      label(123456, 'USD', { symbol: 'narrow' }),
      label(123456, 'USD', { label_formatters: ['symbol_suffix'] }),
      label(123456, 'USD', { label_formatters: ['symbol_prefix'] }),
      label(123456, 'USD', { label_formatters: ['symbol_suffix', 'symbol_prefix'] }),
      label(123456, 'USD', { label_formatters: ['symbol_prefix', 'symbol_suffix'] }),
      label(123456, 'EUR', { label_formatters: ['symbol_suffix'] }, 'de-DE'),
    ]).toEqual([
      'US$1,234.56',
      '$1,234.56',
      '1,234.56 US$',
      'US$1,234.56',
      'US$1,234.56',
      '1,234.56 US$',
      '1.234,56 €',
    ])
  })

  it('strips trailing zeros only when the whole fraction is zero', () => {
    const strip: CurrencyFormat = { label_formatters: ['strip_trailing_zeros'] }
    expect([
      label(100000, 'USD', strip),
      label(100050, 'USD', strip),
      label(100005, 'USD', strip),
      label(100000, 'USD'),
      label(1234000, 'KWD', strip, 'de-DE'),
      label(1234, 'JPY', strip),
      label(-500, 'EUR', { label_formatters: ['strip_trailing_zeros', 'symbol_suffix'] }, 'de-DE'),
    ]).toEqual(['US$1,000', 'US$1,000.50', 'US$1,000.05', 'US$1,000.00', 'KWD 1.234', '¥1,234', '-5 €'])
  })

  it('puts a space after a letters-only prefix, none after a sign-like one, one before any suffix', () => {
    expect([
      label(123456, 'KWD'),
      label(123456, 'CAD'),
      label(123456, 'SEK', { symbol: 'narrow' }),
      label(123456, 'PLN', { symbol: 'narrow' }, 'en-US'),
      label(123456, 'EGP', { symbol: 'narrow' }, 'en-US'),
      label(123456, 'JPY'),
      label(123456, 'KWD', { label_formatters: ['symbol_suffix'] }),
      label(123456, 'CAD', { label_formatters: ['symbol_suffix'] }),
    ]).toEqual([
      'KWD 123.456',
      'CA$1,234.56',
      'kr 1 234,56',
      'zł 1,234.56',
      'E£1,234.56',
      '¥123,456',
      '123.456 KWD',
      '1,234.56 CA$',
    ])
  })

  it('writes the sign before the symbol', () => {
    expect([
      label(-500, 'USD'),
      label(-500, 'KWD'),
      label(-500, 'EUR', { label_formatters: ['symbol_suffix'] }, 'de-DE'),
      label(-1, 'USD'),
    ]).toEqual(['-US$5.00', '-KWD 0.500', '-5,00 €', '-US$0.01'])
  })

  it("uses the locale's separators, falling back to the language, the currency's locale, then . and ,", () => {
    expect([
      label(123456789, 'CHF', {}, 'de-CH'),
      label(123456789, 'CHF', {}, 'de_ch'),
      label(123456789, 'CHF', {}, 'rm-CH'),
      label(123456789, 'USD', {}, 'de-DE'), // no 'de-DE' in Flow's data: 'de'
      label(123456789, 'USD', {}, 'fr-FR'), // no 'fr-FR': 'fr'
      label(123456789, 'EUR', {}, 'xx-YY'), // unknown: EUR's default locale 'de'
      label(123456789, 'SEK'), // sv-SE
      label(123456789, 'BMD'), // no default locale: . and ,
      label(123456789, 'USD', {}, 'en-US'),
    ]).toEqual([
      "CHF 1'234'567.89",
      "CHF 1'234'567.89",
      'CHF 1’234’567.89',
      'US$1.234.567,89',
      'US$1 234 567,89',
      '€1.234.567,89',
      'SEK 1 234 567,89',
      'BMD 1,234,567.89',
      'US$1,234,567.89',
    ])
  })

  it('rejects minor units that are not safe integers and bad locales', () => {
    expect(() => formatMoney(1.5, 'USD')).toThrow(RangeError)
    expect(() => formatMoney('1' as unknown as number, 'USD')).toThrow(TypeError)
    expect(() => formatMoney(1, 'USD', { locale: 7 as unknown as string })).toThrow(TypeError)
  })
})

describe('parseMoney', () => {
  const formats: CurrencyFormat[] = [
    {},
    { symbol: 'narrow' },
    { label_formatters: ['symbol_suffix'] },
    { symbol: 'narrow', label_formatters: ['symbol_suffix', 'strip_trailing_zeros'] },
    { label_formatters: ['strip_trailing_zeros'] },
  ]

  it('reads back what formatMoney writes, for every currency in its own locale, en-US and de-DE', () => {
    const random = makeRandom(7)
    let checked = 0
    for (const code of codes) {
      const unit = 10 ** currencyDecimals(code)
      const amounts = [
        0,
        1,
        -1,
        unit,
        -unit * 1000, // all-zero fraction: stripped
        123456,
        -987654321,
        Number.MAX_SAFE_INTEGER,
        -Number.MAX_SAFE_INTEGER,
        random.int(-1e12, 1e12),
      ]
      for (const locale of [undefined, 'en-US', 'de-DE']) {
        for (const format of formats) {
          const symbol = currencySymbol(code, format.symbol ?? 'primary')
          for (const minor of amounts) {
            const text = formatMoney(minor, code, { locale, format })
            expect(text.includes(symbol) && text.startsWith('-') === minor < 0, text).toBe(true)
            expect(parseMoney(text, code, { locale }), `${code} ${locale} ${text}`).toBe(minor)
            checked++
          }
        }
      }
    }
    expect(checked).toBe(codes.length * 3 * formats.length * 10)
  })

  it('accepts the ISO code, no symbol, no group separators and no-break spaces', () => {
    expect([
      parseMoney('USD 1,234.56', 'USD'),
      parseMoney('1234.56', 'USD'),
      parseMoney('  $12  ', 'USD'),
      parseMoney('US$-5.00', 'USD'),
      parseMoney('1\u00a0234,56 €', 'EUR', { locale: 'fr' }),
      parseMoney('1\u202f234,5 €', 'EUR', { locale: 'fr' }),
      parseMoney('−1 234,56 kr', 'SEK'),
    ]).toEqual([123456, 123456, 1200, -500, 123456, 123450, -123456])
  })

  it('throws a RangeError naming the text when it cannot read it, instead of guessing', () => {
    for (const text of ['€1.00', '12.345', '1,23,456', 'US$', '', 'abc', '1.234,56', '¥12.5', '--1']) {
      const currency = text.startsWith('¥') ? 'JPY' : 'USD'
      expect(() => parseMoney(text, currency), text).toThrow(RangeError)
      expect(() => parseMoney(text, currency), text).toThrow(JSON.stringify(text))
    }
    expect(() => parseMoney('US$99,999,999,999,999.99', 'USD')).toThrow(/beyond/)
    expect(() => parseMoney(12 as unknown as string, 'USD')).toThrow(TypeError)
  })
})

describe('convertMinor', () => {
  it('multiplies exactly and rounds half away from zero once, across decimals', () => {
    expect([
      convertMinor(1000, 'USD', 'EUR', '0.9215'), // 9.215 → 9.22
      convertMinor(-1000, 'USD', 'EUR', '0.9215'),
      convertMinor(1999, 'USD', 'JPY', 151.37), // 3025.8863
      convertMinor(1005, 'USD', 'USD', 1.1), // 11.055 exactly, a double would say 11.0549999…
      convertMinor(100000, 'JPY', 'USD', '0.0066'), // 660.00
      convertMinor(1000, 'KWD', 'USD', 3.2555), // 1.000 KWD → 3.2555 USD → 3.26
      convertMinor(3, 'USD', 'KWD', '0.3'), // 0.009 KWD
      convertMinor(12345, 'USD', 'CLP', '950.5'),
    ]).toEqual([922, -922, 3026, 1106, 66000, 326, 9, 117339])
  })

  it('rejects bad rates and results beyond the safe range', () => {
    expect(() => convertMinor(100, 'USD', 'EUR', 0)).toThrow(RangeError)
    expect(() => convertMinor(100, 'USD', 'EUR', -1)).toThrow(RangeError)
    expect(() => convertMinor(100, 'USD', 'EUR', NaN)).toThrow(RangeError)
    expect(() => convertMinor(100, 'USD', 'EUR', 'x')).toThrow(TypeError)
    expect(() => convertMinor(100, 'USD', 'XXX', 1)).toThrow(/"XXX"/)
    expect(() => convertMinor(Number.MAX_SAFE_INTEGER, 'JPY', 'USD', 1)).toThrow(RangeError)
  })
})

describe('roundMinor', () => {
  const round = (minor: number, currency: string, type: Rounding['type'], value: number) =>
    (['up', 'down', 'nearest'] as const).map((method) => roundMinor(minor, currency, { type, method, value }))

  it('pattern: the remainder modulo the next power of ten above the value equals the value', () => {
    expect({
      '12.34 USD, .99': round(1234, 'USD', 'pattern', 0.99),
      '12.80 USD, .99': round(1280, 'USD', 'pattern', 0.99),
      '12.99 USD, .99': round(1299, 'USD', 'pattern', 0.99),
      '12.00 USD, .50 (tie)': round(1200, 'USD', 'pattern', 0.5),
      '12.34 USD, 9 → x9.00': round(1234, 'USD', 'pattern', 9),
      '1232 JPY, 9': round(1232, 'JPY', 'pattern', 9),
      '1234 JPY, 9 (tie)': round(1234, 'JPY', 'pattern', 9),
      '1234 JPY, 99': round(1234, 'JPY', 'pattern', 99),
      '0.50 USD, .99 (never below 0)': round(50, 'USD', 'pattern', 0.99),
      '-12.34 USD, .99 (symmetric)': round(-1234, 'USD', 'pattern', 0.99),
      '0 USD, .99': round(0, 'USD', 'pattern', 0.99),
    }).toEqual({
      '12.34 USD, .99': [1299, 1199, 1199],
      '12.80 USD, .99': [1299, 1199, 1299],
      '12.99 USD, .99': [1299, 1299, 1299],
      '12.00 USD, .50 (tie)': [1250, 1150, 1250],
      '12.34 USD, 9 → x9.00': [1900, 900, 900],
      '1232 JPY, 9': [1239, 1229, 1229],
      '1234 JPY, 9 (tie)': [1239, 1229, 1239],
      '1234 JPY, 99': [1299, 1199, 1199],
      '0.50 USD, .99 (never below 0)': [99, 99, 99],
      '-12.34 USD, .99 (symmetric)': [-1299, -1199, -1199],
      '0 USD, .99': [0, 0, 0],
    })
  })

  it('multiple: a multiple of the value in major units', () => {
    expect({
      '12.34 USD, 5': round(1234, 'USD', 'multiple', 5),
      '12.50 USD, 5 (tie)': round(1250, 'USD', 'multiple', 5),
      '12.32 USD, 0.05': round(1232, 'USD', 'multiple', 0.05),
      '12.33 USD, 0.05': round(1233, 'USD', 'multiple', 0.05),
      '1250 JPY, 100 (tie)': round(1250, 'JPY', 'multiple', 100),
      '1.234 KWD, 0.005': round(1234, 'KWD', 'multiple', 0.005),
      '3.00 USD, 5': round(300, 'USD', 'multiple', 5),
      '-12.34 USD, 5': round(-1234, 'USD', 'multiple', 5),
      '15.00 USD, 5': round(1500, 'USD', 'multiple', 5),
    }).toEqual({
      '12.34 USD, 5': [1500, 1000, 1000],
      '12.50 USD, 5 (tie)': [1500, 1000, 1500],
      '12.32 USD, 0.05': [1235, 1230, 1230],
      '12.33 USD, 0.05': [1235, 1230, 1235],
      '1250 JPY, 100 (tie)': [1300, 1200, 1300],
      '1.234 KWD, 0.005': [1235, 1230, 1235],
      '3.00 USD, 5': [500, 0, 500],
      '-12.34 USD, 5': [-1500, -1000, -1000],
      '15.00 USD, 5': [1500, 1500, 1500],
    })
  })

  it('rejects values finer than the currency, values ≤ 0, unknown types and methods, and overflow', () => {
    const bad: [number, string, Rounding][] = [
      [1234, 'JPY', { type: 'pattern', method: 'up', value: 0.99 }],
      [1234, 'USD', { type: 'multiple', method: 'up', value: 0.001 }],
      [1234, 'USD', { type: 'multiple', method: 'up', value: 0 }],
      [1234, 'USD', { type: 'pattern', method: 'up', value: -0.99 }],
      [1234, 'USD', { type: 'fixed' as 'pattern', method: 'up', value: 0.99 }],
      [1234, 'USD', { type: 'pattern', method: 'ceil' as 'up', value: 0.99 }],
      [Number.MAX_SAFE_INTEGER, 'USD', { type: 'multiple', method: 'up', value: 5 }],
    ]
    for (const [minor, currency, rounding] of bad) {
      expect(() => roundMinor(minor, currency, rounding), JSON.stringify(rounding)).toThrow(RangeError)
    }
    expect(() => roundMinor(1234, 'JPY', { type: 'pattern', method: 'up', value: 0.99 })).toThrow(/rounding\.value.*0\.99/)
    expect(() => roundMinor(1234, 'USD', null as unknown as Rounding)).toThrow(TypeError)
  })
})

describe('allocate', () => {
  it('gives the leftover units to the largest remainders, earlier parts first on ties', () => {
    expect([
      allocate(100, [1, 1, 1]),
      allocate(-100, [1, 1, 1]),
      allocate(10, [1, 2]),
      allocate(5, [3, 0, 1]),
      allocate(1, [0.1, 0.2, 0.7]),
      allocate(-1000, [0.5, 0.25, 0.25]),
      allocate(0, [0, 0]),
      allocate(0, []),
      allocate(7, [1e-300, 1e300]),
    ]).toEqual([[34, 33, 33], [-34, -33, -33], [3, 7], [4, 0, 1], [0, 0, 1], [-500, -250, -250], [0, 0], [], [0, 7]])
  })

  it('sums exactly to the total over 10,000 random allocations, each part within one unit of its share', () => {
    const random = makeRandom(42)
    for (let round = 0; round < 10_000; round++) {
      const total = random.int(-(10 ** random.int(0, 12)), 10 ** random.int(0, 12))
      const integers = random.next() < 0.5
      const weights = Array.from({ length: random.int(1, 12) }, () =>
        random.next() < 0.15 ? 0 : integers ? random.int(1, 1000) : random.next() * 100,
      )
      if (weights.every((weight) => weight === 0)) weights[0] = 1
      const parts = allocate(total, weights)
      expect(parts.length).toBe(weights.length)
      expect(parts.every(Number.isSafeInteger)).toBe(true)
      expect(parts.reduce((a, b) => a + b, 0), `${total} ${weights.join()}`).toBe(total)
      weights.forEach((weight, index) => {
        const part = parts[index] ?? NaN
        if (weight === 0) expect(part).toBe(0)
        if (integers) {
          const sum = BigInt(weights.reduce((a, b) => a + b, 0))
          const share = (BigInt(Math.abs(total)) * BigInt(weight)) / sum
          expect(BigInt(Math.abs(part)) - share, `${total} ${weights.join()}`).toBeGreaterThanOrEqual(0n)
          expect(BigInt(Math.abs(part)) - share).toBeLessThanOrEqual(1n)
          expect(part === 0 || part < 0 === total < 0).toBe(true)
        }
      })
    }
  })

  it('rejects bad totals and weights, naming them', () => {
    expect(() => allocate(1.5, [1])).toThrow(RangeError)
    expect(() => allocate(5, [1, -1])).toThrow(/weights\[1\].*received -1/)
    expect(() => allocate(5, [1, NaN])).toThrow(RangeError)
    expect(() => allocate(5, [1, Infinity])).toThrow(RangeError)
    expect(() => allocate(5, [0, 0])).toThrow(RangeError)
    expect(() => allocate(5, [])).toThrow(RangeError)
    expect(() => allocate(5, ['1' as unknown as number])).toThrow(TypeError)
    expect(() => allocate(5, 3 as unknown as number[])).toThrow(TypeError)
  })
})

describe('addMinor', () => {
  it('adds exactly and refuses to lose cents past the safe range', () => {
    expect(addMinor(1999, 1999, -500)).toBe(3498)
    expect(addMinor()).toBe(0)
    expect(addMinor(Number.MAX_SAFE_INTEGER, 1, -1)).toBe(Number.MAX_SAFE_INTEGER)
    expect(() => addMinor(Number.MAX_SAFE_INTEGER, 1)).toThrow(RangeError)
    expect(() => addMinor(1, 0.5)).toThrow(/values\[1\]/)
  })
})
