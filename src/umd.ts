// Script-tag entry: everything in the public API, plus the page-wide global. This is the one file
// of the SDK with an effect at load time (package.json `sideEffects` names its build).
import * as api from './index.js'
import { getWindow } from './core/env.js'

export * from './index.js'

// Under RequireJS the UMD wrapper registers an AMD module instead of the global; themes also
// reach the SDK as `window.FlowStorefront`, so set it in both cases.
const win = getWindow() as (Window & { FlowStorefront?: unknown }) | undefined
if (win && !win.FlowStorefront) win.FlowStorefront = api
