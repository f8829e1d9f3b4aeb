import { afterEach, describe, expect, it } from 'vitest'
import { openTestDb } from '../../test/webhook-harness.js'
import { createFlowClient } from '../client/index.js'
import { startEmulator } from '../emulator/index.js'
import { getSetting } from '../store/settings.js'
import { registerWebhooks, storedWebhookSecrets, updateWebhookSettings, webhookUrl, WEBHOOK_SECRET_SETTING } from './register.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function emulatorClient() {
  const emulator = await startEmulator({ port: 0 })
  closers.push(() => emulator.close())
  return { emulator, client: createFlowClient({ organization: emulator.organization, apiKey: emulator.apiKey, baseUrl: emulator.url }) }
}

describe('registerWebhooks', () => {
  it('reads every page, updates the match beyond the first page, creates the rest, and changes nothing the second time', async () => {
    const { client } = await emulatorClient()
    // 130 webhooks of other systems first, so ours is on the second page of 100.
    for (let i = 0; i < 130; i++) await client.createWebhook({ url: `https://other.example/hooks/${i}`, events: ['order_placed'] })
    const stale = await client.createWebhook({ url: 'https://shop.example/flow/webhooks/order_placed', events: ['order_placed', 'label_upserted'] })
    const first = await registerWebhooks(client, 'https://shop.example/flow/')
    const second = await registerWebhooks(client, 'https://shop.example/flow')
    const ours = (await client.listAllWebhooks()).filter((w) => w.url.startsWith('https://shop.example/flow/'))
    expect({
      first: first.map((r) => [r.event, r.action]),
      updatedId: first[0]?.id === stale.id,
      second: second.map((r) => r.action),
      ours: ours.map((w) => [w.url.slice('https://shop.example/flow'.length), w.events]).sort(),
    }).toEqual({
      first: [
        ['order_placed', 'updated'],
        ['capture_upserted_v2', 'created'],
        ['card_authorization_upserted_v2', 'created'],
        ['online_authorization_upserted_v2', 'created'],
        ['fraud_status_changed', 'created'],
        ['label_upserted', 'created'],
        ['refund_capture_upserted_v2', 'created'],
      ],
      updatedId: true,
      second: Array(7).fill('unchanged'),
      ours: [
        ['/webhooks/capture_upserted_v2', ['capture_upserted_v2']],
        ['/webhooks/card_authorization_upserted_v2', ['card_authorization_upserted_v2']],
        ['/webhooks/fraud_status_changed', ['fraud_status_changed']],
        ['/webhooks/label_upserted', ['label_upserted']],
        ['/webhooks/online_authorization_upserted_v2', ['online_authorization_upserted_v2']],
        ['/webhooks/order_placed', ['order_placed']],
        ['/webhooks/refund_capture_upserted_v2', ['refund_capture_upserted_v2']],
      ],
    })
  }, 20_000)

  it('refuses a base URL that is not a plain http(s) URL', () => {
    expect(() => webhookUrl('shop.example', 'order_placed')).toThrow(TypeError)
    expect(() => webhookUrl('https://shop.example/?x=1', 'order_placed')).toThrow(/without query/)
    expect(webhookUrl('https://shop.example/flow//', 'order_placed')).toBe('https://shop.example/flow/webhooks/order_placed')
  })
})

describe('updateWebhookSettings', () => {
  it('generates a secret once, gives it to Flow, keeps it, and rotates keeping the previous one for 48 hours', async () => {
    const { client, emulator } = await emulatorClient()
    const db = openTestDb()
    const t0 = Date.parse('2024-05-01T00:00:00Z')
    const first = await updateWebhookSettings(client, db, { now: t0 })
    const secret1 = getSetting(db, 'demo', WEBHOOK_SECRET_SETTING)
    const flowHas1 = emulator.state().webhook_settings.secret
    const again = await updateWebhookSettings(client, db, { now: t0 })
    const rotated = await updateWebhookSettings(client, db, { rotate: true, now: t0 })
    const secret2 = getSetting(db, 'demo', WEBHOOK_SECRET_SETTING)
    expect({
      first,
      again,
      rotated,
      secret1: /^[0-9a-f]{64}$/.test(secret1 ?? ''),
      flowHad: flowHas1 === secret1,
      flowHas: emulator.state().webhook_settings.secret === secret2,
      retries: [emulator.state().webhook_settings.retry_max_attempts, emulator.state().webhook_settings.retry_sleep_ms],
      during: storedWebhookSecrets(db, 'demo', t0 + 47 * 3_600_000).map((s) => (s === secret2 ? 'new' : s === secret1 ? 'old' : '?')),
      after: storedWebhookSecrets(db, 'demo', t0 + 49 * 3_600_000).map((s) => (s === secret2 ? 'new' : s === secret1 ? 'old' : '?')),
    }).toEqual({
      first: { secret: 'generated', previousKept: false },
      again: { secret: 'stored', previousKept: false },
      rotated: { secret: 'generated', previousKept: true },
      secret1: true,
      flowHad: true,
      flowHas: true,
      retries: [6, 60_000],
      during: ['new', 'old'],
      after: ['new'],
    })
    await expect(updateWebhookSettings(client, db, { secret: 'short' })).rejects.toThrow(RangeError)
  })
})
