import { describe, expect, it } from 'vitest'
import { FlowApiError } from '../client/index.js'
import { retryDelay } from './retry.js'

const error = (retryAfterMs?: number) =>
  new FlowApiError('http', 'PUT /demo/catalog/items/x: Flow answered 429', { method: 'PUT', path: '/demo/catalog/items/x', attempts: 3, status: 429, retryAfterMs })

describe('retryDelay', () => {
  it('waits at least what Flow asked for in Retry-After, capped at the maximum', () => {
    const delay = { baseMs: 1000, maxMs: 60_000 }
    expect([
      retryDelay(delay, 1, error(), () => 0.5),
      retryDelay(delay, 1, error(30_000), () => 0.5),
      retryDelay(delay, 1, error(600_000), () => 0.5),
      retryDelay(delay, 1, error(10), () => 0.5),
    ]).toEqual([750, 30_000, 60_000, 750])
  })
})
