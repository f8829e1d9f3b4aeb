// Importing the SDK during server-side rendering (Node, no DOM) must neither throw nor leave
// anything behind on globalThis: every effect waits for a call.
import { describe, expect, it } from 'vitest'

const ENTRIES = ['../src/index.ts', '../src/umd.ts']

const snapshot = () => [...Reflect.ownKeys(globalThis)].map(String).sort()

// Globals our dependencies create on import, by design, and nothing of ours:
// - nanostores keeps its epoch counter on globalThis so every copy of it on a page agrees;
// - Node's fetch (undici) registers its dispatcher the first time ky builds a Request.
const DEPENDENCY_GLOBALS = ['nanostoresGlobal', /^Symbol\(undici\./]
const ours = (names: string[]) => names.filter((name) => !DEPENDENCY_GLOBALS.some((allowed) => (typeof allowed === 'string' ? name === allowed : allowed.test(name))))

describe('SSR import', () => {
  it.each(ENTRIES)('%s imports in Node without throwing or adding a global', async (entry) => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined')
    const before = snapshot()
    const module = await import(/* @vite-ignore */ entry)
    expect(Object.keys(module).length).toBeGreaterThan(0)
    expect(ours(snapshot().filter((name) => !before.includes(name)))).toEqual([])
  })
})
