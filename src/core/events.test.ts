import { describe, expect, it } from 'vitest'
import { createEmitter } from './events.js'

describe('createEmitter', () => {
  it('calls every listener in order even when one throws, and reports the error', () => {
    const reported: unknown[] = []
    const events = createEmitter<{ ready: number }>((error) => reported.push(error))
    const calls: string[] = []
    events.on('ready', (n) => calls.push(`first ${n}`))
    events.on('ready', () => {
      throw new Error('listener bug')
    })
    events.on('ready', (n) => calls.push(`third ${n}`))
    events.emit('ready', 1)
    expect({ calls, reported: reported.map(String) }).toEqual({
      calls: ['first 1', 'third 1'],
      reported: ['Error: listener bug'],
    })
  })

  it('unsubscribes, also from inside a listener', () => {
    const events = createEmitter<{ tick: undefined }>()
    let count = 0
    const off = events.on('tick', () => {
      count++
      off()
    })
    events.emit('tick', undefined)
    events.emit('tick', undefined)
    expect(count).toBe(1)
  })
})
