// The emulator's localized-items endpoint: requests per second for 100-SKU batches, against a bare
// node:http server that answers the same bytes from memory (the ceiling of one Node process here).
import { createServer } from 'node:http'
import { startEmulator } from 'flow-storefront-server'
import { printTable } from './lib.mjs'

const SECONDS = 2
const CONCURRENCY = 8
const emulator = await startEmulator({ port: 0 })
const auth = `Basic ${Buffer.from(`${emulator.apiKey}:`).toString('base64')}`
const numbers = Array.from({ length: 100 }, (_, i) => `BENCH-${String(i).padStart(3, '0')}`)
for (const [i, number] of numbers.entries()) {
  await fetch(`${emulator.url}/demo/catalog/items/${number}`, {
    method: 'PUT',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ number, locale: 'en_US', name: number, currency: 'USD', price: 10 + i, categories: [] }),
  })
}
const path = `/demo/experiences/items?experience=germany&limit=100&${numbers.map((n) => `number=${n}`).join('&')}`
const body = await (await fetch(emulator.url + path, { headers: { authorization: auth } })).text()
if (JSON.parse(body).length !== 100) throw new Error('bench: expected 100 localized items')

const bare = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body))
await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve))
const bareUrl = `http://127.0.0.1:${bare.address().port}`

async function load(url) {
  let done = 0
  const until = Date.now() + SECONDS * 1000
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        const response = await fetch(url, { headers: { authorization: auth } })
        await response.arrayBuffer()
        done++
      }
    }),
  )
  return done / SECONDS
}

const emulated = await load(emulator.url + path)
const ceiling = await load(bareUrl + path)
bare.close()
await emulator.close()

printTable(`emulator: localized items, 100-SKU batches (${CONCURRENCY} concurrent clients, ${SECONDS} s each, one process)`, [
  { name: 'GET experiences/items ×100 SKUs vs bare node:http same bytes', value: emulated, baseline: ceiling, ratio: emulated / ceiling, unit: 'req/s' },
  { name: 'localized items per second', value: emulated * 100, unit: 'items/s' },
])
