// The emulator's pricing engine: pure functions over integer minor units, no I/O, no clock.
//
// A localized price is built like Flow builds it:
//   goods = base price × FX rate
//   duty  = goods × the experience's duty rate
//   VAT   = (goods + duty) × the destination country's VAT rate
//   price = goods + (duty when `included`) + (VAT when `included`), then rounded by the
//           experience's rounding rule; the difference is the `rounding` component.
// A levy that is `displayed` is not in the price but is shown beside it and added to the order
// total; one that is `ignored` is neither computed nor shown.
import { allocate, convertMinor, roundMinor, type Rounding } from 'flow-storefront/money'

/** Flow's `pricing_levy_setting`. */
export type LevySetting = 'included' | 'displayed' | 'ignored'

/** Flow's `included_levy_key`: what a localized price contains. */
export type IncludedLevies = 'vat_and_duty' | 'vat' | 'duty' | 'none'

/**
 * Everything the engine needs to price in one experience. Rates are decimals (strings keep them
 * exact); `fxRate` is units of the local currency per unit of the item's currency.
 *
 * @example
 * const germany: PricingRules = {
 *   currency: 'EUR', fxRate: '0.92', vat: 'included', vatRate: '0.19',
 *   duty: 'displayed', dutyRate: '0.04', rounding: { type: 'pattern', method: 'nearest', value: 0.95 },
 * }
 */
export type PricingRules = {
  currency: string
  fxRate: string | number
  vat: LevySetting
  vatRate: string | number
  duty: LevySetting
  dutyRate: string | number
  rounding?: Rounding | undefined
}

/**
 * One localized unit price, in minor units of the local currency. `amount` is what the shopper
 * sees; `goods + (included levies) + rounding === amount` always holds. `duty` and `vat` are 0
 * when their setting is `ignored`.
 */
export type LocalPrice = {
  amount: number
  goods: number
  duty: number
  vat: number
  rounding: number
  includes: IncludedLevies
}

/**
 * Localizes one price given in minor units of `fromCurrency`.
 *
 * @example
 * localizePrice(2800, 'USD', germany)
 * // goods 2576 (28 × 0.92), duty 103, VAT 509 ((2576 + 103) × 0.19), 2576 + 509 = 3085 → 30.95
 * // { amount: 3095, goods: 2576, duty: 103, vat: 509, rounding: 10, includes: 'vat' }
 */
export function localizePrice(minor: number, fromCurrency: string, rules: PricingRules): LocalPrice {
  const goods = convertMinor(minor, fromCurrency, rules.currency, rules.fxRate)
  const duty = rules.duty === 'ignored' ? 0 : share(goods, rules.currency, rules.dutyRate)
  const vat = rules.vat === 'ignored' ? 0 : share(goods + duty, rules.currency, rules.vatRate)
  const beforeRounding = goods + (rules.duty === 'included' ? duty : 0) + (rules.vat === 'included' ? vat : 0)
  const amount = rules.rounding ? roundMinor(beforeRounding, rules.currency, rules.rounding) : beforeRounding
  return { amount, goods, duty, vat, rounding: amount - beforeRounding, includes: includedLevies(rules) }
}

/**
 * Which levies a localized price contains under `rules`.
 *
 * @example
 * includedLevies({ ...germany, duty: 'included' }) // 'vat_and_duty'
 */
export function includedLevies(rules: Pick<PricingRules, 'vat' | 'duty'>): IncludedLevies {
  const vat = rules.vat === 'included'
  const duty = rules.duty === 'included'
  return vat && duty ? 'vat_and_duty' : vat ? 'vat' : duty ? 'duty' : 'none'
}

/** A line of an order: a localized unit price, a quantity and its own discount. */
export type EstimateLineInput = {
  number: string
  quantity: number
  unit: LocalPrice
  /** Percent off this line, e.g. '15' or 12.5 (Flow's `discount_offer_percent`). */
  discountPercent?: string | number | undefined
  /** A fixed amount off this line, in local minor units (Flow's `discount_offer_fixed` / `discount`). */
  discountFixed?: number | undefined
}

export type EstimateInput = {
  /** The experience's currency and levy settings (the unit prices already carry the rates). */
  rules: Pick<PricingRules, 'currency' | 'vat' | 'duty'>
  lines: EstimateLineInput[]
  /** The experience's flat shipping tier: `amount`, free when the discounted subtotal reaches `freeOver`. */
  shipping: { amount: number; freeOver?: number | undefined }
  /** Order-level discounts, spread over the lines in proportion to what they cost after their own. */
  orderDiscount?: { percent?: string | number | undefined; fixed?: number | undefined } | undefined
}

/**
 * One priced line. Amounts are for the whole line (unit × quantity). `displayedVat` and
 * `displayedDuty` are the levies charged on top of the price (on the discounted line), 0 unless
 * their setting is `displayed`.
 */
export type EstimateLine = {
  number: string
  quantity: number
  unitPrice: number
  total: number
  goods: number
  includedDuty: number
  includedVat: number
  rounding: number
  itemDiscount: number
  orderDiscount: number
  displayedVat: number
  displayedDuty: number
}

/**
 * A priced order. Every figure is in local minor units and they add up exactly:
 * `subtotal = Σ line.total = goods + includedDuty + includedVat + rounding`,
 * `discount = Σ (line.itemDiscount + line.orderDiscount)`, `vat = Σ line.displayedVat`,
 * `duty = Σ line.displayedDuty`, `total = subtotal − discount + vat + duty + shipping`.
 */
export type Estimate = {
  currency: string
  lines: EstimateLine[]
  subtotal: number
  goods: number
  includedDuty: number
  includedVat: number
  rounding: number
  itemDiscount: number
  orderDiscount: number
  discount: number
  vat: number
  duty: number
  shipping: number
  total: number
}

/**
 * Prices an order: line totals, discounts (a line's own first, then the order's, allocated over
 * the lines), levies shown on top, flat shipping (free over the threshold) and the total.
 *
 * @example
 * const unit = localizePrice(2800, 'USD', germany) // 30.95 €
 * estimateOrder({ rules: germany, lines: [{ number: 'TEE', quantity: 2, unit, discountPercent: 10 }],
 *   shipping: { amount: 795, freeOver: 9000 } })
 * // subtotal 6190, itemDiscount 619, duty 185 (2 × 1.03 € on 90 % of the line), shipping 795,
 * // total 6190 − 619 + 185 + 795 = 6551
 */
export function estimateOrder(input: EstimateInput): Estimate {
  const { rules } = input
  const currency = rules.currency
  const priced = input.lines.map((line) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 0) {
      throw new RangeError(`estimateOrder(): quantity of ${line.number} must be an integer ≥ 0, received ${line.quantity}.`)
    }
    const total = line.unit.amount * line.quantity
    const percentOff = line.discountPercent === undefined ? 0 : share(total, currency, Number(line.discountPercent) / 100)
    const itemDiscount = Math.min(total, percentOff + (line.discountFixed ?? 0))
    return { line, total, itemDiscount }
  })

  const afterItemDiscounts = priced.map((p) => p.total - p.itemDiscount)
  const netSum = afterItemDiscounts.reduce((a, b) => a + b, 0)
  const percentOff = input.orderDiscount?.percent === undefined ? 0 : share(netSum, currency, Number(input.orderDiscount.percent) / 100)
  const orderDiscount = Math.min(netSum, percentOff + (input.orderDiscount?.fixed ?? 0))
  const orderShares = netSum === 0 ? priced.map(() => 0) : allocate(orderDiscount, afterItemDiscounts)

  const lines = priced.map(({ line, total, itemDiscount }, i): EstimateLine => {
    const q = line.quantity
    const lineOrderDiscount = orderShares[i] ?? 0
    const net = total - itemDiscount - lineOrderDiscount
    // A levy shown on top is charged on what the line costs after discounts.
    const onNet = (amount: number) => (total === 0 ? 0 : (allocate(amount, [net, total - net])[0] ?? 0))
    return {
      number: line.number,
      quantity: q,
      unitPrice: line.unit.amount,
      total,
      goods: line.unit.goods * q,
      includedDuty: rules.duty === 'included' ? line.unit.duty * q : 0,
      includedVat: rules.vat === 'included' ? line.unit.vat * q : 0,
      rounding: line.unit.rounding * q,
      itemDiscount,
      orderDiscount: lineOrderDiscount,
      displayedDuty: rules.duty === 'displayed' ? onNet(line.unit.duty * q) : 0,
      displayedVat: rules.vat === 'displayed' ? onNet(line.unit.vat * q) : 0,
    }
  })

  const sum = (pick: (l: EstimateLine) => number) => lines.reduce((a, l) => a + pick(l), 0)
  const subtotal = sum((l) => l.total)
  const discount = sum((l) => l.itemDiscount + l.orderDiscount)
  const { amount: shippingAmount, freeOver } = input.shipping
  const shipping = lines.length === 0 || (freeOver !== undefined && subtotal - discount >= freeOver) ? 0 : shippingAmount
  const vat = sum((l) => l.displayedVat)
  const duty = sum((l) => l.displayedDuty)
  return {
    currency,
    lines,
    subtotal,
    goods: sum((l) => l.goods),
    includedDuty: sum((l) => l.includedDuty),
    includedVat: sum((l) => l.includedVat),
    rounding: sum((l) => l.rounding),
    itemDiscount: sum((l) => l.itemDiscount),
    orderDiscount: sum((l) => l.orderDiscount),
    discount,
    vat,
    duty,
    shipping,
    total: subtotal - discount + vat + duty + shipping,
  }
}

/**
 * The FX rate between two currencies from a table of rates against the organization's base
 * currency (`rates[X]` = units of X per base unit; the base itself is 1).
 *
 * @example
 * rateBetween({ EUR: '0.92', CAD: '1.36' }, 'USD', 'USD', 'EUR') // '0.92'
 * rateBetween({ EUR: '0.92', CAD: '1.36' }, 'USD', 'EUR', 'CAD') // 1.4782608695652173
 */
export function rateBetween(rates: Readonly<Record<string, string>>, base: string, from: string, to: string): string | number {
  if (from === to) return 1
  const rateOf = (code: string) => {
    if (code === base) return '1'
    const rate = rates[code]
    if (rate === undefined) throw new RangeError(`rateBetween(): no FX rate from ${base} to ${code}.`)
    return rate
  }
  if (from === base) return rateOf(to)
  return Number(rateOf(to)) / Number(rateOf(from))
}

/** `amount × rate` in minor units, rounded half away from zero; 0 for a zero rate or amount. */
function share(amount: number, currency: string, rate: string | number): number {
  if (amount === 0 || Number(rate) === 0) return 0
  return convertMinor(amount, currency, currency, rate)
}
