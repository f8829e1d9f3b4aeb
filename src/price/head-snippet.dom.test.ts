import { afterEach, describe, expect, it, vi } from 'vitest'
import { HIDE_RULE } from './dom.js'
import { HEAD_SNIPPET, HEAD_SNIPPET_MAX_BYTES, headSnippet } from './head-snippet.js'

const run = (source: string) => new Function(source)()

afterEach(() => {
  vi.useRealTimers()
  localStorage.clear()
  history.replaceState(null, '', '/')
  document.documentElement.removeAttribute('data-flow-pending')
  document.documentElement.removeAttribute('data-flow-experience')
})

describe('head snippet', () => {
  it('fits in 1 KB', () => {
    expect(new TextEncoder().encode(HEAD_SNIPPET).length).toBeLessThanOrEqual(HEAD_SNIPPET_MAX_BYTES)
  })

  it('marks the page pending, hides unlocalized prices, copies the last experience, and fails open after the timeout', () => {
    vi.useFakeTimers()
    localStorage.setItem('flow-storefront:session', JSON.stringify({ experience: 'germany' }))
    run(headSnippet({ pricingTimeoutMs: 1500 }))
    const html = document.documentElement
    const style = document.querySelector('style[data-flow-style]')
    const during = { pending: html.hasAttribute('data-flow-pending'), experience: html.getAttribute('data-flow-experience'), style: style?.textContent }
    vi.advanceTimersByTime(1499)
    const justBefore = html.hasAttribute('data-flow-pending')
    vi.advanceTimersByTime(1)
    expect({ during, justBefore, after: html.hasAttribute('data-flow-pending') }).toEqual({
      during: {
        pending: true,
        experience: 'germany',
        style: HIDE_RULE,
      },
      justBefore: true,
      after: false,
    })
  })

  it('does nothing with flow_enabled=false, and survives a corrupt snapshot', () => {
    history.replaceState(null, '', '/?flow_enabled=false')
    run(HEAD_SNIPPET)
    const disabled = document.documentElement.hasAttribute('data-flow-pending')
    history.replaceState(null, '', '/')
    localStorage.setItem('flow-storefront:session', '{not json')
    run(HEAD_SNIPPET)
    expect({ disabled, pending: document.documentElement.hasAttribute('data-flow-pending') }).toEqual({ disabled: false, pending: true })
  })

  it('rejects a timeout that is not a whole number of milliseconds up to a minute', () => {
    expect(() => headSnippet({ pricingTimeoutMs: 1.5 })).toThrow('headSnippet(): pricingTimeoutMs expected an integer from 0 to 60000, received 1.5')
  })
})
