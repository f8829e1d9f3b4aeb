import { describe, expect, it } from 'vitest'
import { openDb } from '../store/sqlite.js'
import { tempDbPath } from '../../test/adapter-emulator.js'
import { createGroupCommit } from './commit.js'

describe('createGroupCommit', () => {
  it('writes waiting work in one transaction, resolves each after the commit, and fails only the item that failed', async () => {
    const path = tempDbPath()
    const db = openDb(path, [{ feature: 't', version: 1, sql: 'CREATE TABLE t (x INTEGER UNIQUE)' }])
    const reader = openDb(path)
    const commit = createGroupCommit(db, { maxBatch: 3, maxDelayMs: 1000 })
    const insert = (x: number) => () => db.prepare('INSERT INTO t (x) VALUES (?)').run(x).changes
    const seenInside: number[] = []
    const first = commit(insert(1))
    const second = commit(insert(1))
    // Nothing is written until the batch is full (or the delay passes).
    const beforeFlush = reader.prepare('SELECT count(*) FROM t').pluck().get()
    const third = commit(() => (seenInside.push(reader.prepare('SELECT count(*) FROM t').pluck().get() as number), insert(2)()))
    const results = await Promise.allSettled([first, second, third])
    expect({
      beforeFlush,
      // Inside the transaction another connection still sees nothing: all three commit together.
      seenInside,
      results: results.map((r) => (r.status === 'fulfilled' ? r.value : String((r.reason as Error).message))),
      rows: reader.prepare('SELECT x FROM t ORDER BY x').pluck().all(),
    }).toEqual({ beforeFlush: 0, seenInside: [0], results: [1, 'UNIQUE constraint failed: t.x', 1], rows: [1, 2] })
    db.close()
    reader.close()
  })
})
