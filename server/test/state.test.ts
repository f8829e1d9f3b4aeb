// State: in memory by default; with a state path it survives restarts, written atomically.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { startEmulator, type DeliveryRecord } from '../src/emulator/index.js'
import { createApi, startReceiver } from './helpers.js'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close()
})

function tempState(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flow-emulator-'))
  return { dir, path: join(dir, 'state.json') }
}

describe('state', () => {
  test('without a state path, a restart starts from the seed again', async () => {
    const first = await startEmulator()
    await createApi(first).raw('POST', '/demo/webhooks', { body: { url: 'http://127.0.0.1:9/x', events: ['order_placed'] } })
    await first.close()
    const second = await startEmulator()
    cleanup.push(() => second.close())
    expect((await createApi(second).raw('GET', '/demo/webhooks')).json).toEqual([])
  })

  test('with a state path, changes survive a restart; the file is whole JSON and no temp file is left', async () => {
    const { dir, path } = tempState()
    const first = await startEmulator({ statePath: path })
    const api = createApi(first)
    const webhook = (await api.raw('POST', '/demo/webhooks', { body: { url: 'http://127.0.0.1:9/x', events: ['order_placed'] } })).json
    await api.raw('PUT', '/demo/catalog/items/kept-1', { body: { number: 'KEPT-1', locale: 'en_US', name: 'Kept', currency: 'USD', price: 1 } })
    const session = (await api.raw('POST', '/sessions/organizations/demo', { auth: 'none', body: { country: 'AU' } })).json as { id: string }
    // Written after each change, before the answer: readable now, without closing.
    expect((JSON.parse(readFileSync(path, 'utf8')) as { webhooks: unknown[] }).webhooks).toHaveLength(1)
    await first.close()

    const second = await startEmulator({ statePath: path })
    cleanup.push(() => second.close())
    const again = createApi(second)
    expect((await again.raw('GET', '/demo/webhooks')).json).toEqual([webhook])
    expect((await again.raw('GET', '/demo/catalog/items/KEPT-1')).status).toBe(200)
    expect(((await again.raw('GET', `/sessions/${session.id}`, { auth: 'none' })).json as { experience: { key: string } }).experience.key).toBe('australia')
    expect(readdirSync(dir)).toEqual(['state.json'])
  })

  test('a state file that is not the emulator\'s is refused with a clear message', async () => {
    const { path } = tempState()
    writeFileSync(path, '{"hello":')
    await expect(startEmulator({ statePath: path })).rejects.toThrow(`cannot read the state file ${path}. Delete it to start from the seed.`)
    writeFileSync(path, '{"hello":"world"}')
    await expect(startEmulator({ statePath: path })).rejects.toThrow('is not an emulator state file (version 1)')
  })

  test('a delivery left waiting for a retry is resumed after a restart', async () => {
    const { path } = tempState()
    const receiver = await startReceiver([500])
    cleanup.push(() => receiver.close())
    const first = await startEmulator({ statePath: path, webhookRetry: { baseDelayMs: 60_000 } })
    const api = createApi(first)
    await api.raw('POST', '/demo/webhooks', { body: { url: receiver.url, events: ['fraud_status_changed'] } })
    const session = (await api.raw('POST', '/sessions/organizations/demo', { auth: 'none', body: {} })).json as { id: string }
    const token = (await api.raw('POST', '/demo/checkout/tokens', { body: { discriminator: 'checkout_token_order_form', session_id: session.id, order_form: { items: [{ number: 'SOAP-OLIVE', quantity: 1 }] } } })).json as { id: string }
    await fetch(first.checkoutUrl(token.id), { method: 'POST', body: '' })
    await receiver.waitFor(1)
    await first.close() // the retry is due in a minute

    const later = () => new Date(Date.now() + 120_000)
    const second = await startEmulator({ statePath: path, now: later })
    cleanup.push(() => second.close())
    await receiver.waitFor(2)
    await second.webhooksIdle()
    const [delivery] = (await createApi(second).raw('GET', '/demo/webhook/deliveries')).json as DeliveryRecord[]
    expect([delivery?.status, delivery?.requests.map((r) => r.status)]).toEqual(['succeeded', [500, 200]])
  })

  test('reset returns to the seed', async () => {
    const emulator = await startEmulator()
    cleanup.push(() => emulator.close())
    const api = createApi(emulator)
    await api.raw('DELETE', '/demo/catalog/items/MUG-ENAMEL')
    expect((await api.raw('POST', '/_emulator/reset', { auth: 'none' })).status).toBe(204)
    expect((await api.raw('GET', '/demo/catalog/items/MUG-ENAMEL')).status).toBe(200)
  })
})
