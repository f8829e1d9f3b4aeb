// Importing the SDK during server-side rendering (Node, no DOM) must neither throw nor leave
// anything behind on globalThis: every effect waits for a call.
import { describe, expect, it } from 'vitest'

const ENTRIES = ['../src/index.ts', '../src/umd.ts']

const snapshot = () => [...Reflect.ownKeys(globalThis)].map(String).sort()

describe('SSR import', () => {
  it.each(ENTRIES)('%s imports in Node without throwing or adding a global', async (entry) => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined')
    const before = snapshot()
    const module = await import(/* @vite-ignore */ entry)
    expect(Object.keys(module).length).toBeGreaterThan(0)
    expect(snapshot()).toEqual(before)
  })
})
