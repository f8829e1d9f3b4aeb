import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunningEmulator } from '../emulator/index.js'
import { openDb } from '../store/sqlite.js'
import type { Db } from '../store/sqlite.js'
import { startEmptyCatalogEmulator, tempDbPath, testClient } from '../../test/adapter-emulator.js'
import { CATALOG_MIGRATIONS, catalogQueueStats, createProductSource, createStoredProductSource, enqueueAllCatalog, enqueueCatalog, listCatalogRows, loadProductFile, processCatalogQueue, saveProducts, toItemForm } from './index.js'
import type { Product, ProductSyncEvent } from './index.js'

const demoCatalog = new URL('../../../examples/demo/catalog.ndjson', import.meta.url).pathname
const fast = { retryDelay: { baseMs: 1, maxMs: 10 }, onWarning: () => {} }

const makeProduct = (sku: string, overrides: Partial<Product> = {}): Product => ({ sku, name: `Product ${sku}`, currency: 'USD', prices: { final: 10 }, ...overrides })

let emulator: RunningEmulator
let db: Db

beforeEach(async () => {
  emulator = await startEmptyCatalogEmulator()
  db = openDb(tempDbPath(), CATALOG_MIGRATIONS)
})

afterEach(async () => {
  db.close()
  await emulator.close()
})

const flowItems = () =>
  Object.values(emulator.state().items)
    .map((item) => item as { number: string; price: { amount: number }; attributes: Record<string, string> })
    .sort((a, b) => a.number.localeCompare(b.number))

describe('catalog sync against the emulator', () => {
  it('syncs the demo catalog end to end: every SKU in Flow once, as mapped, every row done and synced', async () => {
    const { products, problems } = await loadProductFile(demoCatalog)
    saveProducts(db, emulator.organization, products)
    const source = createStoredProductSource(db, emulator.organization)
    const queued = await enqueueAllCatalog(db, emulator.organization, source)
    const progress: number[] = []
    const report = await processCatalogQueue({ db, client: testClient(emulator), source, ...fast, onProgress: (p) => progress.push(p.processed) })

    const expected = products
      .map((product) => {
        const mapped = toItemForm(product)
        if (!mapped.ok) throw new Error(mapped.errors.join('; '))
        return { number: mapped.form.number, price: mapped.form.price, attributes: mapped.form.attributes }
      })
      .sort((a, b) => a.number.localeCompare(b.number))
    expect({
      problems,
      queued: queued.queued,
      report: { ...report, elapsedMs: 0 },
      progress: progress.length === products.length && progress.at(-1),
      stats: catalogQueueStats(db, emulator.organization),
      flow: flowItems().map((item) => ({ number: item.number, price: item.price.amount, attributes: item.attributes })),
    }).toEqual({
      problems: [],
      queued: 51,
      report: { batches: 1, claimed: 51, put: 51, deleted: 0, skipped: 0, invalid: 0, failed: 0, retrying: 0, lost: 0, elapsedMs: 0 },
      progress: 51,
      stats: { new: 0, processing: 0, error: 0, done: 51, synced: 51, total: 51 },
      flow: expected,
    })
  })

  it('leaves an invalid product in error with the reason and never sends it', async () => {
    const source = createProductSource([makeProduct('OK-1'), makeProduct('BAD-1', { name: '' }), makeProduct('BAD-2', { weight: { value: 1, unit: 'stone' } })])
    await enqueueAllCatalog(db, emulator.organization, source)
    const report = await processCatalogQueue({ db, client: testClient(emulator), source, ...fast })
    expect({
      report: { put: report.put, invalid: report.invalid },
      rows: listCatalogRows(db, emulator.organization).map((row) => [row.sku, row.status, row.synced, row.last_error]),
      flow: flowItems().map((item) => item.number),
    }).toEqual({
      report: { put: 1, invalid: 2 },
      rows: [
        ['OK-1', 'done', true, null],
        ['BAD-1', 'error', false, 'invalid product, not sent: name: required, a non-empty string'],
        ['BAD-2', 'error', false, expect.stringMatching(/^invalid product, not sent: weight\.unit: "stone" is not a unit Flow knows/)],
      ],
      flow: ['OK-1'],
    })
  })

  it('retries 429 and 5xx from Flow past the client’s own retries, then syncs everything', async () => {
    emulator.faults.add({ route: 'PUT /:organization/catalog/items/:number', status: 429, retry_after: 1, times: 9 })
    emulator.faults.add({ route: 'PUT /:organization/catalog/items/:number', status: 503, times: 9 })
    const source = createProductSource(Array.from({ length: 6 }, (_, i) => makeProduct(`RETRY-${i}`)))
    await enqueueAllCatalog(db, emulator.organization, source)
    // One request at a time, so the 18 failures land on the first rows and exhaust the client's 3 attempts.
    const report = await processCatalogQueue({ db, client: testClient(emulator), source, ...fast, concurrency: 1 })
    const rows = listCatalogRows(db, emulator.organization)
    expect({
      retrying: report.retrying > 0,
      failed: report.failed,
      put: report.put,
      statuses: rows.map((row) => row.status),
      retried: rows.filter((row) => row.attempts > 1).length > 0,
      faultsLeft: emulator.faults.list(),
      flow: flowItems().map((item) => item.number),
    }).toEqual({
      retrying: true,
      failed: 0,
      put: 6,
      statuses: Array(6).fill('done'),
      retried: true,
      faultsLeft: [],
      flow: source && ['RETRY-0', 'RETRY-1', 'RETRY-2', 'RETRY-3', 'RETRY-4', 'RETRY-5'],
    })
  })

  it('leaves a row in error after its last attempt, with the reason, and requeues it later', async () => {
    emulator.faults.add({ route: 'PUT /:organization/catalog/items/:number', status: 500 })
    const source = createProductSource([makeProduct('DOWN-1')])
    enqueueCatalog(db, emulator.organization, ['DOWN-1'])
    const report = await processCatalogQueue({ db, client: testClient(emulator, { retryLimit: 0 }), source, ...fast, maxAttempts: 2 })
    const [row] = listCatalogRows(db, emulator.organization)
    emulator.faults.clear()
    const { requeueCatalog } = await import('./queue.js')
    const requeued = requeueCatalog(db, emulator.organization)
    await processCatalogQueue({ db, client: testClient(emulator), source, ...fast })
    expect({
      report: { retrying: report.retrying, failed: report.failed },
      row: row && { status: row.status, attempts: row.attempts, error: row.last_error?.replace(/:.*/s, ''), http: row.result?.status },
      requeued: requeued.queued,
      after: listCatalogRows(db, emulator.organization).map((r) => [r.status, r.synced, r.attempts]),
    }).toEqual({
      report: { retrying: 1, failed: 1 },
      row: { status: 'error', attempts: 2, error: 'gave up after 2 attempts', http: 500 },
      requeued: 1,
      after: [['done', true, 1]],
    })
  })

  it('deletes in Flow a product that is gone only when it was synced before', async () => {
    const products = [makeProduct('KEEP'), makeProduct('GONE')]
    const source = createProductSource(() => products)
    await enqueueAllCatalog(db, emulator.organization, source)
    await processCatalogQueue({ db, client: testClient(emulator), source, ...fast })
    // GONE leaves the catalog; NEVER was queued but never existed anywhere.
    products.splice(1, 1)
    enqueueCatalog(db, emulator.organization, ['NEVER'])
    const client = testClient(emulator)
    const deletes: string[] = []
    const counting = { ...client, deleteItem: (sku: string) => (deletes.push(sku), client.deleteItem(sku)) }
    const queued = await enqueueAllCatalog(db, emulator.organization, source)
    const report = await processCatalogQueue({ db, client: counting, source, ...fast })
    expect({
      gone: queued.gone,
      report: { put: report.put, deleted: report.deleted, skipped: report.skipped },
      deletes,
      rows: listCatalogRows(db, emulator.organization).map((row) => [row.sku, row.status, row.synced, row.result?.action]),
      flow: flowItems().map((item) => item.number),
    }).toEqual({
      gone: 1,
      report: { put: 1, deleted: 1, skipped: 1 },
      deletes: ['GONE'],
      rows: [
        ['KEEP', 'done', true, 'put'],
        ['GONE', 'done', false, 'delete'],
        ['NEVER', 'done', false, 'skip'],
      ],
      flow: ['KEEP'],
    })
  })

  it('reports SKUs that differ only by case as a conflict and sends only the first', async () => {
    const source = createProductSource([makeProduct('Tee-1', { prices: { final: 10 } }), makeProduct('TEE-1', { prices: { final: 99 } }), makeProduct('tee-2')])
    const queued = await enqueueAllCatalog(db, emulator.organization, source)
    await processCatalogQueue({ db, client: testClient(emulator), source, ...fast })
    expect({
      conflicts: queued.conflicts,
      rows: listCatalogRows(db, emulator.organization).map((row) => [row.sku, row.status, row.result?.action, row.result?.conflicts_with]),
      error: listCatalogRows(db, emulator.organization, { status: 'error' })[0]?.last_error,
      flow: flowItems().map((item) => [item.number, item.price.amount]),
    }).toEqual({
      conflicts: [{ sku: 'TEE-1', with: 'Tee-1' }],
      rows: [
        ['Tee-1', 'done', 'put', undefined],
        ['TEE-1', 'error', 'conflict', 'Tee-1'],
        ['tee-2', 'done', 'put', undefined],
      ],
      error: "case conflict: SKU 'TEE-1' differs only by case from 'Tee-1'; Flow item numbers are case-insensitive, so one would overwrite the other. Rename one of them, then requeue.",
      flow: [['Tee-1', 10], ['tee-2', 10]],
    })
  })

  it('calls productSyncAfter after each PUT and DELETE, survives a hook that throws, and resends a product changed mid-flight', async () => {
    const products = [makeProduct('HOOK-1'), makeProduct('HOOK-2')]
    // A live source: each lookup reads the current array.
    const source = {
      async *products() {
        yield* products
      },
      get: async (sku: string) => products.find((product) => product.sku === sku),
    }
    const events: string[] = []
    const warnings: string[] = []
    const client = testClient(emulator)
    let changed = false
    const changing = {
      ...client,
      putItem: (form: Parameters<typeof client.putItem>[0]) => {
        if (form.number === 'HOOK-1' && !changed) {
          // The product changes while its row is being sent: it must be sent again afterwards.
          changed = true
          products[0] = makeProduct('HOOK-1', { prices: { final: 12 } })
          enqueueCatalog(db, emulator.organization, ['HOOK-1'])
        }
        return client.putItem(form)
      },
    }
    const productSyncAfter = (event: ProductSyncEvent) => {
      events.push(`${event.action}:${event.sku}${event.action === 'put' ? `@${event.item.price.amount}` : ''}`)
      if (event.sku === 'HOOK-2') throw new Error('hook failed')
    }
    await enqueueAllCatalog(db, emulator.organization, source)
    const pendingWhileInFlight = db.prepare('SELECT count(*) FROM catalog_sync WHERE pending = 1').pluck()
    const report = await processCatalogQueue({ db, client: changing, source, ...fast, concurrency: 1, productSyncAfter, onWarning: (m) => warnings.push(m) })
    products.splice(1, 1)
    await enqueueAllCatalog(db, emulator.organization, source)
    await processCatalogQueue({ db, client, source, ...fast, concurrency: 1, productSyncAfter })
    expect({
      events,
      warnings,
      put: report.put,
      pendingLeft: pendingWhileInFlight.get(),
      rows: listCatalogRows(db, emulator.organization).map((row) => [row.sku, row.status, row.synced]),
      flow: flowItems().map((item) => [item.number, item.price.amount]),
    }).toEqual({
      events: ['put:HOOK-1@10', 'put:HOOK-2@10', 'put:HOOK-1@12', 'put:HOOK-1@12', 'delete:HOOK-2'],
      warnings: ["catalog sync: productSyncAfter threw for SKU 'HOOK-2': hook failed"],
      put: 3,
      pendingLeft: 0,
      rows: [
        ['HOOK-1', 'done', true],
        ['HOOK-2', 'done', false],
      ],
      flow: [['HOOK-1', 12]],
    })
  })
})
