// Test fixtures for the price JSON rewriters: price documents for three experiences and Magento's
// price JSON in base currency (USD), written for this project in the shapes Magento 2 emits.
// Imported by tests only.
import type { ItemPrices, LocalizedPrice, PriceDocument } from '../src/price/document.js'
import type { ConfigurableConfig, CustomOptionPrices, LegacyLocalizedPrices, MagentoPriceFormat, PriceBoxConfig } from '../src/price/json.js'

/** Freezes a value and everything in it, so a test fails with a TypeError if code under test mutates it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key])
  }
  return value
}

/** A deep copy, to compare an input after the call with how it was before. */
export const clone = <T>(value: T): T => structuredClone(value)

export type Market = 'germany' | 'japan' | 'kuwait'

const usd = (amount: number) => ({ amount, currency: 'USD', label: `US$${amount.toFixed(2)}` })

// Base prices in USD: [final, regular].
const BASE: Record<string, [number, number]> = {
  MH01: [20, 25],
  'MH01-XS-Black': [20, 25],
  'MH01-S-Black': [22, 25],
}

// Local prices as Flow quotes them (levies and rounding included): SKU → [final, regular], labelled.
const LOCAL: Record<Market, Record<string, [[number, string], [number, string]]>> = {
  germany: {
    MH01: [[21.9, '21,90 €'], [27.4, '27,40 €']],
    'MH01-XS-Black': [[21.9, '21,90 €'], [27.4, '27,40 €']],
    'MH01-S-Black': [[23.9, '23,90 €'], [27.4, '27,40 €']],
  },
  japan: {
    MH01: [[3590, '¥3,590'], [4490, '¥4,490']],
    'MH01-XS-Black': [[3590, '¥3,590'], [4490, '¥4,490']],
    'MH01-S-Black': [[3990, '¥3,990'], [4490, '¥4,490']],
  },
  kuwait: {
    MH01: [[7.125, 'KWD 7.125'], [8.875, 'KWD 8.875']],
    'MH01-XS-Black': [[7.125, 'KWD 7.125'], [8.875, 'KWD 8.875']],
    'MH01-S-Black': [[7.75, 'KWD 7.750'], [8.875, 'KWD 8.875']],
  },
}

const SETUP: Record<Market, Pick<PriceDocument, 'experience' | 'format'> & { rate: number }> = {
  germany: {
    experience: { key: 'germany', country: 'DEU', currency: 'EUR', language: 'de', locale: 'de-DE' },
    format: { symbol: 'primary', label_formatters: ['symbol_suffix'] },
    rate: 0.92,
  },
  japan: {
    experience: { key: 'japan', country: 'JPN', currency: 'JPY', language: 'ja', locale: 'ja-JP' },
    format: { symbol: 'primary', label_formatters: ['symbol_prefix'] },
    rate: 151.37,
  },
  kuwait: {
    experience: { key: 'kuwait', country: 'KWT', currency: 'KWD', language: 'ar', locale: 'ar-KW' },
    format: { symbol: 'primary', label_formatters: ['symbol_prefix'] },
    rate: 0.30745,
  },
}

/** A localized price with its USD base. */
export function makePrice(amount: number, currency: string, label: string, base?: number): LocalizedPrice {
  return base === undefined ? { amount, currency, label } : { amount, currency, label, base: usd(base) }
}

/** The document entry of one SKU in one market, as Flow would quote it. */
export function makeItem(market: Market, sku: keyof typeof BASE): ItemPrices {
  const { currency } = SETUP[market].experience
  const [[final, finalLabel], [regular, regularLabel]] = LOCAL[market][sku]!
  const [baseFinal, baseRegular] = BASE[sku]!
  return {
    localized_item_price: makePrice(final, currency, finalLabel, baseFinal),
    final_price: makePrice(final, currency, finalLabel, baseFinal),
    regular_price: makePrice(regular, currency, regularLabel, baseRegular),
    includes: { key: 'vat', label: market === 'germany' ? 'inkl. MwSt.' : 'Includes VAT' },
  }
}

/**
 * A price document for `market` (default germany: EUR, 'de-DE', suffix symbol; japan: JPY, 0
 * decimals; kuwait: KWD, 3 decimals) with every SKU of the fixtures, one USD rate, and overrides.
 */
export function makeDocument({ market = 'germany', ...overrides }: Partial<PriceDocument> & { market?: Market } = {}): PriceDocument {
  const { experience, format, rate } = SETUP[market]
  return {
    version: 1,
    organization: 'demo',
    experience: { ...experience },
    format: { ...format },
    generated_at: '2026-12-03T10:00:00.000Z',
    expires_at: '2026-12-03T11:00:00.000Z',
    rates: [{ base: 'USD', target: experience.currency, value: rate }],
    items: Object.fromEntries(Object.keys(BASE).map((sku) => [sku, makeItem(market, sku)])),
    ...overrides,
  }
}

/** Magento's priceFormat of a US store. */
export const makeUsdFormat = (): MagentoPriceFormat => ({
  pattern: '$%s',
  precision: 2,
  requiredPrecision: 2,
  decimalSymbol: '.',
  groupSymbol: ',',
  groupLength: 3,
  integerRequired: false,
})

/** A priceBox `priceConfig` of MH01 (on sale: regular 25, final 20) in a US store. */
export function makePriceBoxConfig(overrides: Partial<PriceBoxConfig> = {}) {
  return {
    productId: '1',
    priceFormat: makeUsdFormat(),
    prices: {
      oldPrice: { amount: 25, adjustments: [] as number[] },
      basePrice: { amount: 20, adjustments: [] as number[] },
      finalPrice: { amount: 20, adjustments: [] as number[] },
    },
    ...overrides,
  }
}

const childPrices = (sku: string, tierPrices: { qty: number; price: number; percentage: number; basePrice: number }[] = []) => {
  const [final, regular] = BASE[sku]!
  return {
    baseOldPrice: { amount: regular },
    oldPrice: { amount: regular },
    basePrice: { amount: final },
    finalPrice: { amount: final },
    tierPrices,
    msrpPrice: { amount: 30 },
  }
}

/** The configurable widget's `jsonConfig` of MH01 (children 42 and 43), as the connector extends it. */
export function makeConfigurableConfig(overrides: Partial<ConfigurableConfig> = {}) {
  return {
    attributes: {
      93: { id: '93', code: 'color', label: 'Color', options: [{ id: '50', label: 'Black', products: ['42', '43'] }], position: '1' },
      142: { id: '142', code: 'size', label: 'Size', options: [{ id: '167', label: 'XS', products: ['42'] }, { id: '168', label: 'S', products: ['43'] }], position: '0' },
    },
    template: '$<%- data.price %>',
    currencyFormat: '$%s',
    optionPrices: {
      42: childPrices('MH01-XS-Black', [{ qty: 2, price: 18, percentage: 10, basePrice: 18 }]),
      43: childPrices('MH01-S-Black'),
    },
    priceFormat: makeUsdFormat(),
    prices: { baseOldPrice: { amount: 25 }, oldPrice: { amount: 25 }, basePrice: { amount: 20 }, finalPrice: { amount: 20 } },
    productId: '1',
    chooseText: 'Choose an Option...',
    images: [],
    index: { 42: { 93: '50', 142: '167' }, 43: { 93: '50', 142: '168' } },
    flow_product_id_sku_map: { 42: 'MH01-XS-Black', 43: 'MH01-S-Black' },
    ...overrides,
  }
}

/** The swatch renderer's `jsonConfig` of MH01: the configurable shape plus the swatch widget's own keys. */
export function makeSwatchConfig() {
  const { attributes, template, currencyFormat, ...rest } = makeConfigurableConfig()
  return {
    ...rest,
    attributes,
    template,
    currencyFormat,
    sku: { 42: 'MH01-XS-Black', 43: 'MH01-S-Black' },
    defaultValues: {},
    preSelectedGallery: [],
    optionStock: { 42: { is_in_stock: true }, 43: { is_in_stock: true } },
    salable: [],
    canDisplayShowOutOfStockStatus: false,
    jsonSwatchConfig: { 93: { 50: { type: '1', value: '#000000', label: 'Black' } } },
  }
}

/** Custom options of MH01: a text option, a select with a negative and a percent value. */
export function makeCustomOptions(): CustomOptionPrices {
  const prices = (amount: number) => ({
    oldPrice: { amount, adjustments: [] as number[] },
    basePrice: { amount },
    finalPrice: { amount },
  })
  return {
    7: { prices: prices(5), type: 'fixed', name: 'Gift message' },
    8: {
      21: { prices: prices(-5), type: 'fixed', name: 'No box' },
      22: { prices: prices(2), type: 'percent', name: 'Engraving (10%)' },
    },
  }
}

/** The connector's `flow_localized_prices` with an entry for Canada, as the server preloaded it. */
export function makeLegacyPrices(): LegacyLocalizedPrices {
  return {
    canadaCANCAD: {
      42: {
        sku: 'MH01-XS-Black',
        localized_item_price: { amount: 28.5, currency: 'CAD', label: 'CA$28.50', key: 'localized_item_price' },
      },
    },
  }
}
