// The per-experience price document the server writes for a CDN has one schema, the SDK's
// (src/price/document.ts, DOM-free): the browser that reads documents and the server that writes
// them cannot drift apart.
export { PRICE_DOCUMENT_VERSION } from 'flow-storefront/price-document'
export type { DocumentExperience, Includes, ItemPrices, LocalizedPrice, Price, PriceDocument, Rate } from 'flow-storefront/price-document'
export type { CurrencyFormat } from 'flow-storefront/money'
