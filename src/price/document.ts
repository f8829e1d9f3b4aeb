// The per-experience price document: what the server adapter's `prices-build` writes for a CDN and
// what the SDK keeps in IndexedDB after asking Flow once. One document holds every localized price
// of one experience, so a page cached in base currency can be rewritten for any shopper.

import type { CurrencyFormat } from '../core/money.js'

/** The schema version of {@link PriceDocument}. Bumped on any breaking change; part of cache keys. */
export const PRICE_DOCUMENT_VERSION = 1

/** An amount in major units, as Flow sends it (`price` model): `{ amount: 12.5, currency: 'EUR', label: '12,50 €' }`. */
export type Price = { amount: number; currency: string; label: string }

/** A localized amount with the base-currency amount it came from (Flow's `price_with_base`). */
export type LocalizedPrice = Price & { base?: Price }

/** What a localized price includes (Flow's `included_levies`): `{ key: 'vat', label: 'Includes VAT' }`. */
export type Includes = { key: 'vat' | 'duty' | 'vat_and_duty' | 'none'; label: string }

/**
 * The prices of one item in one experience, by Flow price code: `localized_item_price` (what the
 * shopper pays), and the item's price attributes (`regular_price`, `final_price`, `minimal_price`,
 * any other attribute the catalog carries), plus what the price includes.
 */
export type ItemPrices = {
  localized_item_price: LocalizedPrice
  includes?: Includes
  [code: string]: LocalizedPrice | Includes | undefined
}

/** An FX rate Flow applied (`rate` model, trimmed): 1 `base` = `value` `target`. */
export type Rate = { base: string; target: string; value: number }

/** The experience a document belongs to. */
export type DocumentExperience = {
  key: string
  /** ISO 3166 alpha-3, as Flow's experiences carry it (`DEU`). */
  country: string
  currency: string
  language?: string
  locale?: string
}

/**
 * A versioned, per-experience price document.
 *
 * @example
 * const doc: PriceDocument = {
 *   version: 1,
 *   organization: 'demo',
 *   experience: { key: 'germany', country: 'DEU', currency: 'EUR', locale: 'de-DE' },
 *   format: { symbol: 'primary', label_formatters: ['symbol_suffix'] },
 *   generated_at: '2026-12-03T10:00:00.000Z',
 *   expires_at: '2026-12-03T11:00:00.000Z',
 *   rates: [{ base: 'USD', target: 'EUR', value: 0.92 }],
 *   items: {
 *     'SKU-1': {
 *       localized_item_price: { amount: 21.9, currency: 'EUR', label: '21,90 €', base: { amount: 20, currency: 'USD', label: 'US$20.00' } },
 *       regular_price: { amount: 27.4, currency: 'EUR', label: '27,40 €' },
 *       includes: { key: 'vat', label: 'Includes VAT' },
 *     },
 *   },
 * }
 */
export type PriceDocument = {
  version: typeof PRICE_DOCUMENT_VERSION
  organization: string
  experience: DocumentExperience
  /** The experience's currency format (Flow's `experience_currency_format`). */
  format?: CurrencyFormat
  /** ISO 8601 times: when it was built, and after when it must be revalidated. */
  generated_at: string
  expires_at: string
  /** FX rates from each base currency to the experience currency, for conversions of arbitrary amounts. */
  rates: Rate[]
  /** By item number (SKU), exactly as the catalog spells it. */
  items: Record<string, ItemPrices>
}
