// The order projection: what the adapter knows of a Flow order from its webhooks, kept in the
// store because the adapter owns no order system. Applying an event is a pure merge that is
// idempotent and commutative: every fact (the order itself, each authorization, capture, refund,
// label, the fraud status) is kept per id with the timestamp and event id that wrote it, and a
// later timestamp wins (ties broken by event id). Totals are derived from the facts in a fixed
// order with integer arithmetic, so the same set of events gives the same projection in any
// arrival order.
import { isObject, type JsonObject } from './envelope.js'
import type { WebhookEventType } from './events.js'

/** An amount in a currency, with its label when Flow sent one. */
export type ProjectedMoney = { amount: number; currency: string; label?: string }

/** A local amount with the same amount in the organization's base currency. */
export type ProjectedPrice = ProjectedMoney & { base?: ProjectedMoney }

/** One line of Flow's price breakdown (`subtotal`, `vat`, `duty`, `shipping`, `discount`, …). */
export type ProjectedPriceDetail = ProjectedPrice & {
  name?: string
  components: (ProjectedPrice & { key: string; name?: string })[]
}

/** A postal address with its contact, as Flow sends it. */
export type ProjectedAddress = {
  streets?: string[]
  city?: string
  province?: string
  postal?: string
  country?: string
  name?: { first?: string; last?: string }
  company?: string
  email?: string
  phone?: string
}

/** One ordered item. */
export type ProjectedItem = {
  number: string
  name?: string
  quantity: number
  /** Local price of one unit, with base. */
  unit_price?: ProjectedPrice
  /** Local line total, with base. */
  total?: ProjectedPrice
  discount?: ProjectedPrice
  /** Line attributes given at checkout (e.g. `options`, a JSON string of the chosen options). */
  attributes?: Record<string, string>
}

/** The timestamp and event that last wrote a fact. */
export type FactStamp = { at: string; event_id: string }

export type ProjectedAuthorization = FactStamp & {
  id: string
  key?: string
  type: 'card' | 'online'
  status?: string
  amount?: number
  currency?: string
  base?: ProjectedMoney
  method?: string
}

export type ProjectedCapture = FactStamp & { id: string; authorization?: string; status?: string; amount: number; currency: string; base?: ProjectedMoney }

export type ProjectedRefund = FactStamp & {
  id: string
  refund_id?: string
  authorization?: string
  status?: string
  amount: number
  currency: string
  base?: ProjectedMoney
}

export type ProjectedLabel = FactStamp & {
  id: string
  carrier?: string
  service?: string
  flow_tracking_number?: string
  flow_tracking_number_url?: string
  carrier_tracking_number?: string
  carrier_tracking_number_url?: string
  center_key?: string
  commercial_invoice?: string
}

/**
 * Where the order stands, the furthest step reached: `placed` → `authorized` → `captured` →
 * `labelled` → `refunded` (any succeeded refund), or `cancelled` once fraud review declines it.
 */
export type OrderStatus = 'placed' | 'authorized' | 'captured' | 'labelled' | 'refunded' | 'cancelled'

/**
 * The order projection, as `getOrderProjection` returns it.
 *
 * @example
 * const order = getOrderProjection(store, 'ord-1')
 * // { number: 'ord-1', status: 'captured', total: { amount: 171, currency: 'BRL', base: { amount: 42.47, currency: 'USD' } }, … }
 */
export type OrderProjection = {
  number: string
  organization?: string
  status: OrderStatus
  placed: FactStamp
  submitted_at?: string
  experience?: string
  customer?: { number?: string; name?: { first?: string; last?: string }; email?: string; phone?: string }
  destination?: ProjectedAddress
  billing_address?: ProjectedAddress
  items: ProjectedItem[]
  total?: ProjectedPrice
  /** Flow's price breakdown by key: `subtotal`, `vat`, `duty`, `shipping`, `discount`, `insurance`, … */
  prices: Record<string, ProjectedPriceDetail>
  /** All VAT in the order (included in prices or shown on top), from the breakdown's components. */
  vat?: ProjectedPrice
  /** All duty in the order, likewise. */
  duty?: ProjectedPrice
  /** The order's payment (Flow's first `payments` entry). */
  payment?: { reference?: string; type?: string; description?: string; method?: string; total?: ProjectedPrice }
  /** Status of the payment's authorization (or of the latest one). */
  payment_status?: string
  fraud_status?: string
  fraud?: FactStamp & { status: string }
  authorizations: Record<string, ProjectedAuthorization>
  captures: Record<string, ProjectedCapture>
  refunds: Record<string, ProjectedRefund>
  labels: Record<string, ProjectedLabel>
  /** Sum of succeeded captures. */
  captured?: ProjectedMoney & { base?: ProjectedMoney }
  /** Sum of succeeded refunds. */
  refunded?: ProjectedMoney & { base?: ProjectedMoney }
  /** Order attributes (`quote_id`, `customer_id`, … set when the checkout token was created). */
  attributes?: Record<string, string>
}

/** An event as the projection reads it. */
export type ProjectionEvent = { type: WebhookEventType; eventId: string; timestamp: string | undefined; payload: JsonObject }

/**
 * Applies one event to an order's projection and returns the new projection (the input is not
 * changed). `order_placed` creates it; other events need it (the processor parks them until it
 * exists) and return `current` unchanged when it is missing.
 *
 * @example
 * const placed = applyEvent(undefined, { type: 'order_placed', eventId: 'evt-1', timestamp, payload })
 * const captured = applyEvent(placed, { type: 'capture_upserted_v2', eventId: 'evt-2', timestamp, payload: capture })
 * captured?.status // 'captured'
 */
export function applyEvent(current: OrderProjection | undefined, event: ProjectionEvent): OrderProjection | undefined {
  const stamp: FactStamp = { at: event.timestamp ?? '', event_id: event.eventId }
  const p = event.payload
  if (event.type === 'order_placed') {
    if (current !== undefined && !isNewer(current.placed, stamp)) return current
    return derive(fromOrderPlaced(p, stamp, current))
  }
  if (current === undefined) return undefined
  const next: OrderProjection = { ...current }
  switch (event.type) {
    case 'card_authorization_upserted_v2':
    case 'online_authorization_upserted_v2': {
      const a = obj(p.authorization)
      const id = str(a.id) as string
      const fact: ProjectedAuthorization = {
        ...stamp,
        id,
        type: event.type === 'card_authorization_upserted_v2' ? 'card' : 'online',
        ...opt('key', str(a.key)),
        ...opt('status', str(obj(a.result).status)),
        ...opt('amount', num(a.amount)),
        ...opt('currency', str(a.currency)),
        ...opt('base', money(a.base)),
        ...opt('method', str(obj(a.method).id) ?? str(obj(a.method).type)),
      }
      next.authorizations = upsert(current.authorizations, id, fact)
      break
    }
    case 'capture_upserted_v2': {
      const c = obj(p.capture)
      const id = str(c.id) as string
      const fact: ProjectedCapture = {
        ...stamp,
        id,
        ...opt('authorization', str(obj(c.authorization).id) ?? str(obj(c.authorization).key)),
        ...opt('status', str(c.status)),
        amount: num(c.amount) ?? 0,
        currency: str(c.currency) ?? '',
        ...opt('base', money(c.base)),
      }
      next.captures = upsert(current.captures, id, fact)
      break
    }
    case 'refund_capture_upserted_v2': {
      const rc = obj(p.refund_capture)
      const refund = obj(rc.refund)
      const id = str(rc.id) as string
      const fact: ProjectedRefund = {
        ...stamp,
        id,
        ...opt('refund_id', str(refund.id)),
        ...opt('authorization', str(obj(refund.authorization).id) ?? str(obj(refund.authorization).key)),
        // The refund capture's own status; a refund capture without one follows its refund.
        ...opt('status', str(rc.status) ?? str(refund.status)),
        amount: num(rc.amount) ?? num(refund.amount) ?? 0,
        currency: str(rc.currency) ?? str(refund.currency) ?? '',
        ...opt('base', money(rc.base) ?? money(refund.base)),
      }
      next.refunds = upsert(current.refunds, id, fact)
      break
    }
    case 'fraud_status_changed': {
      const status = str(p.status) as string
      if (current.fraud === undefined || isNewer(current.fraud, stamp)) next.fraud = { ...stamp, status }
      break
    }
    case 'label_upserted': {
      const id = str(p.label_id) as string
      const fact: ProjectedLabel = {
        ...stamp,
        id,
        ...opt('carrier', str(p.carrier)),
        ...opt('service', str(p.service)),
        ...opt('flow_tracking_number', str(p.flow_tracking_number)),
        ...opt('flow_tracking_number_url', str(p.flow_tracking_number_url)),
        ...opt('carrier_tracking_number', str(p.carrier_tracking_number)),
        ...opt('carrier_tracking_number_url', str(p.carrier_tracking_number_url)),
        ...opt('center_key', str(p.center_key)),
        ...opt('commercial_invoice', str(p.commercial_invoice)),
      }
      next.labels = upsert(current.labels, id, fact)
      break
    }
  }
  return derive(next)
}

function fromOrderPlaced(p: JsonObject, stamp: FactStamp, current: OrderProjection | undefined): OrderProjection {
  const order = obj(p.order)
  const number = str(order.number) ?? (str(p.order_number) as string)
  const lines = Array.isArray(order.lines) ? order.lines.map(obj) : []
  const linesByNumber = new Map<string, JsonObject[]>()
  for (const line of lines) {
    const n = str(line.item_number)
    if (n !== undefined) linesByNumber.set(n, [...(linesByNumber.get(n) ?? []), line])
  }
  const items: ProjectedItem[] = (Array.isArray(order.items) ? order.items : []).map((raw) => {
    const item = obj(raw)
    const itemNumber = str(item.number) ?? ''
    const line = linesByNumber.get(itemNumber)?.shift()
    const localPrice = (Array.isArray(obj(item.local).prices) ? (obj(item.local).prices as unknown[]) : []).map(obj).find((x) => x.key === 'localized_item_price')
    return {
      number: itemNumber,
      ...opt('name', str(item.name)),
      quantity: num(item.quantity) ?? num(line?.quantity) ?? 0,
      ...opt('unit_price', price(line?.price) ?? price(localPrice)),
      ...opt('total', price(line?.total)),
      ...opt('discount', price(item.discount)),
      ...opt('attributes', stringMap(item.attributes)),
    }
  })
  const prices: Record<string, ProjectedPriceDetail> = {}
  for (const raw of Array.isArray(order.prices) ? order.prices : []) {
    const detail = obj(raw)
    const key = str(detail.key)
    const base = price(detail)
    if (key === undefined || base === undefined) continue
    prices[key] = {
      ...base,
      ...opt('name', str(detail.name)),
      components: (Array.isArray(detail.components) ? detail.components : []).flatMap((c) => {
        const component = obj(c)
        const componentKey = str(component.key)
        const amount = price(component)
        return componentKey === undefined || amount === undefined ? [] : [{ key: componentKey, ...amount, ...opt('name', str(component.name)) }]
      }),
    }
  }
  const payments = (Array.isArray(order.payments) ? order.payments : []).map(obj)
  const first = payments[0]
  const customer = obj(order.customer)
  const destination = address(order.destination)
  const paymentAddress = first !== undefined ? address(first.address) : undefined
  // As the connector: an online payment (PayPal, …) or one without an address bills the destination.
  const billing = first !== undefined && str(first.type) !== 'online' && paymentAddress !== undefined ? paymentAddress : (destination ?? address(customer.address))
  return {
    number,
    ...opt('organization', str(p.organization)),
    status: 'placed',
    placed: stamp,
    ...opt('submitted_at', str(order.submitted_at)),
    ...opt('experience', str(obj(order.experience).key)),
    ...(Object.keys(customer).length > 0
      ? {
          customer: {
            ...opt('number', str(customer.number)),
            ...opt('name', name(customer.name)),
            ...opt('email', str(customer.email)),
            ...opt('phone', str(customer.phone)),
          },
        }
      : {}),
    ...opt('destination', destination),
    ...opt('billing_address', billing),
    items,
    ...opt('total', price(order.total)),
    prices,
    ...(first !== undefined
      ? {
          payment: {
            ...opt('reference', str(first.reference)),
            ...opt('type', str(first.type)),
            ...opt('description', str(first.description)),
            ...opt('method', str(first.method)),
            ...opt('total', price(first.total)),
          },
        }
      : {}),
    ...opt('attributes', stringMap(order.attributes)),
    authorizations: current?.authorizations ?? {},
    captures: current?.captures ?? {},
    refunds: current?.refunds ?? {},
    labels: current?.labels ?? {},
    ...(current?.fraud === undefined ? {} : { fraud: current.fraud }),
  }
}

/** Recomputes the derived fields from the facts. */
function derive(p: OrderProjection): OrderProjection {
  const next: OrderProjection = { ...p }
  delete next.vat
  delete next.duty
  delete next.captured
  delete next.refunded
  delete next.payment_status
  delete next.fraud_status
  const components = Object.keys(p.prices)
    .sort()
    .flatMap((key) => p.prices[key]?.components ?? [])
  const vat = sumPrices(components.filter((c) => c.key.startsWith('vat')))
  const duty = sumPrices(components.filter((c) => c.key.startsWith('dut')))
  if (vat !== undefined) next.vat = vat
  if (duty !== undefined) next.duty = duty
  const captured = sumPrices(sortedValues(p.captures).filter((c) => c.status === undefined || c.status === 'succeeded'))
  const refunded = sumPrices(sortedValues(p.refunds).filter((r) => r.status === 'succeeded'))
  if (captured !== undefined) next.captured = captured
  if (refunded !== undefined) next.refunded = refunded
  const authorizations = sortedValues(p.authorizations)
  const reference = p.payment?.reference
  const primary = authorizations.find((a) => a.id === reference || a.key === reference) ?? latest(authorizations)
  if (primary?.status !== undefined) next.payment_status = primary.status
  if (p.fraud !== undefined) next.fraud_status = p.fraud.status
  next.status =
    p.fraud?.status === 'declined'
      ? 'cancelled'
      : refunded !== undefined
        ? 'refunded'
        : Object.keys(p.labels).length > 0
          ? 'labelled'
          : captured !== undefined
            ? 'captured'
            : authorizations.some((a) => a.status === 'authorized')
              ? 'authorized'
              : 'placed'
  return canonical(next)
}

const KEY_ORDER: (keyof OrderProjection)[] = [
  'number',
  'organization',
  'status',
  'placed',
  'submitted_at',
  'experience',
  'customer',
  'destination',
  'billing_address',
  'items',
  'total',
  'prices',
  'vat',
  'duty',
  'payment',
  'payment_status',
  'fraud_status',
  'fraud',
  'attributes',
  'authorizations',
  'captures',
  'captured',
  'refunds',
  'refunded',
  'labels',
]
const FACT_MAPS = new Set<keyof OrderProjection>(['authorizations', 'captures', 'refunds', 'labels'])

/** The same projection with its keys in one fixed order (fact maps sorted by id), so equal projections serialize to equal JSON. */
function canonical(p: OrderProjection): OrderProjection {
  const out: Record<string, unknown> = {}
  for (const key of KEY_ORDER) {
    const value = p[key]
    if (value === undefined) continue
    out[key] = FACT_MAPS.has(key) ? Object.fromEntries(Object.keys(value).sort().map((id) => [id, (value as Record<string, unknown>)[id]])) : value
  }
  return out as OrderProjection
}

/** True when `b` was written after `a` (later timestamp; the larger event id on a tie). */
export function isNewer(a: FactStamp, b: FactStamp): boolean {
  const ta = Date.parse(a.at) || 0
  const tb = Date.parse(b.at) || 0
  return tb !== ta ? tb > ta : b.event_id > a.event_id
}

function upsert<T extends FactStamp>(facts: Record<string, T>, id: string, fact: T): Record<string, T> {
  const existing = facts[id]
  if (existing !== undefined && !isNewer(existing, fact)) return facts
  return { ...facts, [id]: fact }
}

function latest<T extends FactStamp>(facts: T[]): T | undefined {
  return facts.reduce<T | undefined>((best, fact) => (best === undefined || isNewer(best, fact) ? fact : best), undefined)
}

function sortedValues<T>(facts: Record<string, T>): T[] {
  return Object.keys(facts)
    .sort()
    .map((key) => facts[key] as T)
}

// Sums in millionths, as integers: exact for every currency's decimals and independent of order.
const SCALE = 1_000_000

function sumPrices(prices: (ProjectedMoney & { base?: ProjectedMoney })[]): (ProjectedMoney & { base?: ProjectedMoney }) | undefined {
  const first = prices[0]
  if (first === undefined) return undefined
  const currency = first.currency
  const sameCurrency = prices.filter((p) => p.currency === currency)
  const amount = sameCurrency.reduce((sum, p) => sum + Math.round(p.amount * SCALE), 0) / SCALE
  const bases = sameCurrency.map((p) => p.base)
  const baseCurrency = bases[0]?.currency
  const base =
    baseCurrency !== undefined && bases.every((b) => b?.currency === baseCurrency)
      ? { amount: bases.reduce((sum, b) => sum + Math.round((b?.amount ?? 0) * SCALE), 0) / SCALE, currency: baseCurrency }
      : undefined
  return { amount, currency, ...opt('base', base) }
}

function price(value: unknown): ProjectedPrice | undefined {
  const m = money(value)
  if (m === undefined) return undefined
  const base = money(obj(value).base)
  return base === undefined ? m : { ...m, base }
}

function money(value: unknown): ProjectedMoney | undefined {
  if (!isObject(value)) return undefined
  const amount = num(value.amount)
  const currency = str(value.currency)
  if (amount === undefined || currency === undefined) return undefined
  const label = str(value.label)
  return label === undefined ? { amount, currency } : { amount, currency, label }
}

function address(value: unknown): ProjectedAddress | undefined {
  if (!isObject(value)) return undefined
  const contact = obj(value.contact)
  const streets = Array.isArray(value.streets) ? value.streets.filter((s): s is string => typeof s === 'string') : undefined
  const result: ProjectedAddress = {
    ...opt('streets', streets),
    ...opt('city', str(value.city)),
    ...opt('province', str(value.province)),
    ...opt('postal', str(value.postal)),
    ...opt('country', str(value.country)),
    ...opt('name', name(contact.name) ?? name(value.name)),
    ...opt('company', str(contact.company) ?? str(value.company)),
    ...opt('email', str(contact.email)),
    ...opt('phone', str(contact.phone)),
  }
  return Object.keys(result).length > 0 ? result : undefined
}

function name(value: unknown): { first?: string; last?: string } | undefined {
  if (!isObject(value)) return undefined
  const result = { ...opt('first', str(value.first)), ...opt('last', str(value.last)) }
  return Object.keys(result).length > 0 ? result : undefined
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined
  const entries = Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string')
  return entries.length > 0 ? Object.fromEntries(entries) : undefined
}

function obj(value: unknown): JsonObject {
  return isObject(value) ? value : {}
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
