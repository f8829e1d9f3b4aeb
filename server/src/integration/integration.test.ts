import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CATALOG_MIGRATIONS } from '../catalog/index.js'
import type { RunningEmulator } from '../emulator/index.js'
import { INVENTORY_MIGRATIONS } from '../inventory/index.js'
import { getSetting } from '../store/settings.js'
import { openDb } from '../store/sqlite.js'
import { WEBHOOK_MIGRATIONS } from '../webhooks/index.js'
import { startEmptyCatalogEmulator, tempDbPath, testClient } from '../../test/adapter-emulator.js'
import { initializeIntegration } from './index.js'

let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmptyCatalogEmulator()
})

afterAll(async () => {
  await emulator.close()
})

describe('initializeIntegration', () => {
  it('runs the four steps in order, reports each, keeps the generated secret, and changes nothing the second time', async () => {
    const db = openDb(tempDbPath(), [...CATALOG_MIGRATIONS, ...INVENTORY_MIGRATIONS, ...WEBHOOK_MIGRATIONS])
    const client = testClient(emulator)
    const reported: string[] = []
    const first = await initializeIntegration({ client, db, baseUrl: 'https://shop.example/flow', onStep: (step) => reported.push(step.step) })
    const secret = getSetting(db, emulator.organization, 'webhook_secret')
    const second = await initializeIntegration({ client, db, baseUrl: 'https://shop.example/flow' })
    const state = emulator.state()
    expect({
      reported,
      first: first.steps.map((step) => [step.step, step.ok]),
      second: second.steps.map((step) => step.detail),
      secret: [typeof secret === 'string' && /^[0-9a-f]{64}$/.test(secret), getSetting(db, emulator.organization, 'webhook_secret') === secret, state.webhook_settings.secret === secret],
      center: getSetting(db, emulator.organization, 'default_center_key'),
      attributes: ['base_price', 'final_price', 'minimal_price', 'tier_price'].map((key) => (state.attributes[key] as { intent?: string } | undefined)?.intent),
      webhooks: Object.values(state.webhooks).map((webhook) => webhook.url).sort(),
    }).toEqual({
      reported: ['center-keys', 'price-attributes', 'webhook-registration', 'webhook-settings'],
      first: [
        ['center-keys', true],
        ['price-attributes', true],
        ['webhook-registration', true],
        ['webhook-settings', true],
      ],
      second: ['default center demo-warehouse (1 center)', '16 price attributes saved', '7 webhooks: 7 unchanged', 'secret unchanged (stored)'],
      secret: [true, true, true],
      center: 'demo-warehouse',
      attributes: ['price', 'price', 'price', 'price'],
      webhooks: expect.arrayContaining(['https://shop.example/flow/webhooks/order_placed']),
    })
    db.close()
  })

  it('reports a failed step and still runs the others; ok is false', async () => {
    const db = openDb(tempDbPath(), [...CATALOG_MIGRATIONS, ...INVENTORY_MIGRATIONS, ...WEBHOOK_MIGRATIONS])
    const result = await initializeIntegration({
      client: testClient(emulator),
      db,
      baseUrl: 'https://shop.example',
      registerWebhooks: async () => {
        throw new Error('registration refused')
      },
    })
    expect({ ok: result.ok, steps: result.steps.map((step) => [step.step, step.ok, step.error ?? null]) }).toEqual({
      ok: false,
      steps: [
        ['center-keys', true, null],
        ['price-attributes', true, null],
        ['webhook-registration', false, 'registration refused'],
        ['webhook-settings', true, null],
      ],
    })
    db.close()
  })
})
