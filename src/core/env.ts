// The one place (with files named `dom.ts`) that reaches for browser globals, and only inside
// functions: importing the SDK in Node, a worker or during SSR must do nothing.

/** The page's `window`, or `undefined` outside a browser (SSR, Node, workers). */
export function getWindow(): Window | undefined {
  return typeof window === 'undefined' ? undefined : window
}

/** The page's `document`, or `undefined` outside a browser. */
export function getDocument(): Document | undefined {
  return typeof document === 'undefined' ? undefined : document
}

/** The IndexedDB factory, or `undefined` where there is none (or touching it throws). */
export function getIndexedDB(): IDBFactory | undefined {
  try {
    return typeof indexedDB === 'undefined' ? undefined : indexedDB
  } catch {
    // Some sandboxed iframes throw a SecurityError on mere access.
    return undefined
  }
}

/** True in development builds: `false` in the UMD file, `process.env.NODE_ENV !== 'production'` in ESM. */
export function isDev(): boolean {
  return __DEV__
}

/** The SDK version, replaced at build time. */
export const VERSION: string = __VERSION__

const warned = new Set<string>()

/**
 * Logs a development warning once per message (nanostores' warn-once); silent in production builds.
 *
 * @example
 * warnOnce('localizePrices(): no element has data-flow-item-number.') // logs once, then never again
 */
export function warnOnce(message: string): void {
  if (!__DEV__ || warned.has(message)) return
  warned.add(message)
  console.warn(`flow-storefront: ${message}`)
}
