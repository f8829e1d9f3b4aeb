// The public names of the package, pinned: adding or removing one is an API change and must be a
// deliberate edit here (and in the README).
import { expect, it } from 'vitest'
import * as api from '../src/index.js'

it('exports exactly the public API', () => {
  expect(Object.keys(api).sort()).toEqual([
    '$session',
    'FlowStorefrontError',
    'HEAD_SNIPPET',
    'PRICE_DOCUMENT_VERSION',
    'VERSION',
    'addMinor',
    'allocate',
    'configure',
    'convertMinor',
    'convertWithDocument',
    'createEmitter',
    'currencyDecimals',
    'currencySymbol',
    'formatMoney',
    'fromMinor',
    'getConfig',
    'getPriceDocument',
    'headSnippet',
    'isExpired',
    'isFlowStorefrontError',
    'localizeGenericPrices',
    'localizePrices',
    'magentoPriceFormat',
    'observePrices',
    'on',
    'parseMoney',
    'parsePriceDocument',
    'rewriteConfigurableConfig',
    'rewriteCustomOptionPrices',
    'rewriteLegacyLocalizedPrices',
    'rewritePriceBoxConfig',
    'rewriteSwatchConfig',
    'roundMinor',
    'setCountry',
    'setExperience',
    'startSession',
    'toDecimalString',
    'toMinor',
  ])
})
