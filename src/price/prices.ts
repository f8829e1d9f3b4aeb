// Where localized prices come from: memory, then the cache port (IndexedDB), then Flow. One
// per-experience price document per page, merged as items arrive and written back to the cache.
import { cacheKey, createCache, type Cache } from '../core/cache.js'
import { getConfig } from '../core/config.js'
import { configuredHttp } from '../core/http.js'
import { sharedValue } from '../core/stores.js'
import { PRICE_DOCUMENT_VERSION, type PriceDocument } from './document.js'
import { itemPrices, itemRates, type LocalizedItem } from './items.js'
import { parsePriceDocument } from './validate.js'

/** What a price lookup needs to know of the session. */
export type PriceSession = { id: string; organization: string; experience: string; country: string; currency: string; locale: string; format?: PriceDocument['format'] }

/** Flow accepts at most 100 numbers per localized-items request. */
export const CHUNK = 100

type PriceState = {
  cache?: Cache
  /** By experience key: the document this page knows, and item numbers Flow does not sell there. */
  docs: Map<string, PriceDocument>
  unavailable: Map<string, Set<string>>
  /** By experience key, then item number: the request that is fetching it now. */
  inflight: Map<string, Map<string, Promise<void>>>
}
const state = (): PriceState => sharedValue<PriceState>('prices', () => ({ docs: new Map(), unavailable: new Map(), inflight: new Map() }))

function cache(): Cache {
  const current = state()
  const config = getConfig()
  return (current.cache ??= createCache({ kind: config.cache, defaultTtlMs: config.cacheTtlMs }))
}

const keyOf = (session: PriceSession): string =>
  cacheKey({ organization: session.organization, experience: session.experience, currency: session.currency, name: 'prices', version: `d${PRICE_DOCUMENT_VERSION}` })

/** The document of the session's experience from memory or the cache port (never from the network). */
export async function cachedDocument(session: PriceSession): Promise<PriceDocument | undefined> {
  const current = state()
  const known = current.docs.get(session.experience)
  if (known) return known
  const stored = usable(session, await cache().get<unknown>(keyOf(session))) ?? (await prebuilt(session))
  if (stored) current.docs.set(session.experience, stored)
  return stored
}

/** The prebuilt document of `priceDocumentUrl` (the server adapter's `/prices/{experience}.json` on a CDN), if configured. */
async function prebuilt(session: PriceSession): Promise<PriceDocument | undefined> {
  const { priceDocumentUrl, fetch: configuredFetch, cacheTtlMs } = getConfig()
  if (!priceDocumentUrl) return undefined
  try {
    const url = priceDocumentUrl.replace('{experience}', encodeURIComponent(session.experience))
    const response = await (configuredFetch ?? fetch)(url, { credentials: 'omit' })
    const doc = response.ok ? usable(session, await response.json()) : undefined
    if (doc) await cache().set(keyOf(session), doc, Math.min(cacheTtlMs, Math.max(0, Date.parse(doc.expires_at) - Date.now())))
    return doc
  } catch {
    // No prebuilt document: the localized-items API fills in.
    return undefined
  }
}

/** A stored or downloaded document, validated; one of another organization or currency is never used. */
function usable(session: PriceSession, value: unknown): PriceDocument | undefined {
  if (value === undefined) return undefined
  try {
    const doc = parsePriceDocument(value)
    return doc.organization === session.organization && doc.experience.currency === session.currency ? doc : undefined
  } catch {
    return undefined
  }
}


/** True when Flow said it does not sell this item in the session's experience (this page only). */
export function isUnavailable(session: PriceSession, number: string): boolean {
  return state().unavailable.get(session.experience)?.has(number) ?? false
}

/**
 * Asks Flow for the localized prices of `numbers` (in parallel chunks of {@link CHUNK}), merges
 * them into the experience's document, writes it to the cache and returns it. Rejects with a
 * `FlowStorefrontError` when a chunk fails; chunks that succeeded are kept.
 */
export async function fetchPrices(session: PriceSession, numbers: readonly string[]): Promise<PriceDocument> {
  // Numbers already on their way (another pass over the same page, the watcher) are awaited, not asked twice.
  const inflight = inflightOf(session)
  const waits = new Set(numbers.flatMap((n) => inflight.get(n) ?? []))
  const ask = [...new Set(numbers.filter((n) => !inflight.has(n)))]
  const asking = ask.length > 0 ? requestPrices(session, ask) : undefined
  for (const number of ask) inflight.set(number, asking!.then(noop, noop))
  try {
    await Promise.all(waits)
    return (await asking) ?? state().docs.get(session.experience) ?? merge(session, [], [])
  } finally {
    for (const number of ask) inflight.delete(number)
  }
}

async function requestPrices(session: PriceSession, numbers: string[]): Promise<PriceDocument> {
  const config = getConfig()
  const http = configuredHttp(() => `Session ${session.id}`)
  const chunks: string[][] = []
  for (let i = 0; i < numbers.length; i += CHUNK) chunks.push(numbers.slice(i, i + CHUNK))
  const results = await Promise.allSettled(
    chunks.map((chunk) =>
      http.get<LocalizedItem[]>(`${encodeURIComponent(session.organization)}/experiences/items`, {
        searchParams: [['experience', session.experience], ['limit', String(CHUNK)], ...chunk.map((n): [string, string] => ['number', n])],
      }),
    ),
  )
  const items: LocalizedItem[] = []
  const answered: string[] = []
  results.forEach((result, i) => {
    if (result.status !== 'fulfilled' || !Array.isArray(result.value)) return
    items.push(...result.value)
    answered.push(...(chunks[i] ?? []))
  })
  const doc = merge(session, items, answered)
  await cache().set(keyOf(session), doc, config.cacheTtlMs)
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed) throw failed.reason
  return doc
}

/** The amount converted to read a rate: large enough that rounding to the currency's decimals keeps 4+ significant digits. */
const RATE_PROBE = 10_000

/**
 * Reads Flow's FX rate from each base currency to the session's currency (Flow's conversion of a
 * probe amount), for conversions on pages with no item of that currency; merges them into the
 * experience's document and the cache.
 */
export async function fetchRates(session: PriceSession, bases: readonly string[]): Promise<PriceDocument> {
  const config = getConfig()
  const http = configuredHttp(() => `Session ${session.id}`)
  const answers = await Promise.all(
    bases.map((base) =>
      http.get<{ amount?: unknown; currency?: unknown }>(
        `${encodeURIComponent(session.organization)}/experiences/conversions/${encodeURIComponent(base)}/${RATE_PROBE}`,
        { searchParams: [['experience', session.experience]] },
      ),
    ),
  )
  const doc = merge(session, [], [])
  answers.forEach((answer, i) => {
    const value = typeof answer.amount === 'number' ? answer.amount / RATE_PROBE : NaN
    const base = bases[i] as string
    if (answer.currency === session.currency && Number.isFinite(value) && value > 0 && !doc.rates.some((rate) => rate.base === base)) {
      doc.rates.push({ base, target: session.currency, value })
    }
  })
  await cache().set(keyOf(session), doc, config.cacheTtlMs)
  return doc
}

/** Localized items asked for before the session is known: by the URL's country or experience, or by geolocation. */
export type EarlyPrices = Promise<{ experience: string | undefined; items: LocalizedItem[]; numbers: string[] } | undefined>

/**
 * A first visit's prices, asked for in parallel with its session (one round trip instead of two):
 * Flow picks the experience from `country`, `experience` or the request's geolocation, as it will
 * for the session. {@link adoptEarlyPrices} keeps the answer only if the experiences agree.
 */
export function fetchEarlyPrices(organization: string, numbers: readonly string[], choice: { country?: string; experience?: string }): EarlyPrices {
  const http = configuredHttp()
  const asked = numbers.slice(0, CHUNK)
  const where: [string, string][] = choice.experience ? [['experience', choice.experience]] : choice.country ? [['country', choice.country]] : []
  return http
    .get<LocalizedItem[]>(`${encodeURIComponent(organization)}/experiences/items`, {
      searchParams: [...where, ['limit', String(CHUNK)], ...asked.map((n): [string, string] => ['number', n])],
    })
    .then(
      (items) => ({ experience: Array.isArray(items) ? items[0]?.local?.experience?.key : undefined, items: Array.isArray(items) ? items : [], numbers: asked }),
      // Settled at once, never rejected: the caller awaits the session first, and a failure here
      // only means the regular path asks again.
      () => undefined,
    )
}

/** Merges early prices into the session's document when they are for its experience; true if they were. */
export async function adoptEarlyPrices(session: PriceSession, early: EarlyPrices): Promise<boolean> {
  try {
    const answer = await early
    if (!answer || answer.experience !== session.experience || answer.items.length === 0) return false
    const { items, numbers } = answer
    await cachedDocument(session)
    const doc = merge(session, items, numbers)
    await cache().set(keyOf(session), doc, getConfig().cacheTtlMs)
    return true
  } catch {
    // The regular path asks again, with the session.
    return false
  }
}

function inflightOf(session: PriceSession): Map<string, Promise<void>> {
  const { inflight } = state()
  let map = inflight.get(session.experience)
  if (!map) inflight.set(session.experience, (map = new Map()))
  return map
}

function noop(): void {}

function merge(session: PriceSession, items: LocalizedItem[], answered: string[]): PriceDocument {
  const current = state()
  const previous = current.docs.get(session.experience)
  const now = Date.now()
  const doc: PriceDocument = {
    version: PRICE_DOCUMENT_VERSION,
    organization: session.organization,
    experience: { key: session.experience, country: session.country, currency: session.currency, locale: session.locale },
    ...(session.format ? { format: session.format } : {}),
    // Fresh items renew the document; merging only rates keeps the items' age.
    generated_at: previous && items.length === 0 ? previous.generated_at : new Date(now).toISOString(),
    expires_at: previous && items.length === 0 ? previous.expires_at : new Date(now + getConfig().cacheTtlMs).toISOString(),
    rates: [...(previous?.rates ?? [])],
    items: { ...previous?.items },
  }
  const unavailable = current.unavailable.get(session.experience) ?? new Set<string>()
  const found = new Set<string>()
  for (const item of items) {
    const entry = itemPrices(item)
    found.add(item.number)
    if (entry) doc.items[item.number] = entry
    else unavailable.add(item.number)
    for (const rate of itemRates(item)) {
      if (!doc.rates.some((known) => known.base === rate.base && known.target === rate.target)) doc.rates.push(rate)
    }
  }
  // Numbers Flow left out of a successful answer are not in its catalog for this experience.
  for (const number of answered) if (!found.has(number) && !doc.items[number]) unavailable.add(number)
  current.unavailable.set(session.experience, unavailable)
  current.docs.set(session.experience, doc)
  return doc
}

/** Test helper: forget every document this page holds in memory (the cache port keeps its own). */
export function resetPriceState(): void {
  sharedValue<{ adopted?: unknown }>('price-early', () => ({})).adopted = undefined
  const current = state()
  current.docs.clear()
  current.unavailable.clear()
  current.inflight.clear()
  delete current.cache
}
