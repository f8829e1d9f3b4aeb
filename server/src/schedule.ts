// The connector's cron, as one in-process schedule that `serve` runs: the catalog queue every
// minute (with extra workers while it is not empty), a full catalog sync twice a day for
// production organizations, center keys and inventory, and cleanup. A job never overlaps itself:
// a tick that finds the previous run still going is skipped and reported. Time and timers are
// injected, so tests drive the schedule with a manual clock instead of waiting.
// (What the connector's README promised — every minute, extra workers, twice a day — rather than
// what its crontab did: every 5 minutes, one batch, daily and only when a flag was set; §7.1.)
import { randomUUID } from 'node:crypto'
import { catalogBacklog, cleanupCatalogQueue, createStoredProductSource, enqueueAllCatalog, processCatalogQueue } from './catalog/index.js'
import type { CatalogSyncOptions, CatalogSyncReport, ProductSource } from './catalog/index.js'
import type { FlowClient } from './client/index.js'
import { cleanupInventoryQueue, defaultCenterKey, enqueueAllInventory, fetchCenterKeys, inventoryBacklog, processInventoryQueue } from './inventory/index.js'
import type { Logger } from './log.js'
import { silentLogger } from './log.js'
import type { Db } from './store/sqlite.js'

/**
 * Time and timers. `setTimer` must call `fn` once after `ms` (a `setTimeout`); tests pass a
 * manual clock (see {@link createManualClock}).
 *
 * @example
 * const systemClock: Clock = { now: Date.now, setTimer: (fn, ms) => setTimeout(fn, ms), clearTimer: (t) => clearTimeout(t as NodeJS.Timeout) }
 */
export type Clock = {
  now(): number
  setTimer(fn: () => void, ms: number): unknown
  clearTimer(timer: unknown): void
}

/**
 * A job: a name, when it runs (every `everyMs`, and/or at `atUtc` times of day such as `'01:15'`),
 * and the work. `run` receives a signal that is aborted by `stop()`.
 *
 * @example
 * const job: ScheduledJob = { name: 'cleanup', everyMs: 3_600_000, run: async () => ({ removed: cleanup() }) }
 */
export type ScheduledJob = {
  name: string
  everyMs?: number
  atUtc?: readonly string[]
  /** Run once as soon as the schedule starts (default true for `everyMs` jobs). */
  runAtStart?: boolean
  run(context: { signal: AbortSignal; now: number }): Promise<unknown>
}

/**
 * What happened: a run started, ended (with its result), failed, or was skipped because the
 * previous run of the same job was still going.
 *
 * @example
 * const event: ScheduleEvent = { job: 'catalog-sync', type: 'skip', at: 1767225660000 }
 */
export type ScheduleEvent =
  | { job: string; type: 'start'; at: number }
  | { job: string; type: 'end'; at: number; durationMs: number; result: unknown }
  | { job: string; type: 'error'; at: number; durationMs: number; error: string }
  | { job: string; type: 'skip'; at: number }

/**
 * A running (or stopped) schedule.
 *
 * @example
 * const schedule = createSchedule({ db, client })
 * schedule.start()
 * // … later
 * await schedule.stop()
 */
export type Schedule = {
  /** Starts the timers (a second call does nothing). */
  start(): void
  /** Stops the timers, aborts running jobs' signals and waits for them to finish. */
  stop(): Promise<void>
  /** Runs a job now (unless it is running: then resolves `{ skipped: true }`). */
  runNow(name: string): Promise<{ skipped: boolean; result?: unknown }>
  /** Each job, whether it is running, and when it runs next (ms since the epoch). */
  status(): { name: string; running: boolean; nextAt: number | undefined }[]
}

/** `setTimeout`-based clock (timers unref'd, so a schedule alone does not keep a process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, Math.min(ms, 2_147_483_647))).unref(),
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
}

const DAY = 86_400_000

/**
 * Next time (ms) strictly after `after` that is one of the `HH:MM` UTC times of day.
 *
 * @example
 * nextTimeOfDay(['01:15', '13:15'], Date.parse('2026-01-01T02:00:00Z')) // Date.parse('2026-01-01T13:15:00Z')
 */
export function nextTimeOfDay(times: readonly string[], after: number): number {
  const midnight = Math.floor(after / DAY) * DAY
  let best = Number.POSITIVE_INFINITY
  for (const time of times) {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time)
    if (!match) throw new RangeError(`schedule: time of day must be 'HH:MM' (UTC). Received: ${JSON.stringify(time)}`)
    const offset = Number(match[1]) * 3_600_000 + Number(match[2]) * 60_000
    const candidate = midnight + offset > after ? midnight + offset : midnight + DAY + offset
    best = Math.min(best, candidate)
  }
  return best
}

/**
 * A scheduler over any jobs: each job runs at its times, never overlapping itself.
 *
 * @example
 * const scheduler = createScheduler([{ name: 'tick', everyMs: 60_000, run: async () => 'ok' }], { onEvent: console.log })
 * scheduler.start()
 */
export function createScheduler(jobs: readonly ScheduledJob[], options: { clock?: Clock; onEvent?: (event: ScheduleEvent) => void } = {}): Schedule {
  const clock = options.clock ?? systemClock
  const names = new Set<string>()
  for (const job of jobs) {
    if (names.has(job.name)) throw new TypeError(`createScheduler(): two jobs are named '${job.name}'`)
    names.add(job.name)
    if (job.everyMs === undefined && (job.atUtc === undefined || job.atUtc.length === 0)) throw new TypeError(`createScheduler(): job '${job.name}' needs everyMs or atUtc`)
    if (job.everyMs !== undefined && !(job.everyMs > 0)) throw new RangeError(`createScheduler(): job '${job.name}': everyMs must be > 0. Received: ${job.everyMs}`)
    if (job.atUtc) nextTimeOfDay(job.atUtc, 0)
  }
  type State = { job: ScheduledJob; running: Promise<unknown> | undefined; nextAt: number | undefined; timer: unknown }
  const states = jobs.map((job): State => ({ job, running: undefined, nextAt: undefined, timer: undefined }))
  let controller = new AbortController()
  let started = false

  const emit = (event: ScheduleEvent) => {
    try {
      options.onEvent?.(event)
    } catch {
      // A listener that throws must not stop the schedule.
    }
  }

  const execute = (state: State): Promise<{ skipped: boolean; result?: unknown }> => {
    const at = clock.now()
    if (state.running) {
      emit({ job: state.job.name, type: 'skip', at })
      return Promise.resolve({ skipped: true })
    }
    emit({ job: state.job.name, type: 'start', at })
    const run = (async () => {
      try {
        const result = await state.job.run({ signal: controller.signal, now: at })
        emit({ job: state.job.name, type: 'end', at: clock.now(), durationMs: clock.now() - at, result })
        return { skipped: false, result }
      } catch (error) {
        emit({ job: state.job.name, type: 'error', at: clock.now(), durationMs: clock.now() - at, error: error instanceof Error ? error.message : String(error) })
        return { skipped: false }
      } finally {
        state.running = undefined
      }
    })()
    state.running = run
    return run
  }

  const next = (job: ScheduledJob, after: number): number => {
    const candidates: number[] = []
    if (job.everyMs !== undefined) candidates.push(after + job.everyMs)
    if (job.atUtc && job.atUtc.length > 0) candidates.push(nextTimeOfDay(job.atUtc, after))
    return Math.min(...candidates)
  }

  const arm = (state: State, at: number) => {
    state.nextAt = at
    state.timer = clock.setTimer(() => {
      if (!started) return
      void execute(state)
      arm(state, next(state.job, at))
    }, Math.max(0, at - clock.now()))
  }

  return {
    start() {
      if (started) return
      started = true
      controller = new AbortController()
      const now = clock.now()
      for (const state of states) {
        const atStart = state.job.runAtStart ?? state.job.everyMs !== undefined
        arm(state, atStart ? now : next(state.job, now))
      }
    },
    async stop() {
      started = false
      for (const state of states) {
        if (state.timer !== undefined) clock.clearTimer(state.timer)
        state.timer = undefined
        state.nextAt = undefined
      }
      controller.abort()
      await Promise.all(states.map((state) => state.running))
    },
    runNow(name) {
      const state = states.find((s) => s.job.name === name)
      if (!state) throw new TypeError(`runNow(): no job named '${name}'. Jobs: ${states.map((s) => s.job.name).join(', ')}`)
      return execute(state)
    },
    status: () => states.map((state) => ({ name: state.job.name, running: state.running !== undefined, nextAt: state.nextAt })),
  }
}

/**
 * True for a production organization by the connector's rule: an id longer than one character
 * that does not contain `-sandbox`.
 *
 * @example
 * isProductionOrganization('acme') // true
 * isProductionOrganization('acme-sandbox') // false
 */
export function isProductionOrganization(organization: string): boolean {
  return organization.length > 1 && !organization.includes('-sandbox')
}

/**
 * Options of {@link createSchedule}.
 *
 * @example
 * const options: AdapterScheduleOptions = { db, client: flow, logger, extraJobs: [webhookJob] }
 */
export type AdapterScheduleOptions = {
  db: Db
  client: FlowClient
  /** Where products come from; default the products stored by `catalog-import`. */
  source?: ProductSource
  /** Runs the twice-daily full sync; default by the organization id (`isProductionOrganization`). */
  production?: boolean
  /** Catalog processor options (batch size, concurrency, mapping, `productSyncAfter`, …). */
  catalog?: Omit<CatalogSyncOptions, 'db' | 'client' | 'source' | 'worker' | 'signal' | 'waitForRetries'>
  /** Most catalog workers at once while the queue is not empty. Default 3. */
  maxCatalogWorkers?: number
  /** Full catalog sync times, UTC. Default `['01:15', '13:15']`. */
  fullSyncAtUtc?: readonly string[]
  /** Done rows older than this are removed: catalog rows of SKUs gone from Flow (default 7 days), inventory rows (default 3 days). */
  retention?: { catalogDays?: number; inventoryDays?: number }
  /** More jobs on the same schedule (`serve` adds webhook processing and reconciliation). */
  extraJobs?: readonly ScheduledJob[]
  clock?: Clock
  logger?: Logger
  onEvent?: (event: ScheduleEvent) => void
}

/**
 * The adapter's schedule:
 * - `catalog-sync` every minute: processes the catalog queue, with up to `maxCatalogWorkers`
 *   workers while more than a batch is waiting;
 * - `catalog-full-sync` at 01:15 and 13:15 UTC, production organizations only: enqueues every
 *   product (and deletes of products that are gone);
 * - `inventory-centers` daily at 15:00 UTC: refreshes the default center key;
 * - `inventory-queue-all` daily at 02:15 UTC, production only: enqueues every product's stock;
 * - `inventory-sync` every 5 minutes: processes the inventory queue;
 * - `cleanup` every hour: removes done rows past their retention.
 * Runs of one job never overlap. Events go to `onEvent` and the logger.
 *
 * @example
 * const schedule = createSchedule({ db, client: flow, logger })
 * schedule.start() // catalog-sync and inventory-sync run at once, then on their intervals
 * await schedule.stop()
 */
export function createSchedule(options: AdapterScheduleOptions): Schedule {
  const { db, client } = options
  const organization = client.organization
  const logger = options.logger ?? silentLogger
  const clock = options.clock ?? systemClock
  const source = options.source ?? createStoredProductSource(db, organization)
  const production = options.production ?? isProductionOrganization(organization)
  const maxWorkers = options.maxCatalogWorkers ?? 3
  const batchSize = options.catalog?.batchSize ?? 1000
  const run = randomUUID().slice(0, 8)
  const now = () => clock.now()

  const catalogSync: ScheduledJob = {
    name: 'catalog-sync',
    everyMs: 60_000,
    async run({ signal }) {
      const { due } = catalogBacklog(db, organization, now())
      if (due === 0) return { workers: 0, put: 0, deleted: 0, failed: 0 }
      // Extra workers while more than one batch is waiting; each claims its own rows under lease.
      const workers = Math.min(maxWorkers, Math.max(1, Math.ceil(due / batchSize)))
      const reports: CatalogSyncReport[] = await Promise.all(
        Array.from({ length: workers }, (_, i) =>
          processCatalogQueue({ ...options.catalog, db, client, source, worker: `schedule-${run}-catalog-${i}`, waitForRetries: false, signal, now }),
        ),
      )
      const sum = (key: 'put' | 'deleted' | 'failed' | 'invalid' | 'retrying') => reports.reduce((total, report) => total + report[key], 0)
      return { workers, put: sum('put'), deleted: sum('deleted'), failed: sum('failed') + sum('invalid'), retrying: sum('retrying') }
    },
  }
  const jobs: ScheduledJob[] = [catalogSync]
  if (production) {
    jobs.push({
      name: 'catalog-full-sync',
      atUtc: options.fullSyncAtUtc ?? ['01:15', '13:15'],
      run: async () => {
        const outcome = await enqueueAllCatalog(db, organization, source, now)
        return { queued: outcome.queued, gone: outcome.gone, conflicts: outcome.conflicts.length }
      },
    })
    jobs.push({ name: 'inventory-queue-all', atUtc: ['02:15'], run: () => enqueueAllInventory(db, organization, source, now) })
  }
  jobs.push(
    { name: 'inventory-centers', atUtc: ['15:00'], run: async () => (await fetchCenterKeys(client, db)).key },
    {
      name: 'inventory-sync',
      everyMs: 300_000,
      async run({ signal }) {
        if (inventoryBacklog(db, organization, now()).due === 0) return { set: 0, failed: 0 }
        const center = defaultCenterKey(db, organization) ?? (await fetchCenterKeys(client, db)).key
        const report = await processInventoryQueue({ db, client, center, worker: `schedule-${run}-inventory`, waitForRetries: false, signal, now })
        return { set: report.set, failed: report.failed, retrying: report.retrying }
      },
    },
    {
      name: 'cleanup',
      everyMs: 3_600_000,
      runAtStart: false,
      run: async () => ({
        catalog: cleanupCatalogQueue(db, organization, now() - (options.retention?.catalogDays ?? 7) * DAY),
        inventory: cleanupInventoryQueue(db, organization, now() - (options.retention?.inventoryDays ?? 3) * DAY),
      }),
    },
    ...(options.extraJobs ?? []),
  )
  return createScheduler(jobs, {
    clock,
    onEvent: (event) => {
      if (event.type === 'error') logger.error('schedule.job_failed', { job: event.job, error: event.error, duration_ms: event.durationMs })
      else if (event.type === 'skip') logger.warn('schedule.job_skipped', { job: event.job, reason: 'previous run still going' })
      else if (event.type === 'end') logger.info('schedule.job_done', { job: event.job, duration_ms: event.durationMs, result: JSON.stringify(event.result) })
      options.onEvent?.(event)
    },
  })
}

/**
 * A clock for tests: time stands still until `advance(ms)` moves it, firing due timers in order
 * (awaiting the microtasks each one starts, so job runs progress as time passes).
 *
 * @example
 * const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'))
 * const schedule = createScheduler(jobs, { clock })
 * schedule.start()
 * await clock.advance(60_000) // everything due in the next minute has run (or is running)
 */
export function createManualClock(start: number): Clock & { advance(ms: number): Promise<void>; pending(): number } {
  let time = start
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve))
  }
  return {
    now: () => time,
    setTimer(fn, ms) {
      const id = ++seq
      timers.set(id, { at: time + Math.max(0, ms), fn })
      return id
    },
    clearTimer(timer) {
      timers.delete(timer as number)
    },
    async advance(ms) {
      const end = time + ms
      await settle()
      for (;;) {
        let due: [number, { at: number; fn: () => void }] | undefined
        for (const entry of timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at || (entry[1].at === due[1].at && entry[0] < due[0]))) due = entry
        if (!due) break
        timers.delete(due[0])
        time = Math.max(time, due[1].at)
        due[1].fn()
        await settle()
      }
      time = end
    },
    pending: () => timers.size,
  }
}
