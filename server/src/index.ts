// flow-storefront-server: the public library API. Each capability lives in its folder; this file
// only re-exports their doors.
export * from './client/index.js'
export { startEmulator } from './emulator/index.js'
export type { FaultRule, RunningEmulator, StartEmulatorOptions } from './emulator/index.js'
export { ConfigError, loadConfig } from './config.js'
export type { AdapterConfig } from './config.js'
export { openDb } from './store/sqlite.js'
