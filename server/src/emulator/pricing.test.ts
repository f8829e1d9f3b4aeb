import { describe, expect, test } from 'vitest'
import { estimateOrder, localizePrice, rateBetween, type LevySetting, type PricingRules } from './pricing.js'

// 28.00 USD in EUR at 0.92: goods 25.76; duty 4 % = 1.03; VAT 19 % of goods + duty = 5.09
// (of goods alone, when duty is ignored: 4.89).
const germany = (vat: LevySetting, duty: LevySetting, rounding?: PricingRules['rounding']): PricingRules => ({
  currency: 'EUR',
  fxRate: '0.92',
  vat,
  vatRate: '0.19',
  duty,
  dutyRate: '0.04',
  rounding,
})

describe('localizePrice: each VAT × duty setting', () => {
  test.each([
    ['included', 'included', { amount: 3188, goods: 2576, duty: 103, vat: 509, rounding: 0, includes: 'vat_and_duty' }],
    ['included', 'displayed', { amount: 3085, goods: 2576, duty: 103, vat: 509, rounding: 0, includes: 'vat' }],
    ['included', 'ignored', { amount: 3065, goods: 2576, duty: 0, vat: 489, rounding: 0, includes: 'vat' }],
    ['displayed', 'included', { amount: 2679, goods: 2576, duty: 103, vat: 509, rounding: 0, includes: 'duty' }],
    ['displayed', 'displayed', { amount: 2576, goods: 2576, duty: 103, vat: 509, rounding: 0, includes: 'none' }],
    ['displayed', 'ignored', { amount: 2576, goods: 2576, duty: 0, vat: 489, rounding: 0, includes: 'none' }],
    ['ignored', 'included', { amount: 2679, goods: 2576, duty: 103, vat: 0, rounding: 0, includes: 'duty' }],
    ['ignored', 'displayed', { amount: 2576, goods: 2576, duty: 103, vat: 0, rounding: 0, includes: 'none' }],
    ['ignored', 'ignored', { amount: 2576, goods: 2576, duty: 0, vat: 0, rounding: 0, includes: 'none' }],
  ] as const)('VAT %s, duty %s', (vat, duty, expected) => {
    expect(localizePrice(2800, 'USD', germany(vat, duty))).toEqual(expected)
  })
})

describe('localizePrice: each rounding type × method (30.85 € before rounding)', () => {
  test.each([
    ['pattern', 'up', 0.95, 3095],
    ['pattern', 'down', 0.95, 2995],
    ['pattern', 'nearest', 0.49, 3049],
    ['multiple', 'up', 0.5, 3100],
    ['multiple', 'down', 0.5, 3050],
    ['multiple', 'nearest', 0.25, 3075],
  ] as const)('%s %s %s → %i', (type, method, value, amount) => {
    const price = localizePrice(2800, 'USD', germany('included', 'displayed', { type, method, value }))
    expect(price).toEqual({ amount, goods: 2576, duty: 103, vat: 509, rounding: amount - 3085, includes: 'vat' })
  })
})

describe('localizePrice: every VAT × duty setting under every rounding type × method', () => {
  const settings: LevySetting[] = ['included', 'displayed', 'ignored']
  const roundings: PricingRules['rounding'][] = (['pattern', 'multiple'] as const).flatMap((type) =>
    (['up', 'down', 'nearest'] as const).map((method) => ({ type, method, value: type === 'pattern' ? 0.95 : 0.5 })),
  )
  for (const vat of settings) {
    for (const duty of settings) {
      for (const rounding of roundings) {
        test(`VAT ${vat}, duty ${duty}, ${rounding?.type} ${rounding?.method}`, () => {
          const plain = localizePrice(2800, 'USD', germany(vat, duty))
          const price = localizePrice(2800, 'USD', germany(vat, duty, rounding))
          // Rounding changes only the amount, by the rounding component, in the method's direction.
          expect({ ...price, amount: plain.amount, rounding: 0 }).toEqual(plain)
          expect(price.amount).toBe(plain.amount + price.rounding)
          if (rounding?.method === 'up') expect(price.rounding).toBeGreaterThanOrEqual(0)
          if (rounding?.method === 'down') expect(price.rounding).toBeLessThanOrEqual(0)
          const step = rounding?.type === 'pattern' ? 100 : 50
          expect(Math.abs(price.rounding)).toBeLessThan(step)
          if (rounding?.type === 'pattern') expect(price.amount % 100).toBe(95)
          else expect(price.amount % 50).toBe(0)
        })
      }
    }
  }
})

describe('localizePrice: currencies with 0 and 3 decimals', () => {
  test('JPY: 28 USD × 151.5 = ¥4242, 10 % VAT shown on top, rounded up to a multiple of ¥10', () => {
    const rules: PricingRules = { currency: 'JPY', fxRate: '151.5', vat: 'displayed', vatRate: '0.1', duty: 'ignored', dutyRate: '0', rounding: { type: 'multiple', method: 'up', value: 10 } }
    expect(localizePrice(2800, 'USD', rules)).toEqual({ amount: 4250, goods: 4242, duty: 0, vat: 424, rounding: 8, includes: 'none' })
  })

  test('JPY: VAT included (¥4666), pattern nearest ¥80 → ¥4680', () => {
    const rules: PricingRules = { currency: 'JPY', fxRate: '151.5', vat: 'included', vatRate: '0.1', duty: 'ignored', dutyRate: '0', rounding: { type: 'pattern', method: 'nearest', value: 80 } }
    expect(localizePrice(2800, 'USD', rules)).toEqual({ amount: 4680, goods: 4242, duty: 0, vat: 424, rounding: 14, includes: 'vat' })
  })

  test.each([
    ['nearest', 9050],
    ['down', 9000],
  ] as const)('KWD: 28 USD × 0.307 = 8.596, 5 %% duty included = 9.026, multiple of 0.050 %s → %i fils', (method, amount) => {
    const rules: PricingRules = { currency: 'KWD', fxRate: '0.307', vat: 'ignored', vatRate: '0', duty: 'included', dutyRate: '0.05', rounding: { type: 'multiple', method, value: 0.05 } }
    expect(localizePrice(2800, 'USD', rules)).toEqual({ amount, goods: 8596, duty: 430, vat: 0, rounding: amount - 9026, includes: 'duty' })
  })
})

describe('estimateOrder', () => {
  const rules = germany('included', 'displayed', { type: 'pattern', method: 'nearest', value: 0.95 })
  const tee = localizePrice(2800, 'USD', rules) // 30.95 €
  const mug = localizePrice(1800, 'USD', rules) // 19.95 €

  test('lines, discounts, levies shown on top, free shipping and the total', () => {
    const estimate = estimateOrder({
      rules,
      lines: [
        { number: 'TEE', quantity: 2, unit: tee, discountPercent: 10 },
        { number: 'MUG', quantity: 3, unit: mug },
      ],
      shipping: { amount: 795, freeOver: 9000 },
      orderDiscount: { fixed: 500 },
    })
    expect(estimate).toEqual({
      currency: 'EUR',
      lines: [
        { number: 'TEE', quantity: 2, unitPrice: 3095, total: 6190, goods: 5152, includedDuty: 0, includedVat: 1018, rounding: 20, itemDiscount: 619, orderDiscount: 241, displayedVat: 0, displayedDuty: 177 },
        { number: 'MUG', quantity: 3, unitPrice: 1995, total: 5985, goods: 4968, includedDuty: 0, includedVat: 981, rounding: 36, itemDiscount: 0, orderDiscount: 259, displayedVat: 0, displayedDuty: 189 },
      ],
      subtotal: 12175,
      goods: 10120,
      includedDuty: 0,
      includedVat: 1999,
      rounding: 56,
      itemDiscount: 619,
      orderDiscount: 500,
      discount: 1119,
      vat: 0,
      duty: 366,
      shipping: 0,
      total: 11422,
    })
  })

  test('shipping is charged below the free-shipping threshold', () => {
    const estimate = estimateOrder({ rules, lines: [{ number: 'MUG', quantity: 1, unit: mug }], shipping: { amount: 795, freeOver: 9000 } })
    expect([estimate.subtotal, estimate.duty, estimate.shipping, estimate.total]).toEqual([1995, 66, 795, 1995 + 66 + 795])
  })

  test('an empty order costs nothing, not even shipping', () => {
    const estimate = estimateOrder({ rules, lines: [], shipping: { amount: 795 } })
    expect([estimate.subtotal, estimate.shipping, estimate.total]).toEqual([0, 0, 0])
  })

  test('a negative quantity is refused', () => {
    expect(() => estimateOrder({ rules, lines: [{ number: 'MUG', quantity: -1, unit: mug }], shipping: { amount: 0 } })).toThrow(RangeError)
  })

  // Every setting, currency and discount mix: the parts always add up to the whole.
  const settings: LevySetting[] = ['included', 'displayed', 'ignored']
  const currencies = [
    { currency: 'EUR', fxRate: '0.92' },
    { currency: 'JPY', fxRate: '151.5' },
    { currency: 'KWD', fxRate: '0.307' },
  ]
  for (const vat of settings) {
    for (const duty of settings) {
      for (const { currency, fxRate } of currencies) {
        test(`totals add up: VAT ${vat}, duty ${duty}, ${currency}`, () => {
          const r: PricingRules = { currency, fxRate, vat, vatRate: '0.2', duty, dutyRate: '0.07' }
          const lines = [1999, 4550, 12999, 1].map((base, i) => ({
            number: `SKU-${i}`,
            quantity: i + 1,
            unit: localizePrice(base, 'USD', r),
            discountPercent: i % 2 === 0 ? 15 : undefined,
          }))
          const e = estimateOrder({ rules: r, lines, shipping: { amount: 1000, freeOver: 1_000_000 }, orderDiscount: { percent: 7, fixed: 3 } })
          const sum = (pick: (l: (typeof e.lines)[number]) => number) => e.lines.reduce((a, l) => a + pick(l), 0)
          expect(e.subtotal).toBe(sum((l) => l.total))
          expect(e.subtotal).toBe(e.goods + e.includedDuty + e.includedVat + e.rounding)
          expect(e.discount).toBe(sum((l) => l.itemDiscount + l.orderDiscount))
          expect(e.vat).toBe(sum((l) => l.displayedVat))
          expect(e.duty).toBe(sum((l) => l.displayedDuty))
          expect(e.total).toBe(e.subtotal - e.discount + e.vat + e.duty + e.shipping)
          for (const l of e.lines) expect(l.total).toBe(l.unitPrice * l.quantity)
          if (vat !== 'displayed') expect(e.vat).toBe(0)
          if (duty !== 'displayed') expect(e.duty).toBe(0)
        })
      }
    }
  }
})

describe('rateBetween', () => {
  const rates = { EUR: '0.92', CAD: '1.36' }
  test('from the base currency, the table rate itself (exact)', () => {
    expect(rateBetween(rates, 'USD', 'USD', 'EUR')).toBe('0.92')
  })
  test('between two other currencies, through the base', () => {
    expect(rateBetween(rates, 'USD', 'EUR', 'CAD')).toBeCloseTo(1.478260869, 8)
  })
  test('an unknown currency names itself', () => {
    expect(() => rateBetween(rates, 'USD', 'USD', 'XYZ')).toThrow(/no FX rate from USD to XYZ/)
  })
})
