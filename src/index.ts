// The public ESM surface of flow-storefront: named exports only, nothing runs on import.
// test/exports.test.ts pins this list; a change here is a change to the public API.

export { FlowStorefrontError, isFlowStorefrontError } from './core/errors.js'
export type { FlowErrorCode, FlowErrorOptions } from './core/errors.js'
export { createEmitter } from './core/events.js'
export type { Emitter, EventMap } from './core/events.js'
export { VERSION } from './core/env.js'
export { sharedAtom } from './core/stores.js'
export type { SharedAtom } from './core/stores.js'
export {
  allocate,
  convertMinor,
  currencyDecimals,
  currencySymbol,
  formatMoney,
  fromMinor,
  parseMoney,
  roundMinor,
  toDecimalString,
  toMinor,
} from './core/money.js'
export type { CurrencyFormat, LabelFormatter, Rounding } from './core/money.js'
export { createHttp } from './core/http.js'
export { cacheKey, createCache } from './core/cache.js'
export type { Cache } from './core/cache.js'
