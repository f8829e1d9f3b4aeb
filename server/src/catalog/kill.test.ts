import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEmulator } from '../emulator/index.js'
import { openDb } from '../store/sqlite.js'
import { startEmptyCatalogEmulator, tempDbPath, testClient } from '../../test/adapter-emulator.js'
import { transpileServer } from '../../test/support/transpile.js'
import { CATALOG_MIGRATIONS, catalogQueueStats, createStoredProductSource, enqueueAllCatalog, processCatalogQueue, saveProducts } from './index.js'

const worker = fileURLToPath(new URL('../../test/support/catalog-worker.mjs', import.meta.url))
const SKUS = 300

let emulator: RunningEmulator
let root: string

beforeAll(async () => {
  root = transpileServer(['catalog', 'client', 'store'])
  emulator = await startEmptyCatalogEmulator()
})

afterAll(async () => {
  await emulator.close()
})

describe('a catalog worker killed with SIGKILL mid-batch', () => {
  it('loses nothing: its leased rows come back and a new worker puts every SKU in Flow exactly once', async () => {
    const path = tempDbPath()
    const db = openDb(path, CATALOG_MIGRATIONS)
    const organization = emulator.organization
    const skus = Array.from({ length: SKUS }, (_, i) => `KILL-${String(i).padStart(3, '0')}`)
    saveProducts(db, organization, skus.map((sku) => ({ sku, name: sku, currency: 'USD', prices: { final: 5 } })))
    await enqueueAllCatalog(db, organization, createStoredProductSource(db, organization))
    // Slow Flow down so one batch of 300 takes a while; the kill lands inside it.
    emulator.faults.add({ route: 'PUT /:organization/catalog/items/:number', latency_ms: 10 })

    const child = spawn(process.execPath, [worker, root, path, emulator.url, organization, emulator.apiKey], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = once(child, 'exit')
    const doneCount = db.prepare("SELECT count(*) FROM catalog_sync WHERE status = 'done'").pluck()
    let exitedEarly = false
    void exited.then(() => (exitedEarly = true))
    // Kill once the child has settled some rows of its batch (read from the database).
    while ((doneCount.get() as number) < 40) {
      if (exitedEarly) throw new Error(`the worker exited before it could be killed: ${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    child.kill('SIGKILL')
    const [, signal] = await exited
    const atKill = catalogQueueStats(db, organization)
    emulator.faults.clear()

    // A new worker, 31 s later by its clock: the dead worker's 30 s leases have expired.
    const report = await processCatalogQueue({
      db,
      client: testClient(emulator),
      source: createStoredProductSource(db, organization),
      now: () => Date.now() + 31_000,
      onWarning: () => {},
    })
    const numbers = Object.values(emulator.state().items).map((item) => (item as { number: string }).number).sort()
    expect({
      signal,
      killedMidBatch: atKill.processing > 0 && atKill.done >= 40 && atKill.done < SKUS,
      rescued: report.claimed === SKUS - atKill.done,
      stats: catalogQueueStats(db, organization),
      flow: numbers,
    }).toEqual({
      signal: 'SIGKILL',
      killedMidBatch: true,
      rescued: true,
      stats: { new: 0, processing: 0, error: 0, done: SKUS, synced: SKUS, total: SKUS },
      flow: skus,
    })
    db.close()
  })
})
