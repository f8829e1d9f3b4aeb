// The public names of the package, pinned: adding or removing one is an API change and must be a
// deliberate edit here (and in the README).
import { expect, it } from 'vitest'
import * as api from '../src/index.js'

it('exports exactly the public API', () => {
  expect(Object.keys(api).sort()).toEqual([
    'FlowStorefrontError',
    'VERSION',
    'allocate',
    'cacheKey',
    'convertMinor',
    'createCache',
    'createEmitter',
    'createHttp',
    'currencyDecimals',
    'currencySymbol',
    'formatMoney',
    'fromMinor',
    'isFlowStorefrontError',
    'parseMoney',
    'roundMinor',
    'sharedAtom',
    'toDecimalString',
    'toMinor',
  ])
})
