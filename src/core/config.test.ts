import { afterEach, describe, expect, it } from 'vitest'
import { configure, getConfig, resetConfig } from './config.js'

afterEach(resetConfig)

describe('configure', () => {
  it('merges options over the defaults', () => {
    configure({ organization: 'demo' })
    configure({ apiUrl: 'http://127.0.0.1:1' })
    const { organization, apiUrl, pricingTimeoutMs, cache } = getConfig()
    expect({ organization, apiUrl, pricingTimeoutMs, cache }).toEqual({
      organization: 'demo',
      apiUrl: 'http://127.0.0.1:1',
      pricingTimeoutMs: 2000,
      cache: 'auto',
    })
  })

  it('names the missing organization', () => {
    expect(() => getConfig()).toThrow(/no organization configured/)
  })

  it.each([
    [{ timeoutMs: '5' }, /"timeoutMs" expected a number, received "5"/],
    [{ cache: 'disk' }, /"cache" expected 'auto' \| 'indexeddb' \| 'memory' \| 'none', received "disk"/],
    [{ colour: 'red' }, /unknown option "colour"/],
    [{ botPattern: 'bot' }, /"botPattern" expected a RegExp/],
    [{ organization: 'a b' }, /"organization" expected a Flow organization id/],
  ])('rejects %j with a TypeError naming the option', (options, message) => {
    expect(() => configure(options as never)).toThrow(message)
  })
})
