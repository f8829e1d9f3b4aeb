import { atom, type WritableAtom } from 'nanostores'

const REGISTRY = Symbol.for('flow-storefront.stores')
const VALUES = Symbol.for('flow-storefront.values')

type Registry = Map<string, WritableAtom<unknown>>

/** A nanostores-compatible store whose atom lives in a page-wide registry (see `sharedAtom`). */
export type SharedAtom<Value> = Pick<WritableAtom<Value>, 'get' | 'set' | 'listen' | 'subscribe'> & {
  readonly value: Value
  readonly key: string
}

function registry(): Registry {
  const g = globalThis as { [REGISTRY]?: Registry }
  return (g[REGISTRY] ??= new Map())
}

/**
 * An atom shared by every copy of the SDK on the page: the UMD file and an ESM import each get
 * the same underlying store, so a country switched through one is seen by the other. The atom is
 * looked up (and the registry on `globalThis` created) on first use, never at import.
 *
 * @example
 * const $count = sharedAtom('count', 0)
 * $count.set(1)
 * sharedAtom('count', 0).get() // 1 — same store, even from another bundle
 */
/* @__NO_SIDE_EFFECTS__ */
export function sharedAtom<Value>(key: string, initial: Value): SharedAtom<Value> {
  let resolved: WritableAtom<Value> | undefined
  const store = (): WritableAtom<Value> => {
    if (resolved) return resolved
    const map = registry()
    let found = map.get(key) as WritableAtom<Value> | undefined
    if (!found) {
      found = atom(initial)
      map.set(key, found as WritableAtom<unknown>)
    }
    return (resolved = found)
  }
  return {
    key,
    get value() {
      return store().get()
    },
    get: () => store().get(),
    set: (value) => store().set(value),
    listen: (listener) => store().listen(listener),
    subscribe: (listener) => store().subscribe(listener),
  }
}

/**
 * A page-wide singleton (an emitter, the configuration) shared by every copy of the SDK, created
 * by `create` on first use.
 *
 * @example
 * const events = sharedValue('events', () => createEmitter())
 */
export function sharedValue<Value>(key: string, create: () => Value): Value {
  const g = globalThis as { [VALUES]?: Map<string, unknown> }
  const map = (g[VALUES] ??= new Map())
  if (!map.has(key)) map.set(key, create())
  return map.get(key) as Value
}
