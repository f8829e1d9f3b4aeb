// Playwright fixtures: each worker gets its own Flow API emulator (so fault injection in one test
// never slows another worker's) seeded with a 200-product grid, and the demo storefront on it.
import { test as base, type Page } from '@playwright/test'
import { startEmulator, type RunningEmulator } from 'flow-storefront-server'
// @ts-expect-error plain ESM example without types
import { startDemo } from '../../examples/demo/server.mjs'

export const GRID_SIZE = 200
export const gridNumbers = Array.from({ length: GRID_SIZE }, (_, i) => `GRID-${String(i + 1).padStart(3, '0')}`)

export type Stack = {
  emulator: RunningEmulator
  /** Origin of the static e2e pages and dist/ (started once by global-setup). */
  site: string
  /** Origin of the demo storefront (strict CSP), on this worker's emulator. */
  demo: string
  /** Calls a merchant endpoint of the emulator with the API key. */
  flow<T>(method: string, path: string, body?: unknown): Promise<T>
  /** The label Flow gives each grid item's `localized_item_price` in an experience. */
  labels(experience: string, numbers?: string[]): Promise<string[]>
}

export const test = base.extend<{ stack: Stack }, { workerStack: Stack }>({
  workerStack: [
    async ({}, use) => {
      const emulator = await startEmulator({ port: 0 })
      const auth = `Basic ${Buffer.from(`${emulator.apiKey}:`).toString('base64')}`
      const flow = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const response = await fetch(`${emulator.url}/${emulator.organization}${path}`, {
          method,
          headers: { authorization: auth, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
        if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
        return (await response.json()) as T
      }
      for (const [i, number] of gridNumbers.entries()) {
        await flow('PUT', `/catalog/items/${number}`, {
          number,
          locale: 'en_US',
          name: `Grid product ${i + 1}`,
          currency: 'USD',
          price: 10 + i * 1.25,
          categories: ['Grid'],
          attributes: { regular_price: String(12 + i * 1.5), final_price: String(10 + i * 1.25), minimal_price: String(10 + i * 1.25) },
        })
      }
      const demo = await startDemo({ emulator })
      const labels = async (experience: string, numbers = gridNumbers) => {
        const out: string[] = []
        for (let i = 0; i < numbers.length; i += 100) {
          const query = numbers.slice(i, i + 100).map((n) => `number=${encodeURIComponent(n)}`).join('&')
          const items = await flow<{ number: string; local: { prices: { key: string; label: string }[] } }[]>(
            'GET',
            `/experiences/items?experience=${experience}&limit=100&${query}`,
          )
          const byNumber = new Map(items.map((item) => [item.number, item.local.prices.find((p) => p.key === 'localized_item_price')?.label]))
          out.push(...numbers.slice(i, i + 100).map((n) => byNumber.get(n) ?? `missing ${n}`))
        }
        return out
      }
      await use({ emulator, site: process.env.E2E_BASE_URL!, demo: demo.url, flow, labels })
      await demo.close()
      await emulator.close()
    },
    { scope: 'worker' },
  ],
  stack: async ({ workerStack }, use) => {
    await use(workerStack)
    workerStack.emulator.faults.clear()
  },
})

export { expect } from '@playwright/test'

/** Collects page errors, console errors and CSP violations of a page. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`)
  })
  return problems
}

/** Texts of the grid's `item-price` elements, in page order. */
export function gridPrices(page: Page): Promise<string[]> {
  return page.locator('[data-flow-localize="item-price"]').allTextContents()
}
