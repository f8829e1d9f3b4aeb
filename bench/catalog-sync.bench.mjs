// Catalog sync: 10,000 SKUs sent to the emulator (running in its own process, as Flow would be),
// at the default concurrency (10) against concurrency 1 in the same run, plus peak memory.
// Bounded in time: the concurrency-1 run stops after BASELINE_BUDGET_MS (its rate is what counts),
// and the whole benchmark gives up after HARD_LIMIT_MS. Needs a build (`node bench/run.mjs catalog`).
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CATALOG_MIGRATIONS, createStoredProductSource, enqueueAllCatalog, processCatalogQueue, saveProducts } from '../server/dist/catalog/index.js'
import { createFlowClient } from '../server/dist/client/index.js'
import { openDb } from '../server/dist/store/sqlite.js'
import { printTable } from './lib.mjs'

const SKUS = 10_000
const BASELINE_BUDGET_MS = 8_000
const HARD_LIMIT_MS = 120_000

const hardLimit = setTimeout(() => {
  console.error(`catalog-sync bench: gave up after ${HARD_LIMIT_MS / 1000} s`)
  process.exit(1)
}, HARD_LIMIT_MS)
hardLimit.unref()

// The emulator in a child process with the demo organization and an empty catalog.
const emulatorModule = new URL('../server/dist/emulator/index.js', import.meta.url).href
const seedPath = fileURLToPath(new URL('../server/data/seed/demo.json', import.meta.url))
const child = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { readFileSync } from 'node:fs'
     const { startEmulator } = await import(${JSON.stringify(emulatorModule)})
     const seed = { ...JSON.parse(readFileSync(${JSON.stringify(seedPath)}, 'utf8')), items: [] }
     const e = await startEmulator({ port: 0, seed })
     process.stdout.write(JSON.stringify({ url: e.url, organization: e.organization, apiKey: e.apiKey }) + '\\n')`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
)
const emulator = await new Promise((resolve, reject) => {
  let text = ''
  child.stdout.on('data', (chunk) => {
    text += chunk
    if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]))
  })
  child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)))
})

let peakRss = process.memoryUsage().rss
let peakHeap = process.memoryUsage().heapUsed
const sampler = setInterval(() => {
  const usage = process.memoryUsage()
  peakRss = Math.max(peakRss, usage.rss)
  peakHeap = Math.max(peakHeap, usage.heapUsed)
}, 20)

const products = Array.from({ length: SKUS }, (_, i) => ({
  sku: `BENCH-${String(i).padStart(5, '0')}`,
  name: `Bench product ${i}`,
  description: 'A product of the catalog-sync benchmark.',
  currency: 'USD',
  prices: { regular: 30 + (i % 50), final: 25 + (i % 50) },
  categories: [['Bench', `Group ${i % 20}`]],
  images: [`https://cdn.example/bench/${i}.jpg`],
  weight: { value: 0.5, unit: 'kg' },
  country_of_origin: 'PT',
}))

async function run(concurrency, budgetMs) {
  const db = openDb(join(mkdtempSync(join(tmpdir(), 'fss-bench-')), 'bench.db'), CATALOG_MIGRATIONS)
  saveProducts(db, emulator.organization, products)
  const source = createStoredProductSource(db, emulator.organization)
  await enqueueAllCatalog(db, emulator.organization, source)
  const client = createFlowClient({ organization: emulator.organization, apiKey: emulator.apiKey, baseUrl: emulator.url })
  const controller = new AbortController()
  const budget = budgetMs === undefined ? undefined : setTimeout(() => controller.abort(), budgetMs)
  const started = performance.now()
  // Smaller batches for the bounded run, so it stops soon after its budget.
  const report = await processCatalogQueue({ db, client, source, concurrency, batchSize: budgetMs === undefined ? 1000 : 100, signal: controller.signal, onWarning: () => {} })
  const seconds = (performance.now() - started) / 1000
  if (budget) clearTimeout(budget)
  db.close()
  if (report.failed + report.invalid > 0) throw new Error(`bench: ${report.failed + report.invalid} rows failed`)
  return { itemsPerSecond: report.put / seconds, put: report.put, seconds }
}

try {
  const concurrent = await run(10)
  const serial = await run(1, BASELINE_BUDGET_MS)
  clearInterval(sampler)
  const maxRssMb = process.resourceUsage().maxRSS / 1024
  printTable(`catalog sync to the emulator (${SKUS.toLocaleString('en-US')} SKUs; ratio = concurrency 10 / concurrency 1)`, [
    {
      name: `items/s, concurrency 10 (${concurrent.put.toLocaleString('en-US')} in ${concurrent.seconds.toFixed(1)} s) vs 1 (${serial.put.toLocaleString('en-US')} in ${serial.seconds.toFixed(1)} s)`,
      value: concurrent.itemsPerSecond,
      baseline: serial.itemsPerSecond,
      ratio: concurrent.itemsPerSecond / serial.itemsPerSecond,
      unit: 'items/s',
    },
    { name: 'peak RSS of the syncing process', value: Math.max(maxRssMb, peakRss / 1048576), unit: 'MB' },
    { name: 'peak JS heap of the syncing process (sampled)', value: peakHeap / 1048576, unit: 'MB' },
  ])
} finally {
  clearInterval(sampler)
  child.kill()
}
