import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createFlowClient, FlowApiError } from './index.js'
import type { FlowClientOptions, InventoryUpdateForm, ItemForm, Webhook } from './index.js'
import { createOperations } from './operations.js'
import type { FlowCall } from './operations.js'
import { startScriptedServer } from '../../test/support/scripted-server.js'
import type { Reply, ScriptedServer } from '../../test/support/scripted-server.js'

const API_KEY = 'flow-key-for-tests'

let server: ScriptedServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function serve(script: Parameters<typeof startScriptedServer>[0]): Promise<ScriptedServer> {
  server = await startScriptedServer(script)
  return server
}

function makeClient(url: string, overrides: Partial<FlowClientOptions> = {}) {
  return createFlowClient({ organization: 'demo', apiKey: API_KEY, baseUrl: url, sleep: async () => undefined, ...overrides })
}

function makeItemForm(overrides: Partial<ItemForm> = {}): ItemForm {
  return { number: 'SKU-1', locale: 'en_US', name: 'Tee', currency: 'USD', price: 20, ...overrides }
}

function makeWebhook(i: number): Webhook {
  return { id: `whk-${i}`, url: `https://shop.example/hooks/${i}`, events: ['order_placed'] }
}

describe('named methods', () => {
  it('putItem PUTs the form to its URL-encoded number', async () => {
    const s = await serve([{ body: { id: 'it-1' } }])
    const form = makeItemForm({ number: 'TEE/red L' })
    await makeClient(s.url).putItem(form)
    expect(s.requests.map((r) => [r.method, r.path, JSON.parse(r.body)])).toEqual([['PUT', '/demo/catalog/items/TEE%2Fred%20L', form]])
  })

  it('lookups resolve undefined on 404 and throw on other failures', async () => {
    const s = await serve([{ status: 404 }, { status: 404 }, { status: 401 }])
    const flow = makeClient(s.url)
    const item = await flow.getItem('nope')
    const session = await flow.getSession('sess-1')
    const error = await flow.getItem('x').catch((e: unknown) => e)
    expect({ item, session, status: error instanceof FlowApiError ? error.status : error }).toEqual({
      item: undefined,
      session: undefined,
      status: 401,
    })
  })

  it('deletes resolve true when deleted and false when already gone', async () => {
    const s = await serve([{ status: 204 }, { status: 404 }])
    const flow = makeClient(s.url)
    expect([await flow.deleteItem('SKU-1'), await flow.deleteItem('SKU-1')]).toEqual([true, false])
    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /demo/catalog/items/SKU-1', 'DELETE /demo/catalog/items/SKU-1'])
  })

  it('session calls authenticate with the session itself', async () => {
    const s = await serve([{ body: { id: 'sess-9' } }, { body: [] }])
    const flow = makeClient(s.url)
    await flow.getSession('sess-9')
    await flow.getLocalizedItems({ experience: 'germany', number: ['A'] }, { session: 'sess-9' })
    expect(s.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/sessions/sess-9', 'Session sess-9'],
      ['/demo/experiences/items', 'Session sess-9'],
    ])
  })

  it('createSession uses Basic auth on the organization path', async () => {
    const s = await serve([{ status: 201, body: { id: 'sess-1' } }])
    await makeClient(s.url).createSession({ country: 'DEU' })
    const [request] = s.requests
    expect([request?.method, request?.path, request?.headers.authorization?.startsWith('Basic '), request?.body]).toEqual([
      'POST',
      '/sessions/organizations/demo',
      true,
      '{"country":"DEU"}',
    ])
  })

  it('getLocalizedItemsByNumber POSTs the filter form with the experience query', async () => {
    const answer = { responses: [{ value: 'A', items: [] }] }
    const s = await serve([{ body: answer }])
    const result = await makeClient(s.url).getLocalizedItemsByNumber(['A', 'B'], { experience: 'germany', currency: 'EUR' })
    const [request] = s.requests
    expect({ result, path: request?.path, query: request?.query.toString(), body: JSON.parse(request?.body ?? '') }).toEqual({
      result: answer,
      path: '/demo/experiences/items/filters/number',
      query: 'experience=germany&currency=EUR',
      body: { filter: 'number', values: ['A', 'B'] },
    })
  })

  it('createInventoryUpdate sends its idempotency_key as the header and is retried with it', async () => {
    const s = await serve([{ status: 503 }, { status: 201, body: { id: 'inu-1' } }])
    const form: InventoryUpdateForm = { center: 'main', item_number: 'SKU-1', quantity: 7, type: 'set', idempotency_key: 'SKU-1:main:42' }
    await makeClient(s.url).createInventoryUpdate(form)
    expect(s.requests.map((r) => [r.method, r.path, r.headers['idempotency-key'], JSON.parse(r.body)])).toEqual([
      ['POST', '/demo/inventory_updates', 'SKU-1:main:42', form],
      ['POST', '/demo/inventory_updates', 'SKU-1:main:42', form],
    ])
  })

  it('createRefund puts the idempotency key in Flow’s `key` field and the header, and retries', async () => {
    const s = await serve([{ destroy: true }, { status: 201, body: { id: 'ref-1' } }])
    await makeClient(s.url).createRefund({ order_number: 'ord-1', amount: 10, currency: 'EUR' }, { idempotencyKey: 'creditmemo-77' })
    expect(s.requests.map((r) => [r.headers['idempotency-key'], JSON.parse(r.body)])).toEqual([
      ['creditmemo-77', { order_number: 'ord-1', amount: 10, currency: 'EUR', key: 'creditmemo-77' }],
      ['creditmemo-77', { order_number: 'ord-1', amount: 10, currency: 'EUR', key: 'creditmemo-77' }],
    ])
  })

  it('createCheckoutToken without a key is sent once', async () => {
    const s = await serve([{ status: 502 }, { status: 201, body: {} }])
    const error = await makeClient(s.url)
      .createCheckoutToken({ discriminator: 'checkout_token_reference_form', order_number: 'o', session_id: 's', urls: { continue_shopping: 'https://shop.example' } })
      .catch((e: unknown) => e)
    expect({ status: error instanceof FlowApiError ? error.status : error, sent: s.requests.length }).toEqual({ status: 502, sent: 1 })
  })

  it('getCountryPicker fills :organization_id and reference data needs no organization', async () => {
    const s = await serve([{ body: {} }, { body: [] }, { body: {} }])
    const flow = makeClient(s.url)
    await flow.getCountryPicker()
    await flow.listCurrencies()
    await flow.getCountryDefaults('DEU')
    expect(s.requests.map((r) => r.path)).toEqual(['/organizations/demo/country/picker', '/reference/currencies', '/geolocation/defaults/DEU'])
  })

  it('call() refuses a missing path parameter before sending anything', async () => {
    const s = await serve([{ body: {} }])
    const flow = makeClient(s.url)
    await expect(flow.getItem('')).rejects.toThrow(/path parameter "number" must be a non-empty string/)
    expect(s.requests).toHaveLength(0)
  })
})

describe('pagination', () => {
  function webhookPages(total: number): (request: { query: URLSearchParams }) => Reply {
    const all = Array.from({ length: total }, (_, i) => makeWebhook(i))
    return (request) => {
      const limit = Number(request.query.get('limit') ?? 25)
      const offset = Number(request.query.get('offset') ?? 0)
      return { body: all.slice(offset, offset + limit) }
    }
  }

  it('listAllWebhooks reads every page, not just the first 25', async () => {
    const s = await serve(webhookPages(250))
    const webhooks = await makeClient(s.url).listAllWebhooks()
    expect({
      count: webhooks.length,
      ids: [webhooks[0]?.id, webhooks[249]?.id],
      unique: new Set(webhooks.map((w) => w.id)).size,
      pages: s.requests.map((r) => r.query.toString()),
    }).toEqual({
      count: 250,
      ids: ['whk-0', 'whk-249'],
      unique: 250,
      pages: ['limit=100&offset=0', 'limit=100&offset=100', 'limit=100&offset=200'],
    })
  })

  it('stops after an empty page when the total is an exact multiple of the page size', async () => {
    const s = await serve(webhookPages(200))
    const webhooks = await makeClient(s.url).listAllWebhooks()
    expect({ count: webhooks.length, pages: s.requests.length }).toEqual({ count: 200, pages: 3 })
  })

  it('a failing page fails the whole list (no silent partial result)', async () => {
    const pages = webhookPages(150)
    const s = await serve((request, index) => (index === 1 ? { status: 400 } : pages(request)))
    await expect(makeClient(s.url).listAllWebhooks()).rejects.toMatchObject({ code: 'http', status: 400 })
  })
})

describe('coverage', () => {
  it('every operation of the spec and the three extra calls has a named method', async () => {
    const spec = JSON.parse(readFileSync(new URL('../../spec/spec-subset.json', import.meta.url), 'utf8')) as {
      resources: { operations: { method: string; path: string }[] }[]
    }
    const expected = spec.resources.flatMap((r) => r.operations.map((o) => `${o.method} ${o.path}`))
    expected.push(
      'POST /:organization/experiences/items/filters/number',
      'POST /:organization/inventory_updates',
      'GET /:organization/webhook/deliveries',
      'POST /:organization/webhook/deliveries/:id/requests',
    )
    const called = new Set<string>()
    const recordingCall = (async (key: string) => {
      called.add(key)
      return []
    }) as unknown as FlowCall
    const methods = createOperations(recordingCall)
    // An array with form fields fits every parameter a named method reads before calling.
    const anything = Object.assign(['x'], { idempotency_key: 'k', number: 'n', key: 'k' })
    for (const method of Object.values(methods) as ((...args: unknown[]) => Promise<unknown>)[]) {
      await method(anything, anything, {}, {})
    }
    expect([...called].sort()).toEqual([...new Set(expected)].sort())
    expect(expected).toHaveLength(53)
  })
})
