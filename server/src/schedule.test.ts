import { describe, expect, it } from 'vitest'
import { CATALOG_MIGRATIONS, catalogQueueStats, saveProducts } from './catalog/index.js'
import { INVENTORY_MIGRATIONS } from './inventory/index.js'
import { createManualClock, createSchedule, createScheduler, isProductionOrganization, nextTimeOfDay } from './schedule.js'
import type { ScheduleEvent } from './schedule.js'
import { openDb } from './store/sqlite.js'
import { startEmptyCatalogEmulator, tempDbPath, testClient } from '../test/adapter-emulator.js'

const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const min = 60_000

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('createScheduler', () => {
  it('runs interval jobs at start and on each tick, skips a tick while the previous run is still going, and fires times of day', async () => {
    const clock = createManualClock(T0)
    const events: string[] = []
    const gates = [deferred(), deferred()]
    let runs = 0
    const scheduler = createScheduler(
      [
        { name: 'slow', everyMs: min, run: async () => gates[runs++]?.promise },
        { name: 'daily', atUtc: ['01:15', '13:15'], run: async ({ now }) => new Date(now).toISOString().slice(11, 16) },
      ],
      { clock, onEvent: (e: ScheduleEvent) => events.push(`${new Date(e.at).toISOString().slice(11, 16)} ${e.job} ${e.type}${e.type === 'end' && e.result ? ` ${String(e.result)}` : ''}`) },
    )
    scheduler.start()
    await clock.advance(0)
    await clock.advance(min) // slow is still running: skipped
    gates[0]!.resolve()
    await clock.advance(min) // runs again
    gates[1]!.resolve()
    await clock.advance(13 * 60 * min + 15 * min - 2 * min) // to 13:15, past 01:15
    const before = scheduler.status().find((s) => s.name === 'daily')?.nextAt
    await scheduler.stop()
    await clock.advance(DAY)
    expect({
      firstEvents: events.slice(0, 6),
      daily: events.filter((e) => e.includes('daily')),
      slowRuns: runs >= 3,
      nextDailyBeforeStop: before === undefined ? undefined : new Date(before).toISOString(),
      afterStop: scheduler.status().every((s) => s.nextAt === undefined && !s.running),
      timersLeft: clock.pending(),
    }).toEqual({
      firstEvents: ['00:00 slow start', '00:01 slow skip', '00:01 slow end', '00:02 slow start', '00:02 slow end', '00:03 slow start'],
      daily: ['01:15 daily start', '01:15 daily end 01:15', '13:15 daily start', '13:15 daily end 13:15'],
      slowRuns: true,
      nextDailyBeforeStop: '2026-01-02T01:15:00.000Z',
      afterStop: true,
      timersLeft: 0,
    })
  })

  it('aborts a running job’s signal on stop and waits for it; runNow refuses to overlap', async () => {
    const clock = createManualClock(T0)
    let aborted = false
    let finished = false
    const scheduler = createScheduler(
      [
        {
          name: 'long',
          everyMs: min,
          run: ({ signal }) =>
            new Promise<void>((resolve) =>
              signal.addEventListener('abort', () => {
                aborted = true
                setImmediate(() => {
                  finished = true
                  resolve()
                })
              }),
            ),
        },
      ],
      { clock },
    )
    scheduler.start()
    await clock.advance(0)
    const overlap = await scheduler.runNow('long')
    await scheduler.stop()
    expect({ overlap, aborted, finished }).toEqual({ overlap: { skipped: true }, aborted: true, finished: true })
  })

  it('computes times of day in UTC and tells production organizations by the connector’s rule', () => {
    expect({
      next: new Date(nextTimeOfDay(['01:15', '13:15'], Date.parse('2026-01-01T13:15:00Z'))).toISOString(),
      production: ['acme', 'acme-sandbox', 'a'].map(isProductionOrganization),
      bad: (() => {
        try {
          nextTimeOfDay(['25:00'], 0)
          return 'no error'
        } catch (error) {
          return (error as Error).message
        }
      })(),
    }).toEqual({ next: '2026-01-02T01:15:00.000Z', production: [true, false, false], bad: "schedule: time of day must be 'HH:MM' (UTC). Received: \"25:00\"" })
  })
})

const DAY = 24 * 60 * min

describe('createSchedule (the adapter’s cron)', () => {
  it('enqueues everything at the twice-daily full sync of a production organization, then syncs it next minute with extra workers', async () => {
    const emulator = await startEmptyCatalogEmulator()
    const db = openDb(tempDbPath(), [...CATALOG_MIGRATIONS, ...INVENTORY_MIGRATIONS])
    saveProducts(db, emulator.organization, Array.from({ length: 25 }, (_, i) => ({ sku: `SCH-${i}`, name: `S${i}`, currency: 'USD', prices: { final: 3 } })))
    const clock = createManualClock(Date.parse('2026-01-01T01:14:00.000Z'))
    const ended: Record<string, unknown[]> = {}
    let synced: () => void = () => {}
    const catalogDone = new Promise<void>((resolve) => (synced = resolve))
    const schedule = createSchedule({
      db,
      client: testClient(emulator),
      production: true,
      catalog: { batchSize: 10 },
      clock,
      onEvent: (event) => {
        if (event.type !== 'end') return
        ;(ended[event.job] ??= []).push(event.result)
        if (event.job === 'catalog-sync' && (event.result as { put: number }).put > 0) synced()
      },
    })
    const sandbox = createSchedule({ db, client: testClient(emulator), production: false, clock: createManualClock(T0) })
    schedule.start()
    await clock.advance(min) // 01:15: the full sync enqueues the 25 products
    await clock.advance(min) // 01:16: the catalog tick processes them
    await catalogDone
    await schedule.stop()
    expect({
      jobs: schedule.status().map((s) => s.name),
      sandboxJobs: sandbox.status().map((s) => s.name),
      fullSync: ended['catalog-full-sync'],
      catalog: ended['catalog-sync']?.filter((result) => (result as { put: number }).put > 0),
      stats: catalogQueueStats(db, emulator.organization),
    }).toEqual({
      jobs: ['catalog-sync', 'catalog-full-sync', 'inventory-queue-all', 'inventory-centers', 'inventory-sync', 'cleanup'],
      sandboxJobs: ['catalog-sync', 'inventory-centers', 'inventory-sync', 'cleanup'],
      fullSync: [{ queued: 25, gone: 0, conflicts: 0 }],
      catalog: [{ workers: 3, put: 25, deleted: 0, failed: 0, retrying: 0 }],
      stats: { new: 0, processing: 0, error: 0, done: 25, synced: 25, total: 25 },
    })
    db.close()
    await emulator.close()
  })
})
