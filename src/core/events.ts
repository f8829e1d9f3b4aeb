import { sharedValue } from './stores.js'

/** A listener map: event name → payload type. */
export type EventMap = Record<string, unknown>

export type Emitter<Events extends EventMap> = {
  /** Subscribes to one event; returns the function that unsubscribes. */
  on<Name extends keyof Events>(name: Name, listener: (payload: Events[Name]) => void): () => void
  /** Calls every listener of `name` in subscription order. A listener that throws does not stop the others. */
  emit<Name extends keyof Events>(name: Name, payload: Events[Name]): void
}

/**
 * A tiny typed event emitter. Errors thrown by listeners are handed to `onListenerError`
 * (by default `reportError`, which reaches `window.onerror` without throwing, or `console.error`).
 *
 * @example
 * const events = createEmitter<{ ready: { ms: number } }>()
 * const off = events.on('ready', ({ ms }) => console.log(ms))
 * events.emit('ready', { ms: 12 }) // logs 12
 * off()
 */
export function createEmitter<Events extends EventMap>(
  onListenerError: (error: unknown) => void = report,
): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>()
  return {
    on(name, listener) {
      let set = listeners.get(name)
      if (!set) listeners.set(name, (set = new Set()))
      set.add(listener as (payload: never) => void)
      return () => {
        set.delete(listener as (payload: never) => void)
      }
    },
    emit(name, payload) {
      const set = listeners.get(name)
      if (!set) return
      // Copy first: a listener may unsubscribe itself or others while we iterate.
      for (const listener of [...set]) {
        try {
          ;(listener as (payload: Events[typeof name]) => void)(payload)
        } catch (error) {
          onListenerError(error)
        }
      }
    },
  }
}

function report(error: unknown): void {
  const g = globalThis as { reportError?: (error: unknown) => void }
  if (typeof g.reportError === 'function') g.reportError(error)
  else console.error(error)
}

/** Counts and timings of one catalog localization pass. */
export type CatalogLocalized = {
  /** Price elements written with a local price. */
  localized: number
  /** Of those, how many were known when the pass began (IndexedDB, memory, or a first visit's prices asked for alongside its session), not fetched by it. */
  fromCache: number
  /** Elements left in base currency (item excluded, no price for the code, or no rate). */
  unlocalized: number
  /** Milliseconds from the call to the last write. */
  ms: number
}

/** The discrete happenings of the SDK, by name. State lives in stores (`$session`); these only announce. */
export type SdkEvents = {
  /** The session is known (or localization is off: `experience` undefined) and localizers may run. */
  ready: { experience: string | undefined }
  /** The shopper's experience changed (country picker, `setCountry`, another tab). */
  sessionChanged: { experience: string; country: string; currency: string }
  catalogLocalized: CatalogLocalized
  /** Something failed; the page shows base prices where it had to. Never thrown at the page. */
  error: { code: string; message: string; error: unknown }
}

type SdkEmitter = Emitter<SdkEvents>
const emitter = (): SdkEmitter => sharedValue('events', () => createEmitter<SdkEvents>())

/**
 * Subscribes to an SDK event (shared by every copy of the SDK on the page); returns the function
 * that unsubscribes.
 *
 * @example
 * const off = on('catalogLocalized', ({ localized, ms }) => console.log(`${localized} prices in ${ms} ms`))
 */
export function on<Name extends keyof SdkEvents>(name: Name, listener: (payload: SdkEvents[Name]) => void): () => void {
  return emitter().on(name, listener)
}

/** Emits an SDK event to every subscriber. */
export function emit<Name extends keyof SdkEvents>(name: Name, payload: SdkEvents[Name]): void {
  emitter().emit(name, payload)
}
