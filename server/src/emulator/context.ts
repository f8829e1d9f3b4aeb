import type { WebhookDeliveries } from './delivery.js'
import type { FaultInjector } from './faults.js'
import type { ReferenceData } from './reference.js'
import type { EmulatorState, StateStore } from './state.js'

/** What every route handler receives besides the request: the state and the emulator's services. */
export type EmulatorContext = {
  store: StateStore
  /** The current state (`store.state`). */
  readonly state: EmulatorState
  ref: ReferenceData
  /** The emulator's base URL (`http://127.0.0.1:PORT`), known once it listens. */
  url: string
  /** Geo entries from `startEmulator({ geo })`, consulted before the state's own table. */
  geoOverrides: Record<string, string>
  deliveries: WebhookDeliveries
  faults: FaultInjector
  /** Replaces the state with a fresh one from the seed (deliveries in flight are dropped). */
  reset(): Promise<void>
  now(): Date
}
