import { IDBFactory, IDBObjectStore } from 'fake-indexeddb'
import { createStore, set as idbSet } from 'idb-keyval'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cacheKey, createCache } from './cache.js'
import type { CacheOptions } from './cache.js'
import type { FlowStorefrontError } from './errors.js'

// happy-dom has no IndexedDB: each test that wants one gets a fresh fake-indexeddb factory.
const withIndexedDB = (factory: unknown = new IDBFactory()) => {
  vi.stubGlobal('indexedDB', factory)
  return factory
}

// Records what the cache reports and every unhandled rejection, which must stay empty.
let unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeEach(() => {
  unhandled = []
  process.on('unhandledRejection', onUnhandled)
})
afterEach(async () => {
  // Let any rejection nobody handled surface before checking.
  await new Promise((resolve) => setTimeout(resolve, 0))
  process.off('unhandledRejection', onUnhandled)
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  expect(unhandled).toEqual([])
})

function makeCache(options: CacheOptions = {}) {
  const errors: FlowStorefrontError[] = []
  let clock = 1_000_000
  const cache = createCache({
    dbName: `test-${Math.random()}`,
    now: () => clock,
    defaultTtlMs: 1000,
    onError: (error) => errors.push(error),
    ...options,
  })
  return { cache, errors, tick: (ms: number) => (clock += ms) }
}

describe('createCache', () => {
  it.each(['indexeddb', 'memory'] as const)('%s: entries expire after their TTL', async (kind) => {
    withIndexedDB()
    const { cache, tick, errors } = makeCache({ kind })
    await cache.set('short', { amount: 1 })
    await cache.set('long', { amount: 2 }, 5000)
    const at = async () => ({ short: await cache.get('short'), long: await cache.get('long') })
    const before = await at()
    tick(999)
    const almost = await at()
    tick(1)
    const after = await at()
    expect({ before, almost, after, kind: cache.kind, errors }).toEqual({
      before: { short: { amount: 1 }, long: { amount: 2 } },
      almost: { short: { amount: 1 }, long: { amount: 2 } },
      after: { short: undefined, long: { amount: 2 } },
      kind,
      errors: [],
    })
  })

  it('deletes an entry', async () => {
    withIndexedDB()
    const { cache } = makeCache()
    await cache.set('k', 1)
    await cache.delete('k')
    expect(await cache.get('k')).toBeUndefined()
  })

  it('auto uses IndexedDB where there is one and memory, silently, where there is none', () => {
    const bare = makeCache()
    withIndexedDB()
    const browser = makeCache()
    expect({ bare: bare.cache.kind, browser: browser.cache.kind, errors: bare.errors }).toEqual({
      bare: 'memory',
      browser: 'indexeddb',
      errors: [],
    })
  })

  it('auto uses memory when merely touching indexedDB throws (sandboxed iframe)', async () => {
    Object.defineProperty(globalThis, 'indexedDB', {
      configurable: true,
      get: () => {
        throw new DOMException('The operation is insecure.', 'SecurityError')
      },
    })
    try {
      const { cache } = makeCache()
      await cache.set('k', 1)
      expect({ kind: cache.kind, value: await cache.get('k') }).toEqual({ kind: 'memory', value: 1 })
    } finally {
      delete (globalThis as { indexedDB?: unknown }).indexedDB
    }
  })

  it('keeps a value across cache instances (a new page) with IndexedDB', async () => {
    withIndexedDB()
    const dbName = 'persist'
    await makeCache({ dbName }).cache.set('k', { sku: 'A', amount: 1999 })
    const next = makeCache({ dbName })
    expect({ value: await next.cache.get('k'), kind: next.cache.kind }).toEqual({
      value: { sku: 'A', amount: 1999 },
      kind: 'indexeddb',
    })
  })

  it('falls back to memory, reporting once, when indexedDB.open throws', async () => {
    const open = vi.fn(() => {
      throw new DOMException('denied', 'SecurityError')
    })
    withIndexedDB({ open })
    const { cache, errors } = makeCache()
    expect(cache.kind).toBe('indexeddb')
    await Promise.all([cache.set('a', 1), cache.set('b', 2), cache.get('c')])
    await cache.set('c', 3)
    const values = [await cache.get('a'), await cache.get('b'), await cache.get('c')]
    expect({
      values,
      kind: cache.kind,
      errors: errors.map((e) => [e.name, e.code, (e.cause as DOMException).name]),
      opens: open.mock.calls.length > 0,
    }).toEqual({
      // 'a' and 'b' failed in IndexedDB and were written to memory instead.
      values: [1, 2, 3],
      kind: 'memory',
      errors: [['FlowStorefrontError', 'storage', 'SecurityError']],
      opens: true,
    })
  })

  it('falls back to memory when opening never finishes (blocked)', async () => {
    withIndexedDB({ open: () => ({}) })
    const { cache, errors } = makeCache({ timeoutMs: 10 })
    await cache.set('k', 'v')
    expect({ value: await cache.get('k'), kind: cache.kind, errors: errors.length }).toEqual({
      value: 'v',
      kind: 'memory',
      errors: 1,
    })
  })

  it('falls back to memory when a write throws (quota), keeping the value readable', async () => {
    withIndexedDB()
    const { cache, errors } = makeCache()
    await cache.set('before', 1)
    expect(await cache.get('before')).toBe(1)
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    })
    await cache.set('k', { big: true })
    expect({
      value: await cache.get('k'),
      kind: cache.kind,
      errors: errors.map((e) => [e.code, (e.cause as DOMException).name]),
    }).toEqual({
      value: { big: true },
      kind: 'memory',
      errors: [['storage', 'QuotaExceededError']],
    })
  })

  it('falls back to memory when a write transaction aborts without an error', async () => {
    withIndexedDB()
    const { cache, errors } = makeCache()
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore) {
      this.transaction.abort()
      return {} as IDBRequest
    })
    await cache.set('k', 'v')
    expect({ value: await cache.get('k'), kind: cache.kind, errors: errors.length }).toEqual({
      value: 'v',
      kind: 'memory',
      errors: 1,
    })
  })

  it('reads an entry it did not write (another format) as missing', async () => {
    withIndexedDB()
    const dbName = 'foreign'
    const { cache } = makeCache({ dbName })
    await cache.set('k', 'mine')
    await idbSet('k', 'a bare value', createStore(dbName, 'cache'))
    expect(await cache.get('k')).toBeUndefined()
  })

  it('none stores nothing and never touches IndexedDB', async () => {
    const open = vi.fn()
    withIndexedDB({ open })
    const { cache } = makeCache({ kind: 'none' })
    await cache.set('k', 1)
    await cache.delete('k')
    expect({ value: await cache.get('k'), kind: cache.kind, opens: open.mock.calls.length }).toEqual({
      value: undefined,
      kind: 'none',
      opens: 0,
    })
  })

  it('does not reject when onError throws', async () => {
    withIndexedDB({
      open: () => {
        throw new Error('no')
      },
    })
    const cache = createCache({
      onError: () => {
        throw new Error('listener bug')
      },
    })
    await expect(cache.set('k', 1)).resolves.toBeUndefined()
    expect(await cache.get('k')).toBe(1)
  })
})

describe('cacheKey', () => {
  const base = { organization: 'demo', experience: 'germany', currency: 'EUR', name: 'items' }

  it('joins version, organization, experience, currency and name', () => {
    expect(cacheKey(base)).toBe('v1:demo:germany:EUR:items')
  })

  it('never gives two different documents the same key', () => {
    const variants = [
      base,
      { ...base, experience: 'france' },
      { ...base, currency: 'USD' },
      { ...base, version: 'v2' },
      { ...base, version: 2 },
      { ...base, organization: 'other' },
      { ...base, name: 'prices' },
      // Equal once naively joined with ':' ('v1:demo:a:b:EUR:items'); encoding keeps them apart.
      { ...base, experience: 'a:b' },
      { ...base, organization: 'demo:a', experience: 'b' },
    ]
    const keys = variants.map((parts) => cacheKey(parts))
    expect(new Set(keys).size).toBe(variants.length)
  })

  it('treats the currency code case-insensitively', () => {
    expect(cacheKey({ ...base, currency: 'eur' })).toBe(cacheKey(base))
  })

  it.each(['organization', 'experience', 'currency', 'name', 'version'])(
    'throws a TypeError naming an empty %s',
    (part) => {
      expect(() => cacheKey({ ...base, [part]: ' ' })).toThrow(new RegExp(`^cacheKey\\(\\): ${part} must be`))
      expect(() => cacheKey({ ...base, [part]: '' })).toThrow(TypeError)
      // A missing version takes the default; any other missing part is a mistake.
      if (part !== 'version') expect(() => cacheKey({ ...base, [part]: undefined as unknown as string })).toThrow(TypeError)
    },
  )
})
