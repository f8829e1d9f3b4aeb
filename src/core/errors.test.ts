import { describe, expect, it } from 'vitest'
import { FlowStorefrontError, isFlowStorefrontError } from './errors.js'

describe('FlowStorefrontError', () => {
  it('carries name, code, status and cause', () => {
    const cause = new TypeError('fetch failed')
    const error = new FlowStorefrontError('network', 'offline', { cause, status: 0 })
    expect({ name: error.name, code: error.code, status: error.status, cause: error.cause }).toEqual({
      name: 'FlowStorefrontError',
      code: 'network',
      status: 0,
      cause,
    })
  })

  it('is recognised across copies of the SDK by name, not only instanceof', () => {
    const foreign = Object.assign(new Error('x'), { name: 'FlowStorefrontError', code: 'http' })
    expect([
      isFlowStorefrontError(new FlowStorefrontError('http', 'x')),
      isFlowStorefrontError(foreign),
      isFlowStorefrontError(new Error('x')),
      isFlowStorefrontError(Object.assign(new Error('x'), { name: 'FlowStorefrontError' })),
      isFlowStorefrontError(null),
    ]).toEqual([true, true, false, false, false])
  })
})
