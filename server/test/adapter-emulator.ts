// Test helpers for the adapter's integration tests: the emulator with the demo organization but
// an empty catalog, a client tuned not to wait long between retries, and a fresh SQLite file.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFlowClient } from '../src/client/index.js'
import type { FlowClient } from '../src/client/index.js'
import { startEmulator } from '../src/emulator/index.js'
import type { RunningEmulator, Seed } from '../src/emulator/index.js'

/** The demo seed, parsed. */
export function demoSeed(): Seed {
  return JSON.parse(readFileSync(new URL('../data/seed/demo.json', import.meta.url), 'utf8')) as Seed
}

/** The emulator on 127.0.0.1, port 0, with the demo organization and (by default) no catalog items. */
export async function startEmptyCatalogEmulator(options: { keepItems?: boolean } = {}): Promise<RunningEmulator> {
  const seed = demoSeed()
  return startEmulator({ port: 0, seed: options.keepItems ? seed : { ...seed, items: [] } })
}

/** A client of the emulator whose retries wait milliseconds, not seconds, and whose breaker stays closed. */
export function testClient(emulator: RunningEmulator, overrides: { retryLimit?: number } = {}): FlowClient {
  return createFlowClient({
    organization: emulator.organization,
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    retry: { limit: overrides.retryLimit ?? 2, baseDelayMs: 1, maxDelayMs: 5, retryAfterCapMs: 20 },
    breaker: { failureThreshold: 1_000_000, cooldownMs: 1 },
  })
}

/** A path for a new SQLite database in a fresh temporary directory. */
export function tempDbPath(name = 'adapter.db'): string {
  return join(mkdtempSync(join(tmpdir(), 'fss-test-')), name)
}
