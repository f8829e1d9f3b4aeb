export { getPriceDocument, localizePrices, observePrices } from './localize.js'
export { HEAD_SNIPPET, headSnippet } from './head-snippet.js'
export { PRICE_DOCUMENT_VERSION } from './document.js'
export type { DocumentExperience, Includes, ItemPrices, LocalizedPrice, Price, PriceDocument, Rate } from './document.js'
export { isExpired, parsePriceDocument } from './validate.js'
export {
  convertWithDocument,
  localizeGenericPrices,
  magentoPriceFormat,
  rewriteConfigurableConfig,
  rewriteCustomOptionPrices,
  rewriteLegacyLocalizedPrices,
  rewritePriceBoxConfig,
  rewriteSwatchConfig,
} from './json.js'
export type {
  ConfigurableConfig,
  CustomOptionPrice,
  CustomOptionPrices,
  GenericPriceJson,
  LegacyLocalizedPrices,
  MagentoPriceFormat,
  PriceBoxConfig,
  Rewritten,
} from './json.js'
