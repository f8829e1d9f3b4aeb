// The public entry points of catalog localization: one pass over a root, and a watcher that
// localizes what the page adds later and follows country switches.
import { getConfig } from '../core/config.js'
import type { CatalogLocalized } from '../core/events.js'
import { getDocument, getWindow } from '../core/env.js'
import { sharedValue } from '../core/stores.js'
import { $session, sessionChoice, startSession, type Session } from '../session/index.js'
import type { PriceDocument } from './document.js'
import { localizeRoot } from './dom.js'
import { adoptEarlyPrices, cachedDocument, fetchEarlyPrices } from './prices.js'

/**
 * Localizes every catalog price element under `root` (default: the whole document) for the
 * shopper's experience: starts the session if needed, writes cached prices at once, fetches the
 * rest in one batched request, and adds `flow-catalog-localized` to <body>. Never rejects; on any
 * failure base prices stay visible and an `error` event is emitted.
 *
 * @example
 * configure({ organization: 'demo', apiUrl: 'http://127.0.0.1:7070' })
 * const { localized, fromCache, ms } = await localizePrices()
 */
export async function localizePrices(root?: ParentNode): Promise<CatalogLocalized> {
  const doc = getDocument()
  const target = root ?? doc
  if (!target) return { localized: 0, fromCache: 0, unlocalized: 0, ms: 0 }
  const { organization } = getConfig() // a missing organization is a programmer mistake: it throws here
  const started = startSession()
  // A returning shopper's experience is known at once (the snapshot): localize from the cache
  // without waiting for Flow, and again only if Flow then moves the shopper elsewhere.
  const known = $session.get()
  let session = known
  if (!known) {
    // A first visit: ask for the page's prices while the session is being created (once per page;
    // a second pass meanwhile waits for the same answer).
    const early = earlyState()
    early.adopted ??= (async () => {
      const choice = sessionChoice()
      const numbers = choice ? itemNumbers(target) : []
      const prices = choice && numbers.length > 0 ? fetchEarlyPrices(organization, numbers, choice) : undefined
      const resolved = await started
      if (resolved && prices) await adoptEarlyPrices(toPriceSession(resolved), prices)
    })()
    await early.adopted
    session = await started
  }
  const result = await localizeRoot(target, session && toPriceSession(session))
  if (known) {
    void started.then((confirmed) => {
      if (confirmed?.experience !== known.experience) void localizeRoot(target, confirmed && toPriceSession(confirmed))
    })
  }
  return result
}

/**
 * The price document of the shopper's experience as this page knows it (memory, IndexedDB, or the
 * prebuilt `priceDocumentUrl`), for the JSON rewriters; `undefined` when none is known, for bots,
 * and with localization off.
 *
 * @example
 * const doc = await getPriceDocument()
 * if (doc) priceConfig = rewritePriceBoxConfig(priceConfig, doc, 'MH01').value
 */
export async function getPriceDocument(): Promise<PriceDocument | undefined> {
  const session = $session.get() ?? (await startSession())
  return session && cachedDocument(toPriceSession(session))
}

type EarlyState = { adopted?: Promise<void> | undefined }
const earlyState = (): EarlyState => sharedValue<EarlyState>('price-early', () => ({}))

/** Test helper: forget this page's first-visit prefetch. */
export function resetEarlyPrices(): void {
  earlyState().adopted = undefined
}

type WatchState = { stop?: (() => void) | undefined }
const watchState = (): WatchState => sharedValue<WatchState>('price-watch', () => ({}))

/**
 * Keeps `root` localized: elements added later (infinite scroll, variant switches, a changed
 * `data-flow-item-number`) are localized in batches, once per animation frame, and every price is
 * rewritten in place when the experience changes (`setCountry`, the country picker, another tab).
 * Returns the function that stops watching. Calling it twice keeps one watcher.
 *
 * @example
 * const stop = observePrices()
 * // later: stop()
 */
export function observePrices(root?: ParentNode): () => void {
  const current = watchState()
  if (current.stop) return current.stop
  const doc = getDocument()
  const win = getWindow()
  const target = root ?? doc
  if (!doc || !win || !target) return () => {}

  const pending = new Set<ParentNode>()
  let frame = 0
  const flush = (): void => {
    frame = 0
    // Only new subtrees that carry prices: our own <style>, a theme's icons… are none of our business.
    const roots = [...pending].filter((node) => node.isConnected && hasPrices(node))
    pending.clear()
    if (roots.length === 0) return
    // Wait for the session rather than localize against "none yet" (which would restore base prices).
    void startSession().then((session) => {
      for (const node of roots) void localizeRoot(node, session && toPriceSession(session))
    })
  }
  const schedule = (node: ParentNode): void => {
    pending.add(node)
    frame ||= win.requestAnimationFrame(flush)
  }
  const observer = new (win as Window & typeof globalThis).MutationObserver((records: MutationRecord[]) => {
    for (const record of records) {
      if (record.type === 'attributes') {
        schedule(record.target as Element)
        continue
      }
      for (const node of record.addedNodes) {
        // Text nodes are what our own writes add; only new elements can carry new prices.
        if (node.nodeType === 1) schedule(node as Element)
      }
    }
  })
  observer.observe(target, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-flow-item-number', 'data-flow-item-price-attribute', 'data-flow-price-conversion-amount'],
  })
  let experience = $session.get()?.experience
  const unsubscribe = $session.listen((session) => {
    if (session?.experience === experience) return
    experience = session?.experience
    // On a first visit, prices asked for alongside the session are on their way: use them.
    void Promise.resolve(earlyState().adopted).then(() => localizeRoot(target, session && toPriceSession(session)))
  })
  current.stop = () => {
    observer.disconnect()
    unsubscribe()
    if (frame) win.cancelAnimationFrame(frame)
    current.stop = undefined
  }
  return current.stop
}

const PRICES = '[data-flow-localize^="item-"],[data-flow-price-conversion-amount]'

function itemNumbers(root: ParentNode): string[] {
  const numbers = new Set<string>()
  for (const el of root.querySelectorAll('[data-flow-item-number]')) {
    const number = el.getAttribute('data-flow-item-number')
    if (number && el.querySelector(PRICES)) numbers.add(number)
  }
  return [...numbers]
}

function hasPrices(node: ParentNode): boolean {
  return (node instanceof Element && node.matches(PRICES)) || node.querySelector(PRICES) !== null
}

function toPriceSession(session: Session) {
  return {
    id: session.id,
    organization: session.organization,
    experience: session.experience,
    country: session.country,
    currency: session.currency,
    locale: session.locale,
    format: session.format,
  }
}
