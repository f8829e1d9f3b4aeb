import { createStore, del, get, set } from 'idb-keyval'
import { getIndexedDB } from './env.js'
import { FlowStorefrontError } from './errors.js'

/**
 * Where a {@link Cache} keeps its entries; `indexeddb` turns into `memory` after a storage failure.
 *
 * @example
 * createCache({ kind: 'memory' }).kind // → 'memory'
 */
export type CacheKind = 'indexeddb' | 'memory' | 'none'

/**
 * The cache port: small async key–value storage with a time to live per entry. It never throws
 * and never rejects; a value that cannot be stored or read is simply not there. The memory kind
 * returns the stored object itself, so treat values as immutable.
 *
 * @example
 * const cache: Cache = createCache()
 * await cache.set('k', { a: 1 }, 60_000)
 * await cache.get<{ a: number }>('k') // → { a: 1 } within a minute, then undefined
 */
export type Cache = {
  /** The value stored under `key`, or `undefined` when there is none or it has expired. */
  get<T>(key: string): Promise<T | undefined>
  /** Stores a structured-cloneable `value` for `ttlMs` (the cache's `defaultTtlMs` when omitted). */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>
  delete(key: string): Promise<void>
  /** The storage in use right now. */
  readonly kind: CacheKind
}

/**
 * Options of {@link createCache}.
 *
 * @example
 * const options: CacheOptions = { kind: 'auto', defaultTtlMs: 15 * 60_000, onError: (e) => emit('error', e) }
 */
export type CacheOptions = {
  /** `auto` (default): IndexedDB where there is one, else memory. `none` stores nothing. */
  kind?: 'auto' | CacheKind
  /** IndexedDB database; one object store per database (idb-keyval never upgrades an existing one). */
  dbName?: string
  storeName?: string
  /** Clock for expiry, in ms. */
  now?: () => number
  /** Time to live of an entry stored without one. Default one hour. */
  defaultTtlMs?: number
  /** An IndexedDB call that takes longer (Safari has left `open` pending forever) counts as a failure. Default 1000. */
  timeoutMs?: number
  /** Told once, with a `storage` error, when IndexedDB fails and the cache falls back to memory. */
  onError?: (error: FlowStorefrontError) => void
}

type Entry = { v: unknown; exp: number }

/**
 * Creates a {@link Cache}: IndexedDB (an idb-keyval custom store) when available, falling back to
 * memory for the rest of the page when IndexedDB is missing, blocked, throws on open, times out or
 * fails a write (quota, private mode), and storing nothing with `kind: 'none'`. Entries expire
 * after their TTL. Nothing is opened until the first call.
 *
 * @example
 * const cache = createCache({ defaultTtlMs: 15 * 60_000, onError: (e) => console.warn(e.message) })
 * await cache.set('v1:demo:germany:EUR:items', { sku1: 1999 })
 * await cache.get('v1:demo:germany:EUR:items') // → { sku1: 1999 } for 15 minutes, then undefined
 * cache.kind // → 'indexeddb' (or 'memory' where IndexedDB is unavailable)
 */
export function createCache({
  kind: wanted = 'auto',
  dbName = 'flow-storefront',
  storeName = 'cache',
  now = Date.now,
  defaultTtlMs = 3_600_000,
  timeoutMs = 1000,
  onError,
}: CacheOptions = {}): Cache {
  let kind: CacheKind = wanted === 'auto' ? (getIndexedDB() ? 'indexeddb' : 'memory') : wanted
  const memory = new Map<string, Entry>()
  // idb-keyval keeps the open promise and drops it when opening fails or Safari closes the connection.
  const store = createStore(dbName, storeName)

  const run = <R>(idb: (s: typeof store) => Promise<R>, mem: () => R): Promise<R | undefined> =>
    kind === 'indexeddb'
      ? new Promise<R>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`IndexedDB did not answer within ${timeoutMs} ms`)), timeoutMs)
          // `then` turns a synchronous throw (no `indexedDB`, SecurityError on open) into a rejection.
          Promise.resolve(store)
            .then(idb)
            .then(resolve, reject)
            .finally(() => clearTimeout(timer))
        }).catch((cause: unknown) => {
          if (kind === 'indexeddb') {
            kind = 'memory'
            try {
              onError?.(
                new FlowStorefrontError(
                  'storage',
                  'createCache(): IndexedDB failed; caching in memory for this page. If it persists, check private mode, blocked site data and quota.',
                  { cause },
                ),
              )
            } catch {
              // A throwing onError must not turn into a rejection.
            }
          }
          return mem()
        })
      : Promise.resolve(kind === 'memory' ? mem() : undefined)

  const read = (entry: unknown) => {
    const e = entry as Entry | undefined
    return e && e.exp > now() ? e.v : undefined
  }

  return {
    get kind() {
      return kind
    },
    get: <T>(key: string) =>
      run(
        (s) => get<unknown>(key, s),
        () => memory.get(key),
      ).then(read) as Promise<T | undefined>,
    set: (key, value, ttlMs = defaultTtlMs) => {
      const entry: Entry = { v: value, exp: now() + ttlMs }
      return run(
        (s) => set(key, entry, s),
        () => void memory.set(key, entry),
      )
    },
    delete: (key) =>
      run(
        (s) => del(key, s),
        () => void memory.delete(key),
      ),
  }
}

/**
 * The default version part of {@link cacheKey}; bump it when what the SDK stores changes shape, so
 * old entries are never read as new ones.
 *
 * @example
 * cacheKey({ organization: 'demo', experience: 'germany', currency: 'EUR', name: 'items' }).startsWith(CACHE_FORMAT_VERSION) // → true
 */
export const CACHE_FORMAT_VERSION = 'v1'

/**
 * The parts of a {@link cacheKey}: every one non-empty.
 *
 * @example
 * const parts: CacheKeyParts = { organization: 'demo', experience: 'germany', currency: 'EUR', name: 'prices', version: 'd1' }
 * // cacheKey(parts) → 'd1:demo:germany:EUR:prices'
 */
export type CacheKeyParts = {
  organization: string
  experience: string
  /** ISO 4217 code; compared case-insensitively. */
  currency: string
  /** What is stored, e.g. `items` or `prices`. */
  name: string
  version?: string | number
}

/**
 * The cache key of one document: format version, organization, experience, currency and name.
 * Each part is URI-encoded and joined with `:`, so distinct parts never give the same key: another
 * experience, currency or version never reads this one's prices. Throws a `TypeError` naming an
 * empty or missing part.
 *
 * @example
 * cacheKey({ organization: 'demo', experience: 'germany', currency: 'eur', name: 'items' })
 * // → 'v1:demo:germany:EUR:items'
 */
export function cacheKey({
  organization,
  experience,
  currency,
  name,
  version = CACHE_FORMAT_VERSION,
}: CacheKeyParts): string {
  const parts = { version: String(version), organization, experience, currency, name }
  for (const [part, value] of Object.entries(parts)) {
    if (typeof value !== 'string' || !value.trim()) {
      throw new TypeError(`cacheKey(): ${part} must be a non-empty string, received ${JSON.stringify(value)}.`)
    }
  }
  parts.currency = currency.toUpperCase()
  return Object.values(parts).map(encodeURIComponent).join(':')
}
