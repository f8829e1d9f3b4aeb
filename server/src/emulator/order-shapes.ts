// Flow's `order_estimate`, `order` and `allocation_v2` shapes for a priced order. Every figure
// comes from the engine's estimate, so lines, prices and total add up.
import { fromMinor } from 'flow-storefront/money'
import type { EmulatorContext } from './context.js'
import { optional } from './json.js'
import { experienceJson, localizeItem, money, priceWithBase, toBase, vatName } from './localize.js'
import type { PricedOrder } from './orders.js'
import type { EmulatorState, ExperienceRecord, Json } from './state.js'

/** Flow's `order_estimate`. */
export function orderEstimateJson(context: EmulatorContext, priced: PricedOrder, id: string, destination: Json | undefined): Json {
  return {
    id,
    items: lineItemsJson(context, priced),
    destination: destination ?? { country: priced.experience.country },
    deliveries: deliveriesJson(context, priced),
    prices: pricesJson(context, priced),
    selections: [shippingOptionId(priced.experience)],
    total: priceWithBase(context.state, priced.experience, priced.estimate.total),
    lines: linesJson(context, priced),
  }
}

/** What an order needs besides its prices. */
export type OrderDetails = {
  id: string
  number: string
  customer: Json
  destination: Json
  attributes: Record<string, string>
  expires_at: string
  submitted_at?: string
  geo?: Json
}

/** Flow's `order`. */
export function orderJson(context: EmulatorContext, priced: PricedOrder, details: OrderDetails): Json {
  const { experience } = priced
  return {
    id: details.id,
    number: details.number,
    order_type: 'standard',
    merchant_of_record: 'flow',
    experience: { key: experience.key, discriminator: 'experience_reference' },
    customer: details.customer,
    delivered_duty: experience.delivered_duty,
    destination: details.destination,
    expires_at: details.expires_at,
    items: lineItemsJson(context, priced),
    deliveries: deliveriesJson(context, priced),
    selections: [shippingOptionId(experience)],
    prices: pricesJson(context, priced),
    total: priceWithBase(context.state, experience, priced.estimate.total),
    attributes: details.attributes,
    lines: linesJson(context, priced),
    ...optional('submitted_at', details.submitted_at),
    ...optional('geo', details.geo),
  }
}

/** An order with its experience expanded (`?expand=experience`). */
export function expandExperience(order: Json, experience: ExperienceRecord): Json {
  return { ...order, experience: { ...experienceJson(experience), discriminator: 'experience' } }
}

function lineItemsJson(context: EmulatorContext, priced: PricedOrder): Json[] {
  const { state } = context
  return priced.items.map((item, i) => {
    const line = priced.estimate.lines[i]
    const form = priced.lines[i]
    const discount = (line?.itemDiscount ?? 0) + (line?.orderDiscount ?? 0)
    return {
      number: item.number,
      name: item.name,
      quantity: line?.quantity ?? 0,
      local: (localizeItem(state, priced.experience, item).local as Json),
      ...(discount > 0 ? { discount: { ...priceWithBase(state, priced.experience, discount), discount_label: 'Discount' } } : {}),
      ...optional('attributes', form?.attributes),
    }
  })
}

function linesJson(context: EmulatorContext, priced: PricedOrder): Json[] {
  return priced.estimate.lines.map((line) => ({
    item_number: line.number,
    quantity: line.quantity,
    price: priceWithBase(context.state, priced.experience, line.unitPrice),
    total: priceWithBase(context.state, priced.experience, line.total),
  }))
}

function shippingOptionId(experience: ExperienceRecord): string {
  return `opt-${experience.key}-${experience.shipping.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
}

function deliveriesJson(context: EmulatorContext, priced: PricedOrder): Json[] {
  const { state } = context
  const { experience, estimate } = priced
  const center = Object.values(state.centers)[0]
  const shipping = priceWithBase(state, experience, estimate.shipping)
  const now = context.now().getTime()
  const day = 86_400_000
  const { name, min_days, max_days } = experience.shipping
  const option: Json = {
    id: shippingOptionId(experience),
    cost: shipping,
    delivered_duty: experience.delivered_duty,
    price: shipping,
    service: { id: 'dhl-express-worldwide', carrier: { id: 'dhl' }, name: 'Express Worldwide' },
    tier: {
      id: `tie-${experience.key}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      integration: 'information',
      name,
      services: ['dhl-express-worldwide'],
      strategy: 'lowest_cost',
      visibility: 'public',
      currency: experience.currency,
    },
    window: {
      from: new Date(now + min_days * day).toISOString(),
      to: new Date(now + max_days * day).toISOString(),
      timezone: 'UTC',
      label: `${min_days}–${max_days} business days`,
      min_days,
      max_days,
    },
    rule_outcome: { discriminator: 'flat_rate', price: { amount: shipping.amount, currency: shipping.currency, label: shipping.label } },
  }
  return [
    {
      discriminator: 'physical_delivery',
      id: `del-${experience.key}-1`,
      ...(center ? { center: { id: center.id, key: center.key } } : {}),
      items: estimate.lines.map((line) => ({
        number: line.number,
        quantity: line.quantity,
        price: { ...money(experience, line.unitPrice), base: baseMoney(state, experience, line.unitPrice) },
        ...(center ? { center: center.key as string } : {}),
      })),
      options: [option],
    },
  ]
}

function baseMoney(state: EmulatorState, experience: ExperienceRecord, minor: number): Json {
  const base = state.organization.base_currency
  return { amount: fromMinor(toBase(state, minor, experience.currency), base), currency: base }
}

/** One `order_price_detail_component`. */
function component(context: EmulatorContext, experience: ExperienceRecord, key: string, minor: number, name: string): Json {
  const { currency, amount, label, base } = priceWithBase(context.state, experience, minor)
  return { key, currency, amount, label, base, name }
}

/** Flow's `prices`: subtotal (with what it includes), VAT and duty shown on top, shipping, discount. */
function pricesJson(context: EmulatorContext, priced: PricedOrder): Json[] {
  const { state } = context
  const { experience, estimate } = priced
  const tax = vatName(state, experience)
  const taxRate = state.taxes[experience.country]?.rate ?? '0'
  const c = (key: string, minor: number, name: string) => component(context, experience, key, minor, name)
  const detail = (key: string, minor: number, name: string, components: Json[], extra: Json = {}) => {
    const { currency, amount, label, base } = priceWithBase(state, experience, minor)
    return { key, currency, amount, label, base, components, name, ...extra }
  }
  const subtotal = [c('item_price', estimate.goods, 'Item price')]
  if (estimate.includedDuty !== 0) subtotal.push(c('duties_item_price', estimate.includedDuty, 'Duties on item price'))
  if (estimate.includedVat !== 0) subtotal.push(c('vat_item_price', estimate.includedVat, `${tax} on item price`))
  if (estimate.rounding !== 0) subtotal.push(c('rounding', estimate.rounding, 'Rounding'))
  const prices = [detail('subtotal', estimate.subtotal, 'Item subtotal', subtotal)]
  if (experience.pricing.vat === 'displayed') {
    prices.push(detail('vat', estimate.vat, tax, [c('vat_item_price', estimate.vat, `${tax} on item price`)], { rate: Number(taxRate), rate_label: `${percent(taxRate)} ${tax}` }))
  }
  if (experience.pricing.duty === 'displayed') {
    prices.push(detail('duty', estimate.duty, 'Duties', [c('duties_item_price', estimate.duty, 'Duties on item price')], { rate: Number(experience.duty_rate), rate_label: `${percent(experience.duty_rate)} duty` }))
  }
  prices.push(detail('shipping', estimate.shipping, 'Shipping', [c('shipping', estimate.shipping, 'Shipping')]))
  if (estimate.discount !== 0) {
    const parts: Json[] = []
    if (estimate.itemDiscount !== 0) parts.push(c('item_discount', -estimate.itemDiscount, 'Item discount'))
    if (estimate.orderDiscount !== 0) parts.push(c('order_discount', -estimate.orderDiscount, 'Order discount'))
    prices.push(detail('discount', -estimate.discount, 'Discount', parts))
  }
  return prices
}

function percent(rate: string): string {
  return `${Number((Number(rate) * 100).toFixed(4))}%`
}

/**
 * Flow's `allocation_v2`: per line what its total includes and what is charged on top, then
 * shipping and discount as order details. Σ details = total.
 */
export function allocationJson(context: EmulatorContext, priced: PricedOrder, id: string, order: Json): Json {
  const { state } = context
  const { experience, estimate } = priced
  const tax = vatName(state, experience)
  const price = (minor: number) => priceWithBase(state, experience, minor)
  const part = (key: string, minor: number) => ({ discriminator: 'allocation_detail_component', key, total: price(minor) })
  const levy = (key: string, minor: number, rate: string, name: string) => ({
    discriminator: 'allocation_levy_component',
    key,
    total: price(minor),
    rate: Number(rate),
    name,
  })
  const taxRate = state.taxes[experience.country]?.rate ?? '0'
  const details: Json[] = estimate.lines.map((line) => {
    const included: Json[] = [part('item_price', line.goods)]
    if (line.rounding !== 0) included.push(part('rounding', line.rounding))
    if (line.includedVat !== 0) included.push(levy('vat_item_price', line.includedVat, taxRate, `${tax} on item price`))
    if (line.includedDuty !== 0) included.push(levy('duties_item_price', line.includedDuty, experience.duty_rate, 'Duties on item price'))
    const notIncluded: Json[] = []
    if (experience.pricing.vat === 'displayed') notIncluded.push(levy('vat_item_price', line.displayedVat, taxRate, `${tax} on item price`))
    if (experience.pricing.duty === 'displayed') notIncluded.push(levy('duties_item_price', line.displayedDuty, experience.duty_rate, 'Duties on item price'))
    return {
      discriminator: 'allocation_line_detail',
      number: line.number,
      quantity: line.quantity,
      key: 'subtotal',
      price: price(line.unitPrice),
      total: price(line.total),
      included,
      not_included: notIncluded,
    }
  })
  details.push({ discriminator: 'allocation_order_detail', key: 'shipping', total: price(estimate.shipping), included: [part('shipping', estimate.shipping)], not_included: [] })
  if (estimate.discount !== 0) {
    const included: Json[] = []
    if (estimate.itemDiscount !== 0) included.push(part('item_discount', -estimate.itemDiscount))
    if (estimate.orderDiscount !== 0) included.push(part('order_discount', -estimate.orderDiscount))
    details.push({ discriminator: 'allocation_order_detail', key: 'discount', total: price(-estimate.discount), included, not_included: [] })
  }
  return {
    id,
    order: { id: order.id, number: order.number, ...optional('submitted_at', order.submitted_at as string | undefined) },
    details,
    total: price(estimate.total),
  }
}
