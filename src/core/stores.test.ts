import { describe, expect, it } from 'vitest'
import { sharedAtom, sharedValue } from './stores.js'

describe('sharedAtom', () => {
  it('gives two copies with the same key one underlying store', () => {
    const a = sharedAtom('test-shared', 0)
    const b = sharedAtom('test-shared', 0)
    const seen: number[] = []
    const off = b.listen((value) => seen.push(value))
    a.set(5)
    off()
    expect({ a: a.get(), b: b.value, seen }).toEqual({ a: 5, b: 5, seen: [5] })
  })

  it('creates nothing on globalThis until first used', () => {
    const key = Symbol.for('flow-storefront.stores')
    const g = globalThis as Record<symbol, unknown>
    const before = g[key]
    delete g[key]
    const store = sharedAtom('test-lazy', 'x')
    expect(g[key]).toBeUndefined()
    expect(store.get()).toBe('x')
    expect(g[key]).toBeInstanceOf(Map)
    g[key] = before
  })
})

describe('sharedValue', () => {
  it('creates the value once and hands every caller the same one', () => {
    let created = 0
    const make = () => ({ id: ++created })
    expect([sharedValue('test-value', make), sharedValue('test-value', make), created]).toEqual([{ id: 1 }, { id: 1 }, 1])
  })
})
