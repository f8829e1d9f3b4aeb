// Catalog DOM localization: finds the Flow.js attributes on the page, writes local prices into
// them with textContent, and keeps doing so as the page changes.
//
//   <span data-flow-item-number="SKU-1">
//     <span data-flow-localize="item-price">$20.00</span>                         ← localized_item_price
//     <span data-flow-localize="item-price-attribute"
//           data-flow-item-price-attribute="regular_price">$25.00</span>          ← a price attribute
//     <span data-flow-localize="item-tax-duty-message"></span>                   ← "Includes VAT"
//   </span>
//   <span data-flow-price-conversion-amount="12.5"
//         data-flow-price-conversion-base-currency="USD">$12.50</span>           ← amount × rate
import { getConfig } from '../core/config.js'
import { emit, type CatalogLocalized } from '../core/events.js'
import { isFlowStorefrontError } from '../core/errors.js'
import { getDocument, getWindow } from '../core/env.js'
import { convertMinor, formatMoney, toMinor } from '../core/money.js'
import { sharedValue } from '../core/stores.js'
import type { ItemPrices, PriceDocument } from './document.js'
import { cachedDocument, fetchPrices, fetchRates, isUnavailable, type PriceSession } from './prices.js'
import { isExpired } from './validate.js'

const TARGET = '[data-flow-localize^="item-"]'
const CONVERSION = '[data-flow-price-conversion-amount]'
/** Set on an element whose price is on its way; hidden by the injected style until then or until the timeout. */
export const WAITING = 'data-flow-waiting'
/** Set on <html> by the head snippet while the first pass runs. */
export const PENDING = 'data-flow-pending'
export const BODY_CLASS = 'flow-catalog-localized'
/** Hides prices while they wait, keeping their width (the head snippet carries the same rule). */
export const HIDE_RULE = `[${WAITING}],[${PENDING}] [data-flow-localize],[${PENDING}] [data-flow-price-conversion-amount]{visibility:hidden}`
const INCLUDES_CLASS = 'flow-price-includes-'

type DomState = {
  /** The text each element had before the SDK first wrote it: base prices come back from here. */
  base: WeakMap<Element, string>
  styled?: boolean
}
const state = (): DomState => sharedValue<DomState>('price-dom', () => ({ base: new WeakMap() }))

/**
 * Localizes every catalog price element in `root` for `session` (or restores base prices when
 * `session` is undefined). Cached prices are written at once; missing ones are fetched in one
 * batched request, their elements hidden (keeping their width) at most `pricingTimeoutMs`. Never
 * rejects: failures leave base prices and emit `error`.
 */
export async function localizeRoot(root: ParentNode, session: PriceSession | undefined): Promise<CatalogLocalized> {
  const started = now()
  const targets = select(root, TARGET)
  const conversions = select(root, CONVERSION)
  const total = targets.length + conversions.length
  if (!session) {
    for (const el of targets) restore(el)
    for (const el of conversions) restore(el)
    return finish({ localized: 0, fromCache: 0, unlocalized: total }, started)
  }
  let doc = await cachedDocument(session).catch(() => undefined)
  // One ancestor lookup per element; the rest works on this parallel array.
  const numbers = targets.map(numberOf)
  const missing = new Set<string>()
  for (const number of numbers) if (number && !doc?.items[number] && !isUnavailable(session, number)) missing.add(number)
  const needsRates = conversions.some((el) => !rateFor(doc, baseCurrencyOf(el)))

  // First pass from what is known: this is the paint that needs no network.
  let fromCache = 0
  const waiting: number[] = []
  targets.forEach((el, i) => {
    const number = numbers[i]
    const item = number ? doc?.items[number] : undefined
    if (item && write(el, item)) fromCache++
    else if (number && missing.has(number)) waiting.push(i)
    else restore(el)
  })
  const waitingConversions = conversions.filter((el) => !convert(el, doc, session))
  fromCache += conversions.length - waitingConversions.length
  const known = [...new Set(numbers)].filter((n): n is string => !!n)
  const stale = !!doc && isExpired(doc, Date.now())
  if (missing.size === 0 && !needsRates) {
    if (stale) void revalidate(root, session, known)
    return finish({ localized: fromCache, fromCache, unlocalized: total - fromCache }, started)
  }

  const hidden = [...waiting.map((i) => targets[i] as Element), ...waitingConversions]
  hideWhileWaiting(hidden)
  try {
    if (stale || missing.size > 0) doc = await fetchPrices(session, stale ? known : [...missing])
    // Rates ride along with localized items; a base currency no item brought is asked for by itself.
    const bases = [...new Set(conversions.map(baseCurrencyOf))].filter((base) => base && !rateFor(doc, base))
    if (bases.length > 0) doc = await fetchRates(session, bases)
  } catch (error) {
    report(error)
  }
  let localized = fromCache
  for (const i of waiting) {
    const el = targets[i] as Element
    const number = numbers[i]
    const item = number ? doc?.items[number] : undefined
    if (item && write(el, item)) localized++
    else restore(el)
  }
  for (const el of waitingConversions) {
    if (convert(el, doc, session)) localized++
    else restore(el)
  }
  for (const el of hidden) el.removeAttribute(WAITING)
  return finish({ localized, fromCache, unlocalized: total - localized }, started)
}

async function revalidate(root: ParentNode, session: PriceSession, numbers: string[]): Promise<void> {
  try {
    const doc = await fetchPrices(session, numbers)
    for (const el of select(root, TARGET)) {
      const number = numberOf(el)
      const item = number ? doc.items[number] : undefined
      if (item) write(el, item)
    }
  } catch (error) {
    report(error)
  }
}

/** Writes one target from its item's prices; false when the item has nothing for it. */
function write(el: Element, item: ItemPrices): boolean {
  const kind = el.getAttribute('data-flow-localize')
  if (kind === 'item-tax-duty-message') {
    const includes = item.includes
    if (!includes || includes.key === 'none') return false
    remember(el)
    setText(el, includes.label)
    for (const name of [...el.classList]) if (name.startsWith(INCLUDES_CLASS)) el.classList.remove(name)
    el.classList.add(INCLUDES_CLASS + includes.key)
    return true
  }
  const code = kind === 'item-price-attribute' ? (el.getAttribute('data-flow-item-price-attribute') ?? '') : 'localized_item_price'
  const price = code === 'includes' ? undefined : item[code]
  if (!price || !('amount' in price)) return false
  remember(el)
  setText(el, affix(el, price.label))
  return true
}

/** Writes a `data-flow-price-conversion-amount` element: amount × the document's rate; false without a rate. */
function convert(el: Element, doc: PriceDocument | undefined, session: PriceSession): boolean {
  const base = baseCurrencyOf(el)
  const rate = rateFor(doc, base)
  const amount = el.getAttribute('data-flow-price-conversion-amount') ?? ''
  if (!rate) return false
  try {
    const local = base === session.currency ? toMinor(amount, base) : convertMinor(toMinor(amount, base), base, session.currency, rate)
    remember(el)
    setText(el, affix(el, formatMoney(local, session.currency, { locale: session.locale, ...(session.format ? { format: session.format } : {}) })))
    return true
  } catch {
    // Not an amount (or an unknown currency): the element keeps its base text.
    return false
  }
}

function rateFor(doc: PriceDocument | undefined, base: string): number | undefined {
  if (!doc) return undefined
  if (base === doc.experience.currency) return 1
  return doc.rates.find((rate) => rate.base === base && rate.target === doc.experience.currency)?.value
}

function baseCurrencyOf(el: Element): string {
  return (el.getAttribute('data-flow-price-conversion-base-currency') ?? '').toUpperCase()
}

function numberOf(el: Element): string | undefined {
  return el.closest('[data-flow-item-number]')?.getAttribute('data-flow-item-number') || undefined
}

function affix(el: Element, label: string): string {
  return (el.getAttribute('data-flow-item-prefix') ?? '') + label + (el.getAttribute('data-flow-item-suffix') ?? '')
}

function remember(el: Element): void {
  const { base } = state()
  if (!base.has(el)) base.set(el, el.textContent ?? '')
}

/** Puts the base text back (fail-open, or an experience without a price for this element). */
function restore(el: Element): void {
  const text = state().base.get(el)
  if (text !== undefined) setText(el, text)
  for (const name of [...el.classList]) if (name.startsWith(INCLUDES_CLASS)) el.classList.remove(name)
}

function setText(el: Element, text: string): void {
  const only = el.firstChild
  if (only && only.nodeType === 3 && !only.nextSibling) {
    // Rewrite the one text node in place: three times cheaper than replacing it through
    // textContent, and it queues no childList record for the page's MutationObservers.
    const node = only as Text
    if (node.data !== text) node.data = text
  } else if (el.textContent !== text) {
    el.textContent = text
  }
}

function hideWhileWaiting(elements: Element[]): void {
  if (elements.length === 0) return
  injectStyle()
  for (const el of elements) el.setAttribute(WAITING, '')
  const win = getWindow()
  // Fail-open: whatever still waits after the pricing timeout shows its base price.
  win?.setTimeout(() => {
    for (const el of elements) el.removeAttribute(WAITING)
  }, getConfig().pricingTimeoutMs)
}

/** The style that hides waiting prices (visibility keeps their width: no layout shift). Injected once, with the configured nonce. */
export function injectStyle(nonce?: string): void {
  const current = state()
  const doc = getDocument()
  if (current.styled || !doc) return
  current.styled = true
  // The head snippet injects the same rule: never twice.
  if (doc.querySelector('style[data-flow-style]')) return
  const style = doc.createElement('style')
  style.setAttribute('data-flow-style', '')
  const fromScript = doc.querySelector<HTMLScriptElement>('script[nonce]')?.nonce
  if (nonce ?? fromScript) style.nonce = nonce ?? fromScript ?? ''
  style.textContent = HIDE_RULE
  doc.head.append(style)
}

function finish(counts: Omit<CatalogLocalized, 'ms'>, started: number): CatalogLocalized {
  const doc = getDocument()
  doc?.documentElement.removeAttribute(PENDING)
  doc?.body?.classList.add(BODY_CLASS)
  const result = { ...counts, ms: Math.round(now() - started) }
  emit('catalogLocalized', result)
  return result
}

function select(root: ParentNode, selector: string): Element[] {
  const found = [...root.querySelectorAll(selector)]
  return root instanceof Element && root.matches(selector) ? [root, ...found] : found
}

function now(): number {
  return getWindow()?.performance.now() ?? Date.now()
}

function report(error: unknown): void {
  emit('error', {
    code: isFlowStorefrontError(error) ? error.code : 'unknown',
    message: error instanceof Error ? error.message : String(error),
    error,
  })
}
