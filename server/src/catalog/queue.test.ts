import { describe, expect, it } from 'vitest'
import { openDb } from '../store/sqlite.js'
import { tempDbPath } from '../../test/adapter-emulator.js'
import {
  CATALOG_QUEUE_MIGRATIONS,
  catalogBacklog,
  catalogQueueStats,
  claimCatalogBatch,
  cleanupCatalogQueue,
  completeCatalogRow,
  enqueueCatalog,
  failCatalogRow,
  listCatalogRows,
} from './queue.js'

const at = '2026-01-01T00:00:00.000Z'
const T0 = Date.parse(at)

describe('catalog queue', () => {
  it('follows the connector’s enqueue rules: insert new, reset done and error, leave new alone, mark processing as pending', () => {
    const db = openDb(':memory:', CATALOG_QUEUE_MIGRATIONS)
    enqueueCatalog(db, 'demo', ['A', 'B', 'C', 'D'], T0)
    const [a, b, c] = claimCatalogBatch(db, 'demo', { worker: 'w', limit: 3, leaseMs: 1000, now: T0 })
    completeCatalogRow(db, { id: a!.id, worker: 'w', synced: true, result: { action: 'put', at }, now: T0 })
    failCatalogRow(db, { id: b!.id, worker: 'w', error: 'boom', result: { action: 'failed', at }, now: T0 })
    const outcome = enqueueCatalog(db, 'demo', ['A', 'B', 'C', 'D', 'E'], T0 + 1)
    completeCatalogRow(db, { id: c!.id, worker: 'w', synced: true, result: { action: 'put', at }, now: T0 + 2 })
    expect({
      outcome,
      rows: listCatalogRows(db, 'demo').map((row) => [row.sku, row.status, row.synced, row.attempts]),
      otherOrganization: catalogQueueStats(db, 'other').total,
    }).toEqual({
      outcome: { queued: 3, waiting: 1, pending: 1, conflicts: [] },
      rows: [
        ['A', 'new', true, 0],
        ['B', 'new', false, 0],
        // C was in flight when enqueued again: its success puts it back to new, to be sent again.
        ['C', 'new', true, 0],
        ['D', 'new', false, 0],
        ['E', 'new', false, 0],
      ],
      otherOrganization: 0,
    })
  })

  it('claims in one statement: two connections never get the same row', () => {
    const path = tempDbPath()
    const one = openDb(path, CATALOG_QUEUE_MIGRATIONS)
    const two = openDb(path, CATALOG_QUEUE_MIGRATIONS)
    enqueueCatalog(one, 'demo', Array.from({ length: 2500 }, (_, i) => `SKU-${i}`), T0)
    const claimed: string[] = []
    for (let round = 0; round < 3; round++) {
      claimed.push(...claimCatalogBatch(one, 'demo', { worker: 'one', limit: 500, leaseMs: 60_000, now: T0 }).map((row) => row.sku))
      claimed.push(...claimCatalogBatch(two, 'demo', { worker: 'two', limit: 500, leaseMs: 60_000, now: T0 }).map((row) => row.sku))
    }
    expect({ claimed: claimed.length, distinct: new Set(claimed).size, stats: catalogQueueStats(two, 'demo') }).toEqual({
      claimed: 2500,
      distinct: 2500,
      stats: { new: 0, processing: 2500, error: 0, done: 0, synced: 0, total: 2500 },
    })
    one.close()
    two.close()
  })

  it('gives a dead worker’s rows to another worker once the lease expires, and refuses the dead worker’s late completion', () => {
    const db = openDb(':memory:', CATALOG_QUEUE_MIGRATIONS)
    enqueueCatalog(db, 'demo', ['A', 'B'], T0)
    const first = claimCatalogBatch(db, 'demo', { worker: 'dead', limit: 10, leaseMs: 30_000, now: T0 })
    const beforeExpiry = claimCatalogBatch(db, 'demo', { worker: 'next', limit: 10, leaseMs: 30_000, now: T0 + 29_999 })
    const afterExpiry = claimCatalogBatch(db, 'demo', { worker: 'next', limit: 10, leaseMs: 30_000, now: T0 + 30_000 })
    const late = completeCatalogRow(db, { id: first[0]!.id, worker: 'dead', synced: true, result: { action: 'put', at }, now: T0 + 30_001 })
    const current = completeCatalogRow(db, { id: afterExpiry[0]!.id, worker: 'next', synced: true, result: { action: 'put', at }, now: T0 + 30_002 })
    expect({
      first: first.map((row) => [row.sku, row.attempts]),
      beforeExpiry,
      afterExpiry: afterExpiry.map((row) => [row.sku, row.attempts]),
      late,
      current,
      rows: listCatalogRows(db, 'demo').map((row) => [row.sku, row.status]),
    }).toEqual({
      first: [['A', 1], ['B', 1]],
      beforeExpiry: [],
      afterExpiry: [['A', 2], ['B', 2]],
      late: false,
      current: true,
      rows: [['A', 'done'], ['B', 'processing']],
    })
  })

  it('holds a row that backs off until its retry time, and cleans only done rows no longer in Flow', () => {
    const db = openDb(':memory:', CATALOG_QUEUE_MIGRATIONS)
    enqueueCatalog(db, 'demo', ['A', 'B', 'C'], T0)
    const [a, b, c] = claimCatalogBatch(db, 'demo', { worker: 'w', limit: 10, leaseMs: 1000, now: T0 })
    failCatalogRow(db, { id: a!.id, worker: 'w', error: '503', result: { action: 'failed', at }, retryAt: T0 + 5000, now: T0 })
    completeCatalogRow(db, { id: b!.id, worker: 'w', synced: false, result: { action: 'delete', at }, now: T0 })
    completeCatalogRow(db, { id: c!.id, worker: 'w', synced: true, result: { action: 'put', at }, now: T0 })
    expect({
      backlog: catalogBacklog(db, 'demo', T0 + 1),
      early: claimCatalogBatch(db, 'demo', { worker: 'w', limit: 10, leaseMs: 1000, now: T0 + 4999 }).length,
      due: claimCatalogBatch(db, 'demo', { worker: 'w', limit: 10, leaseMs: 1000, now: T0 + 5000 }).map((row) => row.sku),
      cleaned: cleanupCatalogQueue(db, 'demo', T0 + 1),
      left: listCatalogRows(db, 'demo').map((row) => row.sku),
    }).toEqual({ backlog: { due: 0, nextAt: T0 + 5000 }, early: 0, due: ['A'], cleaned: 1, left: ['A', 'C'] })
  })
})
