// Group commit for queue outcomes. With `synchronous = FULL` every SQLite commit waits for the
// disk, so one commit per row caps a sync at the disk's flush rate however many requests are in
// flight. Outcomes that arrive together are written in one `BEGIN IMMEDIATE` transaction instead.
// Nothing is lost by waiting: an outcome not yet committed when the process dies leaves its row
// `processing` under a lease, and the row is sent again (PUT and DELETE are idempotent).
import { immediate } from '../store/sqlite.js'
import type { Db } from '../store/sqlite.js'

/**
 * Writes functions' database work in shared transactions; each caller gets its own result once
 * the transaction holding it has committed.
 *
 * @example
 * const commit = createGroupCommit(db, { maxBatch: 10, maxDelayMs: 5 })
 * const ok = await commit(() => completeCatalogRow(db, row))
 */
export type GroupCommit = <T>(work: () => T) => Promise<T>

/**
 * Creates a group commit: work is queued and flushed in one transaction when `maxBatch` items are
 * waiting or `maxDelayMs` after the first one. One failing item fails only itself (it runs in a
 * savepoint).
 *
 * @example
 * const commit = createGroupCommit(db, { maxBatch: 10, maxDelayMs: 5 })
 */
export function createGroupCommit(db: Db, options: { maxBatch: number; maxDelayMs: number }): GroupCommit {
  type Entry = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }
  let queue: Entry[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    const entries = queue
    queue = []
    if (entries.length === 0) return
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = []
    try {
      immediate(db, () => {
        for (const entry of entries) {
          try {
            // A nested better-sqlite3 transaction is a savepoint: a failure undoes only this item.
            outcomes.push({ ok: true, value: db.transaction(entry.work)() })
          } catch (error) {
            outcomes.push({ ok: false, error })
          }
        }
      })
    } catch (error) {
      for (const entry of entries) entry.reject(error)
      return
    }
    entries.forEach((entry, i) => {
      const outcome = outcomes[i]
      if (outcome?.ok) entry.resolve(outcome.value)
      else entry.reject(outcome?.error)
    })
  }
  return <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      if (queue.length >= options.maxBatch) flush()
      else timer ??= setTimeout(flush, options.maxDelayMs)
    })
}

const statements = new WeakMap<Db, Map<string, ReturnType<Db['prepare']>>>()

/**
 * A prepared statement, prepared once per database and SQL text (queue calls run for every row).
 *
 * @example
 * prepared(db, 'SELECT 1').get()
 */
export function prepared<P extends unknown[] | Record<string, unknown> = unknown[], R = unknown>(db: Db, sql: string) {
  let cache = statements.get(db)
  if (!cache) statements.set(db, (cache = new Map()))
  let statement = cache.get(sql)
  if (!statement) cache.set(sql, (statement = db.prepare(sql)))
  return statement as unknown as ReturnType<typeof db.prepare<P, R>>
}
