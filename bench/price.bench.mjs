// Catalog price localization, in Chromium against the emulator:
//   1. localizing 10,000 price nodes vs a plain loop writing textContent to the same nodes (goal ≤ 1.5×)
//   2. script start → all prices localized with 100 ms API latency, cold and warm
//      (goals: warm before the first API response; cold one round trip plus at most one frame)
//   3. gzip size of the price-localization import set and of the UMD file, beside Flow.js's
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { startEmulator } from 'flow-storefront-server'
import { launch, median, serve } from './browser.mjs'
import { printTable } from './lib.mjs'

const NODES = 10_000
const emulator = await startEmulator({ port: 0 })
const auth = `Basic ${Buffer.from(`${emulator.apiKey}:`).toString('base64')}`
const skus = (await (await fetch(`${emulator.url}/demo/catalog/items?limit=100`, { headers: { authorization: auth } })).json()).map((item) => item.number)

const gridPage = (count, api) => `<!doctype html><html><head><meta charset="utf-8"></head><body><ul id="grid"></ul>
<script>
  var grid = document.getElementById('grid'), skus = ${JSON.stringify(skus)}
  for (var i = 0; i < ${count}; i++) {
    var li = document.createElement('li'); li.setAttribute('data-flow-item-number', skus[i % skus.length])
    var p = document.createElement('span'); p.setAttribute('data-flow-localize', 'item-price'); p.textContent = '$1.00'
    li.append(p); grid.append(li)
  }
  window.__t0 = performance.now()
</script>
<script src="/dist/flow-storefront.umd.min.js" data-organization="demo" data-api-url="${api}"></script>
<script>
  FlowStorefront.on('catalogLocalized', function (r) { if (r.localized > 0 && !window.__done) window.__done = performance.now() })
</script></body></html>`

const site = await serve({ '/nodes.html': gridPage(NODES, emulator.url), '/start.html': gridPage(50, emulator.url) })
const browser = await launch()

// 1. 10,000 nodes: a full pass from the in-memory document vs the plain loop, same page, same labels.
const page = await browser.newPage()
await page.goto(`${site.url}/nodes.html?flow_country=DE`)
await page.waitForFunction(() => document.body.classList.contains('flow-catalog-localized'))
const dom = await page.evaluate(async () => {
  const nodes = [...document.querySelectorAll('[data-flow-localize="item-price"]')]
  const labels = nodes.map((node) => node.textContent)
  // Back to base prices, then let the page's MutationObserver drain, outside the timings.
  const reset = async () => {
    nodes.forEach((node) => (node.textContent = '$1.00'))
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  const sdk = [], loop = []
  for (let run = 0; run < 7; run++) {
    await reset()
    let t = performance.now()
    await window.FlowStorefront.localizePrices()
    sdk.push(performance.now() - t)
    await reset()
    t = performance.now()
    for (let i = 0; i < nodes.length; i++) nodes[i].textContent = labels[i]
    loop.push(performance.now() - t)
  }
  return { sdk, loop }
})
await page.close()

// 2. Script start → localized, with every API call taking 100 ms. Cold: a new browser context (empty
// IndexedDB, no cookie). Warm: the same context again.
emulator.faults.add({ route: '*', latency_ms: 100 })
const cold = [], warm = [], warmBeforeResponse = []
for (let run = 0; run < 5; run++) {
  const context = await browser.newContext()
  for (const [kind, into] of [['cold', cold], ['warm', warm]]) {
    const tab = await context.newPage()
    let firstResponse
    tab.on('response', (response) => {
      if (response.url().startsWith(emulator.url) && response.request().method() !== 'OPTIONS') firstResponse ??= Date.now()
    })
    // Cold: a first visit choosing Japan; warm: the same shopper coming back to another page.
    await tab.goto(`${site.url}/start.html${kind === 'cold' ? '?flow_country=JP' : ''}`)
    await tab.waitForFunction(() => window.__done !== undefined)
    const doneAt = Date.now()
    into.push(await tab.evaluate(() => window.__done - window.__t0))
    if (kind === 'warm') warmBeforeResponse.push(firstResponse === undefined || doneAt <= firstResponse)
    await tab.close()
  }
  await context.close()
}
emulator.faults.clear()
await browser.close()
await site.close()
await emulator.close()

// 3. Sizes: gzip of what a page loads.
const gzip = (buffer) => gzipSync(buffer, { level: 9 }).length
const umd = gzip(readFileSync(new URL('../dist/flow-storefront.umd.min.js', import.meta.url)))
const sizes = JSON.parse(execFileSync('npx', ['size-limit', '--json'], { encoding: 'utf8' }))
const priceSet = sizes.find((entry) => entry.name.startsWith('price localization')).size
const FLOWJS = 155_596
const FLOWJS_PICKER = 57_966

printTable(`price localization (Chromium; ${NODES.toLocaleString('en-US')} nodes; medians of 7 and 5 runs)`, [
  { name: `localize ${NODES} nodes vs plain textContent loop`, value: median(dom.sdk), baseline: median(dom.loop), ratio: median(dom.sdk) / median(dom.loop), unit: 'ms', goal: '≤ 1.5×' },
  { name: 'script start → localized, warm (100 ms API)', value: median(warm), unit: 'ms', goal: `before the first API response: ${warmBeforeResponse.filter(Boolean).length}/${warmBeforeResponse.length} runs` },
  { name: 'script start → localized, cold (100 ms API)', value: median(cold), unit: 'ms', goal: 'one round trip (session and prices asked in parallel, plus CORS preflight) + one frame' },
  { name: 'gzip: price-localization import set vs Flow.js', value: priceSet, baseline: FLOWJS, ratio: priceSet / FLOWJS, unit: 'B', goal: '≤ 6 KB' },
  { name: 'gzip: whole UMD file vs Flow.js + its country picker', value: umd, baseline: FLOWJS + FLOWJS_PICKER, ratio: umd / (FLOWJS + FLOWJS_PICKER), unit: 'B', goal: '≤ 14 KB' },
])
