// The "done when": with serve running against the emulator, orders placed on the hosted
// checkout page reach the projection, and killing serve (SIGKILL) mid-stream and restarting it
// loses nothing: Flow (the emulator) retries what was not acknowledged, and what was acknowledged
// was on disk.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { transpileServer } from '../test/support/transpile.js'
import { openTestDb, tempDbPath } from '../test/webhook-harness.js'
import { createFlowClient } from './client/index.js'
import { startEmulator } from './emulator/index.js'
import { registerWebhooks, updateWebhookSettings } from './webhooks/index.js'

const child = fileURLToPath(new URL('../test/serve-child.mjs', import.meta.url))
const children = new Set<ChildProcess>()
afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(10)
  }
}

describe('serve killed mid-stream', () => {
  it('loses nothing: after SIGKILL and a restart every placed order reaches the projection, every event once', async () => {
    const emulator = await startEmulator({ port: 0, webhookRetry: { attempts: 10, baseDelayMs: 50 } })
    const root = transpileServer(['webhooks', 'store', 'client', 'checkout', 'http'], ['serve.ts', 'log.ts'])
    const client = createFlowClient({ organization: emulator.organization, apiKey: emulator.apiKey, baseUrl: emulator.url })
    const path = tempDbPath()
    const db = openTestDb(path)
    await updateWebhookSettings(client, db)
    const port = await freePort()
    await registerWebhooks(client, `http://127.0.0.1:${port}`)
    const startServe = async () => {
      const c = spawn(process.execPath, [child, root, path, emulator.url, emulator.organization, emulator.apiKey, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
      children.add(c)
      let err = ''
      c.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
      const exited = new Promise<NodeJS.Signals | null>((resolve) => c.on('exit', (_code, signal) => (children.delete(c), resolve(signal))))
      await new Promise<void>((resolve, reject) => {
        c.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('"url"') && resolve())
        c.on('exit', (code) => reject(new Error(`serve exited (${code}): ${err}`)))
      })
      return { child: c, exited }
    }
    const placeOrder = async () => {
      const session = await client.createSession({ country: 'CAN' })
      const token = await client.createCheckoutToken({ discriminator: 'checkout_token_order_form', session_id: session.id, order_form: { items: [{ number: 'TEE-CLASSIC-BLA-M', quantity: 1 }] } })
      const page = await (await fetch(emulator.checkoutUrl(token.id))).text()
      const fields = new URLSearchParams([...page.matchAll(/<input name="([^"]+)" type="[^"]+" value="([^"]*)"/g)].map(([, n, v]): [string, string] => [n!, v!]))
      const placed = await fetch(emulator.checkoutUrl(token.id), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() })
      if (placed.status !== 200) throw new Error(`placing the order answered ${placed.status}`)
      return token.order.number
    }
    const stored = () => db.prepare('SELECT count(*) FROM webhook_events').pluck().get() as number

    const first = await startServe()
    const numbers: string[] = []
    for (let i = 0; i < 4; i++) numbers.push(await placeOrder())
    // Mid-stream: some events stored, others still being delivered.
    await until(() => stored() > 0, 10_000, 'the first stored event')
    first.child.kill('SIGKILL')
    const signal = await first.exited
    const storedAtKill = stored()
    // Orders keep coming while serve is down; the emulator retries their deliveries.
    for (let i = 0; i < 4; i++) numbers.push(await placeOrder())
    await startServe()
    const projected = () =>
      numbers.every((n) => db.prepare("SELECT status FROM webhook_orders WHERE order_number = ? AND status = 'captured'").pluck().get(n) !== undefined)
    await until(projected, 20_000, 'every order to be captured in the projection')
    await until(() => (db.prepare("SELECT count(*) FROM webhook_events WHERE status = 'done'").pluck().get() as number) === numbers.length * 4, 10_000, 'every event done')
    await emulator.webhooksIdle()
    const deliveries = emulator.state().deliveries
    const events = db.prepare('SELECT status, count(*) AS n FROM webhook_events GROUP BY status').all()
    const retried = deliveries.filter((d) => d.attempts > 1).length
    await emulator.close()
    expect({
      signal,
      killedMidStream: storedAtKill < numbers.length * 4,
      orders: numbers.length,
      events,
      deliveries: [...new Set(deliveries.map((d) => d.status))],
      everyDeliveredEventStored: deliveries.every((d) => db.prepare('SELECT 1 FROM webhook_events WHERE event_id = ?').pluck().get(d.event_id) === 1),
      retried: retried > 0,
    }).toEqual({
      signal: 'SIGKILL',
      killedMidStream: true,
      orders: 8,
      events: [{ status: 'done', n: 32 }],
      deliveries: ['succeeded'],
      everyDeliveredEventStored: true,
      retried: true,
    })
  }, 60_000)
})
