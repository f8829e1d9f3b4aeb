// Price documents: the per-experience localized price JSON for pages and CDNs.
export { buildPriceDocuments, priceDocumentFileName, writeAtomically, writePriceDocuments } from './build.js'
export type { BuildPricesOptions, BuiltDocument, PricesClient } from './build.js'
export { PRICE_DOCUMENT_VERSION } from './document.js'
export type { CurrencyFormat, DocumentExperience, Includes, ItemPrices, LocalizedPrice, Price, PriceDocument, Rate } from './document.js'
