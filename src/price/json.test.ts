import { describe, expect, it } from 'vitest'
import type { PriceDocument } from './document.js'
import {
  makeConfigurableConfig,
  makeCustomOptions,
  makeDocument,
  makeItem,
  makeLegacyPrices,
  makePrice,
  makePriceBoxConfig,
  makeSwatchConfig,
  deepFreeze,
} from '../../test/price-fixtures.js'
import {
  convertWithDocument,
  localizeGenericPrices,
  magentoPriceFormat,
  rewriteConfigurableConfig,
  rewriteCustomOptionPrices,
  rewriteLegacyLocalizedPrices,
  rewritePriceBoxConfig,
  rewriteSwatchConfig,
} from './json.js'

const germany = deepFreeze(makeDocument())
const japan = deepFreeze(makeDocument({ market: 'japan' }))
const kuwait = deepFreeze(makeDocument({ market: 'kuwait' }))
const noRates = deepFreeze(makeDocument({ rates: [] }))

const DE_FORMAT = {
  pattern: '%s €',
  precision: 2,
  requiredPrecision: 2,
  decimalSymbol: ',',
  groupSymbol: '.',
  groupLength: 3,
  integerRequired: false,
}
const JP_FORMAT = { ...DE_FORMAT, pattern: '¥%s', precision: 0, requiredPrecision: 0, decimalSymbol: '.', groupSymbol: ',' }
const KW_FORMAT = { ...DE_FORMAT, pattern: 'KWD %s', precision: 3, requiredPrecision: 3, decimalSymbol: '.', groupSymbol: ',' }

/** A document whose one item has exactly these prices. */
const withItem = (sku: string, item: PriceDocument['items'][string], doc = makeDocument()) =>
  deepFreeze({ ...doc, items: { ...doc.items, [sku]: item } })

describe('convertWithDocument', () => {
  it('converts with the rate, rounding half away from zero to the cents of EUR, and labels in de-DE', () => {
    const doc = makeDocument({ rates: [{ base: 'USD', target: 'EUR', value: 0.9215 }] })
    expect([convertWithDocument(10, 'USD', doc), convertWithDocument(-10, 'usd', doc)]).toEqual([
      { amount: 9.22, currency: 'EUR', label: '9,22 €', base: { amount: 10, currency: 'USD', label: 'US$10.00' } },
      { amount: -9.22, currency: 'EUR', label: '-9,22 €', base: { amount: -10, currency: 'USD', label: '-US$10.00' } },
    ])
  })

  it('rounds a base amount to base cents first, as the store shows it (2.4975 → 2.50 → 2.30 €)', () => {
    expect(convertWithDocument(2.4975, 'USD', germany)).toEqual({
      amount: 2.3,
      currency: 'EUR',
      label: '2,30 €',
      base: { amount: 2.5, currency: 'USD', label: 'US$2.50' },
    })
  })

  it('converts to JPY with 0 decimals and to KWD with 3, grouping thousands', () => {
    expect([convertWithDocument(1999.99, 'USD', japan), convertWithDocument(30, 'USD', kuwait)]).toEqual([
      // 1999.99 × 151.37 = 302738.4863; 30 × 0.30745 = 9.2235 (a tie, away from zero)
      { amount: 302738, currency: 'JPY', label: '¥302,738', base: { amount: 1999.99, currency: 'USD', label: 'US$1,999.99' } },
      { amount: 9.224, currency: 'KWD', label: 'KWD 9.224', base: { amount: 30, currency: 'USD', label: 'US$30.00' } },
    ])
  })

  it('uses rate 1 for the experience currency itself and gives undefined without a rate or a finite amount', () => {
    expect([
      convertWithDocument(12.5, 'EUR', noRates),
      convertWithDocument(12.5, 'USD', noRates),
      convertWithDocument(Number.NaN, 'USD', germany),
      convertWithDocument(1e300, 'USD', germany),
    ]).toEqual([
      // the base label is in the base currency's own format
      { amount: 12.5, currency: 'EUR', label: '12,50 €', base: { amount: 12.5, currency: 'EUR', label: '€12,50' } },
      undefined,
      undefined,
      undefined,
    ])
  })
})

describe('magentoPriceFormat', () => {
  it('writes the experience format as Magento priceFormat: suffix €, prefix ¥ with 0 decimals, prefix KWD with 3', () => {
    expect([magentoPriceFormat(germany), magentoPriceFormat(japan), magentoPriceFormat(kuwait)]).toEqual([
      DE_FORMAT,
      JP_FORMAT,
      KW_FORMAT,
    ])
  })

  it('places the symbol as the experience format says: prefix in Germany gives €%s', () => {
    const doc = makeDocument({ format: { symbol: 'primary', label_formatters: ['symbol_prefix'] } })
    expect(magentoPriceFormat(doc)).toEqual({ ...DE_FORMAT, pattern: '€%s' })
  })
})

describe('rewritePriceBoxConfig', () => {
  it('takes final, base and old price from the document and the experience format, leaving the input as it was', () => {
    const input = deepFreeze(makePriceBoxConfig())
    const result = rewritePriceBoxConfig(input, germany, 'MH01')
    expect(result).toEqual({
      value: {
        productId: '1',
        priceFormat: DE_FORMAT,
        prices: {
          oldPrice: { amount: 27.4, adjustments: [] },
          basePrice: { amount: 21.9, adjustments: [] },
          finalPrice: { amount: 21.9, adjustments: [] },
        },
      },
      unlocalized: [],
    })
    expect(result.value).not.toBe(input)
    expect(input).toEqual(makePriceBoxConfig())
  })

  it('rewrites for Japan (JPY, 0 decimals) and Kuwait (KWD, 3 decimals)', () => {
    const input = deepFreeze(makePriceBoxConfig())
    expect([rewritePriceBoxConfig(input, japan, 'MH01'), rewritePriceBoxConfig(input, kuwait, 'MH01')]).toEqual([
      {
        value: {
          productId: '1',
          priceFormat: JP_FORMAT,
          prices: {
            oldPrice: { amount: 4490, adjustments: [] },
            basePrice: { amount: 3590, adjustments: [] },
            finalPrice: { amount: 3590, adjustments: [] },
          },
        },
        unlocalized: [],
      },
      {
        value: {
          productId: '1',
          priceFormat: KW_FORMAT,
          prices: {
            oldPrice: { amount: 8.875, adjustments: [] },
            basePrice: { amount: 7.125, adjustments: [] },
            finalPrice: { amount: 7.125, adjustments: [] },
          },
        },
        unlocalized: [],
      },
    ])
  })

  it('prefers final_price over localized_item_price for finalPrice and basePrice', () => {
    const doc = withItem('MH01', { ...makeItem('germany', 'MH01'), final_price: makePrice(19.9, 'EUR', '19,90 €', 20) })
    expect(rewritePriceBoxConfig(deepFreeze(makePriceBoxConfig()), doc, 'MH01').value.prices).toEqual({
      oldPrice: { amount: 27.4, adjustments: [] },
      basePrice: { amount: 19.9, adjustments: [] },
      finalPrice: { amount: 19.9, adjustments: [] },
    })
  })

  it('falls back to localized_item_price when the document has no final_price or regular_price', () => {
    const doc = withItem('MH01', { localized_item_price: makePrice(21.9, 'EUR', '21,90 €', 20) })
    expect(rewritePriceBoxConfig(deepFreeze(makePriceBoxConfig()), doc, 'MH01').value.prices).toEqual({
      oldPrice: { amount: 21.9, adjustments: [] },
      basePrice: { amount: 21.9, adjustments: [] },
      finalPrice: { amount: 21.9, adjustments: [] },
    })
  })

  it("empties the store's tax adjustments of document prices and converts any other entry by rate", () => {
    const input = deepFreeze(
      makePriceBoxConfig({
        prices: {
          finalPrice: { amount: 20, adjustments: { weee: 2 } },
          msrpPrice: { amount: 30, adjustments: { tax: 3 } },
        } as never,
      }),
    )
    expect(rewritePriceBoxConfig(input, germany, 'MH01').value.prices).toEqual({
      finalPrice: { amount: 21.9, adjustments: {} },
      msrpPrice: { amount: 27.6, adjustments: { tax: 2.76 } },
    })
  })

  it('leaves the whole config in base currency and reports a SKU the document lacks', () => {
    const input = deepFreeze(makePriceBoxConfig())
    expect(rewritePriceBoxConfig(input, germany, 'MH99')).toEqual({
      value: makePriceBoxConfig(),
      unlocalized: ['prices: no price for SKU "MH99" in experience germany'],
    })
  })
})

describe('rewriteConfigurableConfig', () => {
  it('localizes each child by its SKU, tier prices and MSRP by rate, top-level prices from the parent, and every format', () => {
    const input = deepFreeze(makeConfigurableConfig())
    const result = rewriteConfigurableConfig(input, germany, 'MH01')
    expect(result).toEqual({
      value: {
        ...makeConfigurableConfig(),
        template: '<%- data.price %> €',
        currencyFormat: '%s €',
        priceFormat: DE_FORMAT,
        optionPrices: {
          42: {
            baseOldPrice: { amount: 27.4 },
            oldPrice: { amount: 27.4 },
            basePrice: { amount: 21.9 },
            finalPrice: { amount: 21.9 },
            // 18 USD × 0.92; the percentage is relative and stays
            tierPrices: [{ qty: 2, price: 16.56, percentage: 10, basePrice: 16.56 }],
            msrpPrice: { amount: 27.6 },
          },
          43: {
            baseOldPrice: { amount: 27.4 },
            oldPrice: { amount: 27.4 },
            basePrice: { amount: 23.9 },
            finalPrice: { amount: 23.9 },
            tierPrices: [],
            msrpPrice: { amount: 27.6 },
          },
        },
        prices: { baseOldPrice: { amount: 27.4 }, oldPrice: { amount: 27.4 }, basePrice: { amount: 21.9 }, finalPrice: { amount: 21.9 } },
      },
      unlocalized: [],
    })
    expect(input).toEqual(makeConfigurableConfig())
  })

  it('rounds tier prices and MSRP to 0 decimals in JPY and 3 in KWD', () => {
    const input = deepFreeze(makeConfigurableConfig())
    const child = (doc: PriceDocument) => rewriteConfigurableConfig(input, doc, 'MH01').value.optionPrices[42]
    expect([child(japan), child(kuwait)]).toEqual([
      {
        baseOldPrice: { amount: 4490 },
        oldPrice: { amount: 4490 },
        basePrice: { amount: 3590 },
        finalPrice: { amount: 3590 },
        // 18 × 151.37 = 2724.66; 30 × 151.37 = 4541.1
        tierPrices: [{ qty: 2, price: 2725, percentage: 10, basePrice: 2725 }],
        msrpPrice: { amount: 4541 },
      },
      {
        baseOldPrice: { amount: 8.875 },
        oldPrice: { amount: 8.875 },
        basePrice: { amount: 7.125 },
        finalPrice: { amount: 7.125 },
        // 18 × 0.30745 = 5.5341; 30 × 0.30745 = 9.2235
        tierPrices: [{ qty: 2, price: 5.534, percentage: 10, basePrice: 5.534 }],
        msrpPrice: { amount: 9.224 },
      },
    ])
  })

  it('leaves everything in base currency and reports a child whose SKU the document lacks', () => {
    const doc = deepFreeze(makeDocument({ items: { MH01: makeItem('germany', 'MH01'), 'MH01-S-Black': makeItem('germany', 'MH01-S-Black') } }))
    const input = deepFreeze(makeConfigurableConfig())
    const result = rewriteConfigurableConfig(input, doc, 'MH01')
    expect(result).toEqual({
      value: makeConfigurableConfig(),
      unlocalized: ['optionPrices.42: no price for SKU "MH01-XS-Black" in experience germany'],
    })
    expect(result.value).not.toBe(input)
  })

  it('reports a child missing from flow_product_id_sku_map and a parent SKU not given', () => {
    const input = deepFreeze(makeConfigurableConfig({ flow_product_id_sku_map: { 43: 'MH01-S-Black' } }))
    expect(rewriteConfigurableConfig(input, germany)).toEqual({
      value: makeConfigurableConfig({ flow_product_id_sku_map: { 43: 'MH01-S-Black' } }),
      unlocalized: ['optionPrices.42: no SKU for product 42 in flow_product_id_sku_map', 'prices: no parent SKU given'],
    })
  })

  it('reports each amount it has to convert when the document has no rate for the base currency', () => {
    expect(rewriteConfigurableConfig(deepFreeze(makeConfigurableConfig()), noRates, 'MH01')).toEqual({
      value: makeConfigurableConfig(),
      unlocalized: [
        'optionPrices.42.tierPrices.0.price: no rate from USD to EUR in experience germany',
        'optionPrices.42.tierPrices.0.basePrice: no rate from USD to EUR in experience germany',
        'optionPrices.42.msrpPrice.amount: no rate from USD to EUR in experience germany',
        'optionPrices.43.msrpPrice.amount: no rate from USD to EUR in experience germany',
      ],
    })
  })

  it('keeps a product id named __proto__ as a key, never as a prototype', () => {
    const input = deepFreeze(
      JSON.parse(
        '{"optionPrices":{"__proto__":{"finalPrice":{"amount":20}}},"flow_product_id_sku_map":{"__proto__":"MH01-XS-Black"}}',
      ) as { optionPrices: Record<string, unknown> },
    )
    const { value, unlocalized } = rewriteConfigurableConfig(input, germany)
    expect([
      Object.getPrototypeOf(value.optionPrices) === Object.prototype,
      Object.getOwnPropertyDescriptor(value.optionPrices, '__proto__')?.value,
      unlocalized,
    ]).toEqual([true, { finalPrice: { amount: 21.9 } }, []])
  })
})

describe('rewriteSwatchConfig', () => {
  it("rewrites the swatch renderer's jsonConfig like a configurable one, keeping the swatch keys", () => {
    const input = deepFreeze(makeSwatchConfig())
    expect(rewriteSwatchConfig(input, japan, 'MH01')).toEqual({
      value: {
        ...makeSwatchConfig(),
        template: '¥<%- data.price %>',
        currencyFormat: '¥%s',
        priceFormat: JP_FORMAT,
        optionPrices: {
          42: {
            baseOldPrice: { amount: 4490 },
            oldPrice: { amount: 4490 },
            basePrice: { amount: 3590 },
            finalPrice: { amount: 3590 },
            tierPrices: [{ qty: 2, price: 2725, percentage: 10, basePrice: 2725 }],
            msrpPrice: { amount: 4541 },
          },
          43: {
            baseOldPrice: { amount: 4490 },
            oldPrice: { amount: 4490 },
            basePrice: { amount: 3990 },
            finalPrice: { amount: 3990 },
            tierPrices: [],
            msrpPrice: { amount: 4541 },
          },
        },
        prices: { baseOldPrice: { amount: 4490 }, oldPrice: { amount: 4490 }, basePrice: { amount: 3590 }, finalPrice: { amount: 3590 } },
      },
      unlocalized: [],
    })
  })
})

describe('rewriteCustomOptionPrices', () => {
  const options = (amounts: [number, number, number]) => {
    const prices = (amount: number) => ({ oldPrice: { amount, adjustments: [] }, basePrice: { amount }, finalPrice: { amount } })
    return {
      7: { prices: prices(amounts[0]), type: 'fixed', name: 'Gift message' },
      8: {
        21: { prices: prices(amounts[1]), type: 'fixed', name: 'No box' },
        22: { prices: prices(amounts[2]), type: 'percent', name: 'Engraving (10%)' },
      },
    }
  }

  it('converts fixed, negative and percent amounts (Magento sends a percent as its base amount) by rate', () => {
    const input = deepFreeze(makeCustomOptions())
    expect([rewriteCustomOptionPrices(input, germany, 'USD'), rewriteCustomOptionPrices(input, kuwait, 'USD')]).toEqual([
      { value: options([4.6, -4.6, 1.84]), unlocalized: [] },
      // 5 × 0.30745 = 1.53725; 2 × 0.30745 = 0.6149
      { value: options([1.537, -1.537, 0.615]), unlocalized: [] },
    ])
    expect(input).toEqual(makeCustomOptions())
  })

  it('leaves every option in base currency and reports each amount when there is no rate', () => {
    const paths = ['7', '8.21', '8.22'].flatMap((option) =>
      ['oldPrice', 'basePrice', 'finalPrice'].map((type) => `${option}.prices.${type}.amount: no rate from GBP to EUR in experience germany`),
    )
    expect(rewriteCustomOptionPrices(deepFreeze(makeCustomOptions()), germany, 'GBP')).toEqual({
      value: makeCustomOptions(),
      unlocalized: paths,
    })
  })

  it('reports an amount that is not a finite number', () => {
    const input = deepFreeze({ 1: { prices: { finalPrice: { amount: '5' } } }, 2: { prices: { finalPrice: { amount: Infinity } } } })
    expect(rewriteCustomOptionPrices(input as never, germany, 'USD')).toEqual({
      value: input,
      unlocalized: ['1.prices.finalPrice.amount: cannot convert "5"', '2.prices.finalPrice.amount: cannot convert Infinity'],
    })
  })
})

describe('rewriteLegacyLocalizedPrices', () => {
  const germanyEntry = (sku: 'MH01-XS-Black' | 'MH01-S-Black') => {
    const item = makeItem('germany', sku)
    return {
      sku,
      localized_item_price: { ...item.localized_item_price, includes: { key: 'vat', label: 'inkl. MwSt.' }, key: 'localized_item_price' },
      final_price: item.final_price,
      regular_price: item.regular_price,
    }
  }

  it("fills this experience's entry (key + country + currency) and leaves the other experiences' entries alone", () => {
    const input = deepFreeze(makeLegacyPrices())
    const result = rewriteLegacyLocalizedPrices(input, germany, { 42: 'MH01-XS-Black', 43: 'MH01-S-Black' })
    expect(result).toEqual({
      value: {
        canadaCANCAD: makeLegacyPrices().canadaCANCAD,
        germanyDEUEUR: { 42: germanyEntry('MH01-XS-Black'), 43: germanyEntry('MH01-S-Black') },
      },
      unlocalized: [],
    })
    expect(result.value.canadaCANCAD).toBe(input.canadaCANCAD)
  })

  it('starts from nothing when the page has no flow_localized_prices', () => {
    expect(rewriteLegacyLocalizedPrices(undefined, germany, { 42: 'MH01-XS-Black' })).toEqual({
      value: { germanyDEUEUR: { 42: germanyEntry('MH01-XS-Black') } },
      unlocalized: [],
    })
  })

  it('keeps what the entry had: codes the document lacks, and products it has no price for (reported)', () => {
    const input = deepFreeze({
      germanyDEUEUR: {
        42: { sku: 'MH01-XS-Black', localized_item_vat: { amount: 3.5, currency: 'EUR', label: '3,50 €' } },
        44: { sku: 'MH02', localized_item_price: { amount: 9.9, currency: 'EUR', label: '9,90 €' } },
      },
    })
    expect(rewriteLegacyLocalizedPrices(input, germany, { 42: 'MH01-XS-Black', 44: 'MH02' })).toEqual({
      value: {
        germanyDEUEUR: {
          42: { ...germanyEntry('MH01-XS-Black'), localized_item_vat: { amount: 3.5, currency: 'EUR', label: '3,50 €' } },
          44: { sku: 'MH02', localized_item_price: { amount: 9.9, currency: 'EUR', label: '9,90 €' } },
        },
      },
      unlocalized: ['germanyDEUEUR.44: no price for SKU "MH02" in experience germany'],
    })
  })

  it('keeps a product id named __proto__ as a key, never as a prototype', () => {
    const { value } = rewriteLegacyLocalizedPrices(undefined, germany, JSON.parse('{"__proto__":"MH01-XS-Black"}'))
    const entries = value.germanyDEUEUR!
    expect([Object.getPrototypeOf(entries) === Object.prototype, Object.getOwnPropertyDescriptor(entries, '__proto__')?.value]).toEqual([
      true,
      germanyEntry('MH01-XS-Black'),
    ])
  })
})

describe('localizeGenericPrices', () => {
  const usd = (amount: number) => ({ amount, currency: 'USD', label: `US$${amount.toFixed(2)}` })

  it('takes each price from the document and reports, in base currency, unknown SKUs and codes', () => {
    const input = deepFreeze({
      items: {
        'MH01-XS-Black': { localized_item_price: usd(20), regular_price: usd(25), special_price: usd(18) },
        MH99: { localized_item_price: usd(9) },
        constructor: { localized_item_price: usd(1) },
      },
    })
    expect(localizeGenericPrices(input, germany)).toEqual({
      value: {
        items: {
          'MH01-XS-Black': {
            localized_item_price: { amount: 21.9, currency: 'EUR', label: '21,90 €' },
            regular_price: { amount: 27.4, currency: 'EUR', label: '27,40 €' },
            special_price: usd(18),
          },
          MH99: { localized_item_price: usd(9) },
          constructor: { localized_item_price: usd(1) },
        },
      },
      unlocalized: [
        'items["MH01-XS-Black"].special_price: no "special_price" price for SKU "MH01-XS-Black" in experience germany',
        'items.MH99: no price for SKU "MH99" in experience germany',
        'items.constructor: no price for SKU "constructor" in experience germany',
      ],
    })
  })

  it("localizes to JPY, with the document's includes", () => {
    const input = deepFreeze({ items: { 'MH01-S-Black': { final_price: usd(22), regular_price: usd(25), includes: { key: 'none', label: '' } } } })
    expect(localizeGenericPrices(input, japan)).toEqual({
      value: {
        items: {
          'MH01-S-Black': {
            final_price: { amount: 3990, currency: 'JPY', label: '¥3,990' },
            regular_price: { amount: 4490, currency: 'JPY', label: '¥4,490' },
            includes: { key: 'vat', label: 'Includes VAT' },
          },
        },
      },
      unlocalized: [],
    })
  })
})
