import { describe, expect, it } from 'vitest'
import { deepFreeze, makeDocument } from '../../test/price-fixtures.js'
import { localizeGenericPrices } from './json.js'
import { isExpired, parsePriceDocument } from './validate.js'

/** The document as JSON would bring it, changed by `change`. */
function raw(change: (doc: any) => unknown = () => {}): unknown {
  const doc = JSON.parse(JSON.stringify(makeDocument()))
  change(doc)
  return doc
}

/** The error parsePriceDocument throws for `value`, as 'Name: message'. */
function failure(value: unknown): string {
  try {
    parsePriceDocument(value)
  } catch (error) {
    return String(error)
  }
  return 'no error'
}

describe('parsePriceDocument', () => {
  it('returns a new document equal to a valid input, leaving the input as it was', () => {
    const input = deepFreeze(raw())
    const doc = parsePriceDocument(input)
    expect(doc).toEqual(makeDocument())
    expect(doc).not.toBe(input)
  })

  it('keeps only the fields of the schema', () => {
    const doc = parsePriceDocument(
      raw((doc) => {
        doc.extra = 1
        doc.experience.extra = 2
        doc.items['MH01'].regular_price.extra = 3
        doc.rates[0].id = 'rate-1'
      }),
    )
    expect(doc).toEqual(makeDocument())
  })

  it('refuses what is not an object', () => {
    expect([failure(null), failure([]), failure('{}')]).toEqual([
      'TypeError: parsePriceDocument(): document: expected an object, received null',
      'TypeError: parsePriceDocument(): document: expected an object, received an array',
      'TypeError: parsePriceDocument(): document: expected an object, received "{}"',
    ])
  })

  it.each([
    ['another version', (doc: any) => (doc.version = 2), 'version: expected 1, received 2'],
    ['an empty organization', (doc: any) => (doc.organization = ''), 'organization: expected a non-empty string, received ""'],
    ['a lower-case currency', (doc: any) => (doc.experience.currency = 'eur'), 'experience.currency: expected an ISO 4217 code, received "eur"'],
    ['an unknown currency', (doc: any) => (doc.experience.currency = 'XXX'), 'experience.currency: expected a currency Flow supports, received "XXX"'],
    ['an alpha-2 country', (doc: any) => (doc.experience.country = 'DE'), 'experience.country: expected an ISO 3166 alpha-3 code, received "DE"'],
    ['a numeric locale', (doc: any) => (doc.experience.locale = 7), 'experience.locale: expected a string, received 7'],
    [
      'a time that is not ISO 8601',
      (doc: any) => (doc.generated_at = 'yesterday'),
      'generated_at: expected an ISO 8601 time such as "2026-12-03T10:00:00Z", received "yesterday"',
    ],
    ['an impossible date', (doc: any) => (doc.expires_at = '2026-13-45T10:00:00Z'), 'expires_at: expected a valid ISO 8601 time, received "2026-13-45T10:00:00Z"'],
    [
      'an expiry before generation',
      (doc: any) => (doc.expires_at = '2026-12-03T09:00:00Z'),
      'expires_at: expected a time after generated_at, received "2026-12-03T09:00:00Z"',
    ],
    ['rates that are not an array', (doc: any) => (doc.rates = {}), 'rates: expected an array, received an object'],
    [
      'a rate to another currency',
      (doc: any) => (doc.rates[0].target = 'USD'),
      'rates[0].target: expected "EUR" (the experience currency), received "USD"',
    ],
    ['a rate of 0', (doc: any) => (doc.rates[0].value = 0), 'rates[0].value: expected a number greater than 0, received 0'],
    [
      'an amount as a string',
      (doc: any) => (doc.items['MH01'].regular_price.amount = '12'),
      'items.MH01.regular_price.amount: expected a finite number, received "12"',
    ],
    [
      'an item without localized_item_price',
      (doc: any) => delete doc.items['MH01-XS-Black'].localized_item_price,
      'items["MH01-XS-Black"].localized_item_price: expected an object, received undefined',
    ],
    [
      'a price in another currency than the experience',
      (doc: any) => (doc.items['MH01'].final_price.currency = 'USD'),
      'items.MH01.final_price.currency: expected "EUR" (the experience currency), received "USD"',
    ],
    [
      'a base price with a bad currency',
      (doc: any) => (doc.items['MH01'].final_price.base.currency = 'us'),
      'items.MH01.final_price.base.currency: expected an ISO 4217 code, received "us"',
    ],
    ['a label that is not a string', (doc: any) => (doc.items['MH01'].regular_price.label = 12), 'items.MH01.regular_price.label: expected a string, received 12'],
    [
      'an unknown levy',
      (doc: any) => (doc.items['MH01'].includes.key = 'gst'),
      'items.MH01.includes.key: expected "vat" | "duty" | "vat_and_duty" | "none", received "gst"',
    ],
    ['an unknown symbol format', (doc: any) => (doc.format.symbol = 'wide'), 'format.symbol: expected "primary" | "narrow", received "wide"'],
  ])('names the path of %s', (_, change, message) => {
    expect(failure(raw(change))).toBe(`TypeError: parsePriceDocument(): ${message}`)
  })

  it('names the path of the example in the issue', () => {
    const input = raw((doc) => (doc.items['SKU-1'] = { ...doc.items['MH01'], regular_price: { amount: '12', currency: 'EUR', label: '12,00 €' } }))
    expect(failure(input)).toBe(
      'TypeError: parsePriceDocument(): items["SKU-1"].regular_price.amount: expected a finite number, received "12"',
    )
  })

  it('reads an item named __proto__ as an item, without touching any prototype', () => {
    const item = JSON.stringify(makeDocument().items['MH01'])
    const input = JSON.parse(JSON.stringify(makeDocument()).replace('"items":{', `"items":{"__proto__":${item},`))
    const doc = parsePriceDocument(input)
    expect([
      Object.getPrototypeOf(doc.items),
      Object.keys(doc.items),
      Object.getOwnPropertyDescriptor(doc.items, '__proto__')?.value,
      ({} as Record<string, unknown>).localized_item_price,
      localizeGenericPrices({ items: { toString: { localized_item_price: { amount: 1, currency: 'USD', label: 'US$1.00' } } } }, doc).unlocalized,
    ]).toEqual([
      null,
      ['__proto__', 'MH01', 'MH01-XS-Black', 'MH01-S-Black'],
      makeDocument().items['MH01'],
      undefined,
      ['items.toString: no price for SKU "toString" in experience germany'],
    ])
  })

  it('still names the path inside an item named __proto__', () => {
    const input = JSON.parse(
      JSON.stringify(makeDocument()).replace('"items":{', '"items":{"__proto__":{"localized_item_price":{"amount":null}},'),
    )
    expect(failure(input)).toBe(
      'TypeError: parsePriceDocument(): items.__proto__.localized_item_price.amount: expected a finite number, received null',
    )
  })
})

describe('isExpired', () => {
  it('is false before expires_at and true from it on, or when the time cannot be read', () => {
    const doc = makeDocument()
    const at = Date.parse(doc.expires_at)
    expect([isExpired(doc, at - 1), isExpired(doc, at), isExpired(doc, at + 1), isExpired({ ...doc, expires_at: 'soon' }, 0)]).toEqual([
      false,
      true,
      true,
      true,
    ])
  })
})
