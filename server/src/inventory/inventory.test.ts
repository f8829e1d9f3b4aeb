import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CATALOG_MIGRATIONS, createProductSource, enqueueAllCatalog, processCatalogQueue } from '../catalog/index.js'
import type { RunningEmulator } from '../emulator/index.js'
import { openDb } from '../store/sqlite.js'
import type { Db } from '../store/sqlite.js'
import { startEmptyCatalogEmulator, tempDbPath, testClient } from '../../test/adapter-emulator.js'
import { INVENTORY_MIGRATIONS, defaultCenterKey, enqueueAllInventory, enqueueInventory, fetchCenterKeys, inventoryIdempotencyKey, listInventoryRows, processInventoryQueue } from './index.js'

let emulator: RunningEmulator
let db: Db

beforeEach(async () => {
  emulator = await startEmptyCatalogEmulator()
  db = openDb(tempDbPath(), [...CATALOG_MIGRATIONS, ...INVENTORY_MIGRATIONS])
})

afterEach(async () => {
  db.close()
  await emulator.close()
})

const fast = { retryDelay: { baseMs: 1, maxMs: 5 } }
type Update = { idempotency_key: string; center: string; item: { number: string }; quantity: number; type: string }

describe('inventory sync against the emulator', () => {
  it('keeps the first center key, sets each quantity with type set and a deterministic key, retries a 503 with the same key', async () => {
    const organization = emulator.organization
    const source = createProductSource([
      { sku: 'INV-1', name: 'One', currency: 'USD', prices: { final: 1 }, quantity: 7 },
      { sku: 'INV-2', name: 'Two', currency: 'USD', prices: { final: 1 }, quantity: 0 },
      { sku: 'INV-3', name: 'Three', currency: 'USD', prices: { final: 1 } },
    ])
    await enqueueAllCatalog(db, organization, source)
    await processCatalogQueue({ db, client: testClient(emulator), source, ...fast })
    const centers = await fetchCenterKeys(testClient(emulator), db)
    const queued = await enqueueAllInventory(db, organization, source)
    // The first POST fails past the client's retries; the queue retries it with the same key.
    emulator.faults.add({ route: 'POST /:organization/inventory_updates', status: 503, times: 1 })
    const report = await processInventoryQueue({ db, client: testClient(emulator, { retryLimit: 0 }), center: centers.key, ...fast, concurrency: 1 })
    const updates = Object.values(emulator.state().inventory_updates) as Update[]
    const rows = db.prepare<[], { sku: string; quantity: number; revision: number; created_at: number }>('SELECT sku, quantity, revision, created_at FROM inventory_sync ORDER BY id').all()
    expect({
      centers,
      stored: defaultCenterKey(db, organization),
      queued,
      report: { ...report, elapsedMs: 0 },
      updates: updates.map((update) => [update.item.number, update.quantity, update.type, update.center, update.idempotency_key]).sort(),
      stock: Object.values(emulator.state().inventory).map((entry) => [entry.item_number, entry.quantity]).sort(),
    }).toEqual({
      centers: { key: 'demo-warehouse', keys: ['demo-warehouse'] },
      stored: 'demo-warehouse',
      queued: { queued: 2, updated: 0, pending: 0, withoutQuantity: 1 },
      // The retried row is claimed again in a second batch.
      report: { batches: 2, claimed: 3, set: 2, failed: 0, retrying: 1, lost: 0, elapsedMs: 0 },
      updates: rows.map((row) => [row.sku, row.quantity, 'set', 'demo-warehouse', inventoryIdempotencyKey({ organization, center: 'demo-warehouse', ...row })]),
      stock: [
        ['INV-1', 7],
        ['INV-2', 0],
      ],
    })
  })

  it('sends a new update (a new key) when a quantity is set again, and leaves an unknown item in error with Flow’s reason', async () => {
    const organization = emulator.organization
    const source = createProductSource([{ sku: 'INV-A', name: 'A', currency: 'USD', prices: { final: 1 } }])
    await enqueueAllCatalog(db, organization, source)
    await processCatalogQueue({ db, client: testClient(emulator), source, ...fast })
    const { key: center } = await fetchCenterKeys(testClient(emulator), db)
    enqueueInventory(db, organization, [{ sku: 'INV-A', quantity: 3 }, { sku: 'NOT-IN-FLOW', quantity: 1 }])
    await processInventoryQueue({ db, client: testClient(emulator), center, ...fast })
    enqueueInventory(db, organization, [{ sku: 'INV-A', quantity: 3 }])
    await processInventoryQueue({ db, client: testClient(emulator), center, ...fast })
    expect({
      keys: new Set(Object.keys(emulator.state().inventory_updates)).size,
      rows: listInventoryRows(db, organization).map((row) => [row.sku, row.status, row.last_error?.includes("item 'NOT-IN-FLOW' is not in the catalog") ?? null]),
    }).toEqual({
      keys: 2,
      rows: [
        ['INV-A', 'done', null],
        ['NOT-IN-FLOW', 'error', true],
      ],
    })
  })
})
