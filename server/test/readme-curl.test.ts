// The README's curl session and the outputs it prints as comments stay true: the same calls,
// read from the README itself, are made against a fresh emulator and must give those outputs.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const block = /A session with curl[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
})
afterAll(() => emulator.close())

it('the README curl session prints what its comments say', async () => {
  const numbers = [...(/experiences\/items\?([^"]+)"/.exec(block)?.[1] ?? '').matchAll(/number=([^&]+)/g)].map((m) => m[1]!)
  const estimateBody = /order-estimates[\s\S]*?-d '([^']+)'/.exec(block)?.[1] ?? '{}'
  const comments = block.split('\n').filter((line) => line.startsWith('#   ')).map((line) => line.slice(4).trim())

  const session = (await (
    await fetch(`${emulator.url}/sessions/organizations/demo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"country":"DE"}' })
  ).json()) as { id: string }
  const auth = { authorization: `Session ${session.id}` }
  const items = (await (await fetch(`${emulator.url}/demo/experiences/items?${numbers.map((n) => `number=${n}`).join('&')}`, { headers: auth })).json()) as {
    number: string
    local: { prices: { key: string; label: string }[] }
  }[]
  const byNumber = new Map(items.map((item) => [item.number, item.local.prices.find((p) => p.key === 'localized_item_price')?.label]))
  const estimate = (await (
    await fetch(`${emulator.url}/demo/order-estimates`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: estimateBody })
  ).json()) as { total: { label: string } }

  expect(numbers).toHaveLength(5)
  expect(comments).toEqual([numbers.map((n) => `${n}  ${byNumber.get(n)}`).join('    '), estimate.total.label])
})
