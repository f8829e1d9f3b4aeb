// The public ESM surface of flow-storefront: named exports only, nothing runs on import.
// test/exports.test.ts pins this list; a change here is a change to the public API.

export { FlowStorefrontError, isFlowStorefrontError } from './core/errors.js'
export type { FlowErrorCode, FlowErrorOptions } from './core/errors.js'
export { createEmitter, on } from './core/events.js'
export type { CatalogLocalized, Emitter, EventMap, SdkEvents } from './core/events.js'
export { VERSION } from './core/env.js'
export { configure, getConfig } from './core/config.js'
export type { Config, ConfigOptions } from './core/config.js'
export {
  addMinor,
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
export { $session, setCountry, setExperience, startSession } from './session/index.js'
export type { Session } from './session/index.js'
export * from './price/index.js'
