// Script-tag entry: everything in the public API, the page-wide global, and auto-start from the
// tag's data attributes. This is the one file of the SDK with an effect at load time
// (package.json `sideEffects` names its build).
//
//   <script src="flow-storefront.umd.min.js" data-organization="demo"
//           data-api-url="https://api.flow.io" data-pricing-timeout="2000"></script>
//
// With `data-organization` the SDK configures itself, localizes the catalog once the DOM is
// ready and keeps it localized; without it, nothing starts until the page calls `configure()`.
import * as api from './index.js'
import { getDocument, getWindow } from './core/env.js'

export * from './index.js'

const win = getWindow() as (Window & { FlowStorefront?: unknown }) | undefined
// Under RequireJS the UMD wrapper registers an AMD module instead of the global; themes also
// reach the SDK as `window.FlowStorefront`, so set it in both cases.
if (win && !win.FlowStorefront) win.FlowStorefront = api

const doc = getDocument()
const script = doc?.currentScript as HTMLScriptElement | null | undefined
const data = script?.dataset
if (doc && data?.organization) {
  const number = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value))
  const options: api.ConfigOptions = { organization: data.organization }
  if (data.apiUrl) options.apiUrl = data.apiUrl
  if (data.priceDocumentUrl) options.priceDocumentUrl = data.priceDocumentUrl
  if (data.checkoutUrl) options.checkoutUrl = data.checkoutUrl
  const pricingTimeoutMs = number(data.pricingTimeout)
  if (pricingTimeoutMs !== undefined) options.pricingTimeoutMs = pricingTimeoutMs
  if (data.reloadOnChange === 'true') options.reloadOnChange = true
  try {
    api.configure(options)
    const start = () => {
      void api.localizePrices()
      api.observePrices()
    }
    if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start, { once: true })
    else start()
  } catch (error) {
    // A bad data attribute is the theme developer's mistake: say so, but never break the page.
    console.error(error)
  }
}
