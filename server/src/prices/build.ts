// Builds the per-experience price documents pages and CDNs cache (ARCHITECTURE.md, "Localized
// price JSON"): for each active experience, every synced SKU's localized prices from Flow's
// localized items, in the schema of src/price/document.ts. Writes one JSON file per experience,
// atomically (a temporary file renamed into place), so a CDN never serves half a document.
import { randomUUID } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Experience, FlowClient, Item } from '../client/index.js'
import { PRICE_DOCUMENT_VERSION } from './document.js'
import type { CurrencyFormat, DocumentExperience, Includes, ItemPrices, LocalizedPrice, PriceDocument, Rate } from './document.js'

/** The calls the builder makes. */
export type PricesClient = Pick<FlowClient, 'organization' | 'listAllExperiences' | 'getLocalizedItems' | 'getExperienceCurrencyFormat'>

/**
 * Options of {@link buildPriceDocuments}.
 *
 * @example
 * const options: BuildPricesOptions = { client: flow, skus: syncedSkus(db, 'demo'), experience: 'germany' }
 */
export type BuildPricesOptions = {
  client: PricesClient
  /** The SKUs to price (the CLI passes every SKU synced to Flow). */
  skus: readonly string[]
  /** Only this experience (its key); default every active experience. */
  experience?: string
  /** How long a document is fresh: `expires_at = generated_at + ttlMs`. Default one hour. */
  ttlMs?: number
  /** Localized items per request (Flow allows up to 100). Default 100. */
  pageSize?: number
  /** Requests in flight at once. Default 4. */
  concurrency?: number
  onProgress?: (progress: { experience: string; processed: number; total: number }) => void
  now?: () => Date
}

/**
 * A document with what building it left out: SKUs Flow does not sell in the experience (status
 * excluded or restricted, or unknown to Flow) and prices it dropped as unusable.
 *
 * @example
 * const built: BuiltDocument = { document, missing: ['TEE-LEGACY'], dropped: 0 }
 */
export type BuiltDocument = { document: PriceDocument; missing: string[]; dropped: number }

/**
 * Builds one document per active experience (or the one asked for). Throws a TypeError when the
 * asked experience does not exist or is not active.
 *
 * @example
 * const [germany] = await buildPriceDocuments({ client: flow, skus: ['TEE'], experience: 'germany' })
 * germany.document.items.TEE.localized_item_price // { amount: 30.95, currency: 'EUR', label: '30,95 €', base: { … } }
 */
export async function buildPriceDocuments(options: BuildPricesOptions): Promise<BuiltDocument[]> {
  const { client } = options
  const pageSize = options.pageSize ?? 100
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw new RangeError(`buildPriceDocuments(): \`pageSize\` must be an integer from 1 to 100. Received: ${String(pageSize)}`)
  const ttlMs = options.ttlMs ?? 3_600_000
  const now = options.now ?? (() => new Date())
  const experiences = (await client.listAllExperiences()).filter(isUsable)
  let chosen = experiences
  if (options.experience !== undefined) {
    chosen = experiences.filter((experience) => experience.key === options.experience)
    if (chosen.length === 0) {
      throw new TypeError(`buildPriceDocuments(): experience '${options.experience}' is not an active experience of '${client.organization}'. Active: ${experiences.map((e) => e.key).join(', ') || 'none'}`)
    }
  }
  const built: BuiltDocument[] = []
  for (const experience of chosen) built.push(await buildOne(options, experience, pageSize, ttlMs, now))
  return built
}

async function buildOne(options: BuildPricesOptions, experience: Experience, pageSize: number, ttlMs: number, now: () => Date): Promise<BuiltDocument> {
  const { client } = options
  const currency = experience.currency.toUpperCase()
  // Flow matches item numbers case-insensitively; the document uses the catalog's own spelling.
  const spelling = new Map(options.skus.map((sku) => [sku.toLowerCase(), sku]))
  const pages: string[][] = []
  for (let i = 0; i < options.skus.length; i += pageSize) pages.push(options.skus.slice(i, i + pageSize))
  const items: Record<string, ItemPrices> = {}
  const rates = new Map<string, Rate>()
  let dropped = 0
  let processed = 0
  let next = 0
  const work = async () => {
    while (next < pages.length) {
      const page = pages[next++] as string[]
      const localized = await client.getLocalizedItems({ experience: experience.key, number: page, limit: pageSize })
      for (const item of localized) {
        const sku = spelling.get(item.number.toLowerCase())
        if (sku === undefined) continue
        const entry = documentEntry(item, currency)
        dropped += entry.dropped
        if (entry.prices) items[sku] = entry.prices
        for (const rate of entry.rates) rates.set(`${rate.base}>${rate.target}`, rate)
      }
      processed += page.length
      options.onProgress?.({ experience: experience.key, processed, total: options.skus.length })
    }
  }
  const [format] = await Promise.all([
    client.getExperienceCurrencyFormat(experience.key),
    ...Array.from({ length: Math.min(options.concurrency ?? 4, pages.length) }, work),
  ])
  const generated = now()
  const documentExperience: DocumentExperience = { key: experience.key, country: experience.country.toUpperCase(), currency }
  if (experience.language) documentExperience.language = experience.language
  const document: PriceDocument = {
    version: PRICE_DOCUMENT_VERSION,
    organization: client.organization,
    experience: documentExperience,
    generated_at: generated.toISOString(),
    expires_at: new Date(generated.getTime() + ttlMs).toISOString(),
    rates: [...rates.values()].sort((a, b) => a.base.localeCompare(b.base)),
    // Sorted, so two builds of the same prices are byte-identical (CDN ETags stay stable).
    items: Object.fromEntries(Object.entries(items).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  }
  if (format) document.format = { symbol: format.symbol, label_formatters: [...format.label_formatters] } satisfies CurrencyFormat
  return { document, missing: options.skus.filter((sku) => !(sku in items)), dropped }
}

/** Active experiences with a key, country and currency (the connector's filter, §6.2). */
function isUsable(experience: Experience): boolean {
  return experience.status === 'active' && Boolean(experience.key) && Boolean(experience.country) && Boolean(experience.currency)
}

/**
 * The document entry of one localized item: `localized_item_price` with what it includes, and
 * every price attribute, each in the experience currency (anything else is dropped and counted).
 * No entry when Flow does not sell the item there (status other than `included`) or sent no price.
 */
function documentEntry(item: Item, currency: string): { prices?: ItemPrices; rates: Rate[]; dropped: number } {
  const local = item.local
  if (!local || local.status !== 'included') return { rates: [], dropped: 0 }
  let dropped = 0
  const main = local.prices.find((price) => price.key === 'localized_item_price')
  const price = main && toPrice(main, currency)
  if (!price) return { rates: [], dropped: main ? 1 : 0 }
  const prices: ItemPrices = { localized_item_price: price }
  const includes = (main as { includes?: Includes }).includes
  if (includes && ['vat', 'duty', 'vat_and_duty', 'none'].includes(includes.key) && typeof includes.label === 'string') {
    prices.includes = { key: includes.key, label: includes.label }
  }
  for (const [code, attribute] of Object.entries(local.price_attributes ?? {})) {
    if (code === 'localized_item_price' || code === 'includes') continue
    const converted = toPrice(attribute, currency)
    if (converted) prices[code] = converted
    else dropped++
  }
  const rates = local.rates
    .map((rate) => ({ base: rate.base.toUpperCase(), target: rate.target.toUpperCase(), value: Number(rate.value) }))
    .filter((rate) => rate.target === currency && Number.isFinite(rate.value) && rate.value > 0)
  return { prices, rates, dropped }
}

function toPrice(value: { amount?: unknown; currency?: unknown; label?: unknown; base?: unknown }, currency: string): LocalizedPrice | undefined {
  if (typeof value.amount !== 'number' || !Number.isFinite(value.amount) || typeof value.label !== 'string') return undefined
  if (typeof value.currency !== 'string' || value.currency.toUpperCase() !== currency) return undefined
  const price: LocalizedPrice = { amount: value.amount, currency, label: value.label }
  const base = value.base as { amount?: unknown; currency?: unknown; label?: unknown } | undefined
  if (base && typeof base.amount === 'number' && Number.isFinite(base.amount) && typeof base.currency === 'string' && /^[A-Za-z]{3}$/.test(base.currency) && typeof base.label === 'string') {
    price.base = { amount: base.amount, currency: base.currency.toUpperCase(), label: base.label }
  }
  return price
}

/**
 * The file name of an experience's document: its key, made safe for any file system and URL.
 *
 * @example
 * priceDocumentFileName('germany') // 'germany.json'
 */
export function priceDocumentFileName(experienceKey: string): string {
  return `${experienceKey.replace(/[^A-Za-z0-9._-]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`)}.json`
}

/**
 * Writes each document to `<dir>/<experience key>.json` and an `index.json` listing them, each
 * atomically: written to a temporary file in the same directory, flushed to disk, then renamed
 * over the old one. Returns the paths written.
 *
 * @example
 * await writePriceDocuments(built.map((b) => b.document), 'public/prices')
 * // ['public/prices/united-states.json', …, 'public/prices/index.json']
 */
export async function writePriceDocuments(documents: readonly PriceDocument[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const written: string[] = []
  for (const document of documents) {
    const path = join(dir, priceDocumentFileName(document.experience.key))
    await writeAtomically(path, `${JSON.stringify(document)}\n`)
    written.push(path)
  }
  const index = {
    version: PRICE_DOCUMENT_VERSION,
    organization: documents[0]?.organization ?? null,
    experiences: documents.map((document) => ({ ...document.experience, file: priceDocumentFileName(document.experience.key), generated_at: document.generated_at, expires_at: document.expires_at })),
  }
  const indexPath = join(dir, 'index.json')
  await writeAtomically(indexPath, `${JSON.stringify(index, null, 2)}\n`)
  written.push(indexPath)
  return written
}

/**
 * Writes a file so that readers see the old content or the new, never a part: a temporary file
 * beside it, fsync, rename.
 *
 * @example
 * await writeAtomically('public/prices/germany.json', json)
 */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`
  const handle = await open(temporary, 'w', 0o644)
  try {
    await handle.writeFile(content, 'utf8')
    await handle.sync()
  } catch (error) {
    await handle.close()
    await rm(temporary, { force: true })
    throw error
  }
  await handle.close()
  try {
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
