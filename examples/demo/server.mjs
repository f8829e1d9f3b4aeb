#!/usr/bin/env node
// The demo storefront run by `npm start`: the Flow API emulator plus a small store whose pages are
// rendered on the server in base currency (USD), with Flow.js attributes, and localized in the
// browser by the SDK loaded from a plain <script> tag. Open the printed URL, add ?flow_country=DE
// (or JP, KW, BR, ...) or pick a country in the header.
//
//   node examples/demo/server.mjs [--port 8080] [--emulator-port 7070]
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { startEmulator } from 'flow-storefront-server'
import { HEAD_SNIPPET } from '../../dist/esm/price/head-snippet.js'

const ROOT = new URL('../../', import.meta.url)
const SDK = new URL('dist/flow-storefront.umd.min.js', ROOT)

/** Escapes text for HTML: the demo renders product names from the catalog. */
const html = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const usd = (amount) => `$${Number(amount).toFixed(2)}`

/**
 * Starts the emulator and the storefront. Returns their URLs and a `close()`.
 * @param {{ port?: number, emulatorPort?: number, emulator?: { url: string, organization: string, apiKey: string } }} options
 */
export async function startDemo(options = {}) {
  const emulator = options.emulator ?? (await startEmulator({ port: options.emulatorPort ?? 0 }))
  const catalog = await loadCatalog(emulator)
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://demo')
    if (url.pathname === '/sdk/flow-storefront.umd.min.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' })
      response.end(readFileSync(SDK))
      return
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const nonce = randomBytes(16).toString('base64')
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        // The page runs under a strict CSP: nonce scripts and styles only, API calls to the emulator.
        'content-security-policy': `default-src 'self'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self' ${emulator.url}; img-src 'self' data:`,
      })
      response.end(renderCatalog({ catalog, nonce, apiUrl: emulator.url, organization: emulator.organization }))
      return
    }
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end()
      return
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
  })
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}`
  return {
    url,
    emulator,
    close: async () => {
      await new Promise((resolve) => server.close(resolve))
      if (!options.emulator) await emulator.close()
    },
  }
}

/** The products to show: the emulator's catalog, read as the merchant's server would (with the API key). */
async function loadCatalog(emulator) {
  const auth = `Basic ${Buffer.from(`${emulator.apiKey}:`).toString('base64')}`
  const items = []
  for (let offset = 0; ; offset += 100) {
    const response = await fetch(`${emulator.url}/${emulator.organization}/catalog/items?limit=100&offset=${offset}`, { headers: { authorization: auth } })
    if (!response.ok) throw new Error(`demo: the emulator answered ${response.status} for the catalog`)
    const page = await response.json()
    items.push(...page)
    if (page.length < 100) break
  }
  // Show products, not their variants: configurable children carry a parent attribute.
  return items.filter((item) => !item.attributes?.parent_sku && !item.attributes?.parent_number)
}

const COUNTRIES = [
  ['US', 'United States (USD)'],
  ['CA', 'Canada (CAD)'],
  ['GB', 'United Kingdom (GBP)'],
  ['DE', 'Germany (EUR)'],
  ['JP', 'Japan (JPY)'],
  ['KW', 'Kuwait (KWD)'],
  ['BR', 'Brazil (BRL)'],
  ['AU', 'Australia (AUD)'],
]

function renderCatalog({ catalog, nonce, apiUrl, organization }) {
  const tiles = catalog
    .map((item) => {
      const regular = Number(item.attributes?.regular_price ?? item.price.amount)
      const final = Number(item.attributes?.final_price ?? item.price.amount)
      const onSale = regular > final
      return `
      <li class="tile" data-flow-item-number="${html(item.number)}">
        <div class="swatch" aria-hidden="true"></div>
        <h2>${html(item.name)}</h2>
        <p class="price">
          <span class="now" data-flow-localize="item-price">${usd(item.price.amount)}</span>
          ${onSale ? `<s data-flow-localize="item-price-attribute" data-flow-item-price-attribute="regular_price">${usd(regular)}</s>` : ''}
        </p>
        <p class="levies" data-flow-localize="item-tax-duty-message"></p>
      </li>`
    })
    .join('')
  const options = COUNTRIES.map(([code, label]) => `<option value="${code}">${html(label)}</option>`).join('')
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>flow-storefront demo</title>
  <script nonce="${nonce}">${HEAD_SNIPPET}</script>
  <style nonce="${nonce}">
    body { font: 16px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
    header { display: flex; gap: 1rem; align-items: center; justify-content: space-between; padding: 1rem 2rem; background: #fff; border-bottom: 1px solid #e5e5e5; }
    header h1 { font-size: 1.25rem; margin: 0; }
    ul.grid { list-style: none; display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 1rem; padding: 2rem; margin: 0; }
    .tile { background: #fff; border: 1px solid #e5e5e5; border-radius: 8px; padding: 1rem; }
    .tile h2 { font-size: 1rem; margin: .5rem 0; }
    .swatch { height: 120px; border-radius: 4px; background: linear-gradient(135deg, #dfe7f1, #f4efe6); }
    .price { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
    .price s { color: #888; font-weight: 400; margin-left: .5rem; }
    .levies { margin: .25rem 0 0; font-size: .8rem; color: #555; min-height: 1.1em; }
  </style>
</head>
<body>
  <header>
    <h1>Demo store</h1>
    <form method="get" action="/" id="country-form">
      <label for="country">Ship to</label>
      <select id="country" name="flow_country">${options}</select>
      <button type="submit">Go</button>
    </form>
  </header>
  <ul class="grid">${tiles}</ul>
  <script nonce="${nonce}" src="/sdk/flow-storefront.umd.min.js" data-organization="${html(organization)}" data-api-url="${html(apiUrl)}"></script>
  <script nonce="${nonce}">
    // Without JavaScript the form reloads with ?flow_country=XX; with it, the switch happens in place.
    var form = document.getElementById('country-form')
    var select = document.getElementById('country')
    FlowStorefront.$session.subscribe(function (session) {
      if (!session) return
      var code = { USA: 'US', CAN: 'CA', GBR: 'GB', DEU: 'DE', JPN: 'JP', KWT: 'KW', BRA: 'BR', AUS: 'AU' }[session.country]
      if (code) select.value = code
    })
    form.addEventListener('submit', function (event) {
      event.preventDefault()
      FlowStorefront.setCountry(select.value).catch(function (error) { console.error(error) })
    })
  </script>
</body>
</html>`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(name)
    return i > 0 ? Number(process.argv[i + 1]) : undefined
  }
  const demo = await startDemo({ port: arg('--port') ?? Number(process.env.PORT ?? 8080), emulatorPort: arg('--emulator-port') ?? Number(process.env.EMULATOR_PORT ?? 0) })
  console.log(`flow-storefront demo: ${demo.url}`)
  console.log(`  try ${demo.url}/?flow_country=DE  ?flow_country=JP  ?flow_country=KW  ?flow_country=BR`)
  console.log(`Flow API emulator: ${demo.emulator.url} (organization ${demo.emulator.organization}, API key ${demo.emulator.apiKey})`)
  const stop = () => demo.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
