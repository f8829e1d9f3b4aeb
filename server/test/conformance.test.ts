// Conformance: every operation of the spec subset and the three extra calls, answered in the
// spec's shapes (validated strictly), plus the errors the issue lists. The tests of this file
// run in order and share one emulator.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js'
import { createApi, extraOperations, specOperations, startReceiver, validator } from './helpers.js'

let emulator: RunningEmulator
let api: ReturnType<typeof createApi>
let receiver: Awaited<ReturnType<typeof startReceiver>>

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, webhookRetry: { attempts: 2, baseDelayMs: 5 } })
  api = createApi(emulator)
  receiver = await startReceiver()
})

afterAll(async () => {
  await emulator.close()
  await receiver.close()
})

const org = '/demo'

describe('reference data, geolocation, country picker', () => {
  test('countries, currencies (Flow decimals), locales, with q', async () => {
    const countries = (await api.call('GET /reference/countries', '/reference/countries', { auth: 'none' })).json as unknown[]
    expect(countries.length).toBeGreaterThan(200)
    const currencies = (await api.call('GET /reference/currencies', '/reference/currencies?q=KWD', { auth: 'none' })).json
    expect(currencies).toEqual([expect.objectContaining({ iso_4217_3: 'KWD', number_decimals: 3 })])
    const locales = (await api.call('GET /reference/locales', '/reference/locales?q=pt-BR', { auth: 'none' })).json
    expect(locales).toEqual([expect.objectContaining({ id: 'pt-BR', numbers: { decimal: ',', group: ' ' } })])
  })

  test('geolocation defaults and country picker', async () => {
    const defaults = await api.call('GET /geolocation/defaults/:country', '/geolocation/defaults/DE', { auth: 'none' })
    expect(defaults.json).toEqual({ country: 'DEU', currency: 'EUR', language: 'de' })
    await api.call('GET /geolocation/defaults/:country', '/geolocation/defaults/XX', { auth: 'none', status: 404 })
    const picker = await api.call('GET /organizations/:organization_id/country/picker', '/organizations/demo/country/picker', { auth: 'none' })
    expect(picker.json).toEqual({ id: 'cpk-demo', source: 'experience' })
  })
})

let sessionId = ''

describe('sessions', () => {
  test('create for a country, read, update, reset to geo, delete', async () => {
    const created = await api.call('POST /sessions/organizations/:organization', '/sessions/organizations/demo', { auth: 'none', body: { country: 'DE' }, status: 201 })
    const session = created.json as { id: string; experience: { key: string }; local: { currency: { iso_4217_3: string }; locale: { id: string } }; format: unknown }
    expect([session.experience.key, session.local.currency.iso_4217_3, session.local.locale.id]).toEqual(['germany', 'EUR', 'de'])
    expect(session.format).toEqual({ currency: { symbol: 'primary', label_formatters: ['symbol_suffix'] } })
    sessionId = session.id

    const read = await api.call('GET /sessions/:session', `/sessions/${sessionId}`, { auth: 'none' })
    expect((read.json as { id: string }).id).toBe(sessionId)

    const put = await api.call('PUT /sessions/:session', `/sessions/${sessionId}`, { auth: { session: sessionId }, body: { country: 'CAN' } })
    expect((put.json as { experience: { key: string } }).experience.key).toBe('canada')

    const putOrg = await api.call('PUT /sessions/:session/organizations/:organization', `/sessions/${sessionId}/organizations/demo`, { auth: 'none', body: { experience: 'germany' }, status: 201 })
    expect((putOrg.json as { experience: { key: string } }).experience.key).toBe('germany')

    const other = (await api.raw('POST', '/sessions/organizations/demo', { auth: 'none', body: {} })).json as { id: string }
    const reset = await api.call('PUT /sessions/:session/reset', `/sessions/${other.id}/reset`, { auth: 'none', body: {}, headers: { 'x-forwarded-for': '192.0.2.7' } })
    expect((reset.json as { experience: { key: string } }).experience.key).toBe('brazil')
    await api.call('DELETE /sessions/:session', `/sessions/${other.id}`, { auth: 'none', status: 204 })
    await api.call('GET /sessions/:session', `/sessions/${other.id}`, { auth: 'none', status: 404 })
  })

  test('geo: an IP from the table picks its experience; an unknown place gets the base experience', async () => {
    const japan = (await api.raw('POST', '/sessions/organizations/demo', { auth: 'none', body: { ip: '192.0.2.5' } })).json as { experience: { key: string } }
    expect(japan.experience.key).toBe('japan')
    const france = (await api.raw('POST', '/sessions/organizations/demo', { auth: 'none', body: { ip: '198.51.100.20' } })).json as { experience: { key: string }; geo: { country: { iso_3166_3: string } } }
    expect([france.experience.key, france.geo.country.iso_3166_3]).toEqual(['united-states', 'FRA'])
  })

  test('bad input: unknown experience 422, malformed JSON 422, unknown organization 404', async () => {
    await api.call('POST /sessions/organizations/:organization', '/sessions/organizations/demo', { auth: 'none', body: { experience: 'mars' }, status: 422 })
    await api.call('POST /sessions/organizations/:organization', '/sessions/organizations/demo', { auth: 'none', body: '{"country":', status: 422 })
    const other = await api.raw('POST', '/sessions/organizations/acme', { auth: 'none', body: {} })
    expect(other.status).toBe(404)
    validator.assertValid(other.json, 'generic_error')
  })
})

describe('experiences', () => {
  test('list, one, pricing, currency format', async () => {
    const list = (await api.call('GET /:organization/experiences', `${org}/experiences`, { auth: { session: sessionId } })).json as { key: string }[]
    expect(list.map((e) => e.key)).toEqual(['united-states', 'canada', 'united-kingdom', 'germany', 'japan', 'kuwait', 'brazil', 'australia'])
    await api.call('GET /:organization/experiences/:key', `${org}/experiences/germany`, { auth: 'none' })
    await api.call('GET /:organization/experiences/:key', `${org}/experiences/mars`, { auth: 'none', status: 404 })
    const pricing = await api.call('GET /:organization/experiences/:key/pricing', `${org}/experiences/japan/pricing`)
    expect(pricing.json).toEqual({ vat: 'displayed', duty: 'ignored', rounding: { type: 'multiple', method: 'up', value: 10 } })
    const changed = await api.call('PUT /:organization/experiences/:key/pricing', `${org}/experiences/japan/pricing`, { body: { vat: 'included', duty: 'ignored' } })
    expect(changed.json).toEqual({ vat: 'included', duty: 'ignored' })
    await api.call('PUT /:organization/experiences/:key/pricing', `${org}/experiences/japan/pricing`, { body: pricing.json })
    await api.call('PUT /:organization/experiences/:key/pricing', `${org}/experiences/japan/pricing`, { body: { vat: 'sometimes' }, status: 422 })
    const format = await api.call('GET /:organization/experiences/:experience_key/currency/formats', `${org}/experiences/kuwait/currency/formats`, { auth: 'none' })
    expect(format.json).toEqual({ symbol: 'primary', label_formatters: ['symbol_prefix'] })
  })

  test('local items and conversions', async () => {
    const local = (await api.call('GET /:organization/experiences/:experience_key/local/items', `${org}/experiences/brazil/local/items?q=number:MUG-ENAMEL`)).json as { pricing: { price: { label: string; includes: { key: string } } } }[]
    // 18 USD × 5.1 = 91.80; duty 60 % = 55.08; ICMS 17 % of 146.88 = 24.97; 171.85 rounded up to a whole real
    expect(local.map((l) => [l.pricing.price.label, l.pricing.price.includes.key])).toEqual([['R$172,00', 'vat_and_duty']])
    const converted = await api.call('GET /:organization/experiences/conversions/:base/:amount', `${org}/experiences/conversions/USD/19.99?experience=japan`, { auth: 'none' })
    expect(converted.json).toMatchObject({ currency: 'JPY', amount: 3028, label: '¥3,028' })
    const prices = await api.call('GET /:organization/experiences/:experience_key/conversions/price', `${org}/experiences/kuwait/conversions/price?amount=10&amount=20.5`, { auth: 'none' })
    expect((prices.json as { prices: { price: { label: string } }[] }).prices.map((p) => p.price.label)).toEqual(['KWD 3.070', 'KWD 6.294'])
    await api.call('GET /:organization/experiences/conversions/:base/:amount', `${org}/experiences/conversions/USD/ten?experience=japan`, { auth: 'none', status: 422 })
  })
})

describe('localized items', () => {
  test('by number list with the session, one by number, a batch by number', async () => {
    const list = (await api.call('GET /:organization/experiences/items', `${org}/experiences/items?number=TEE-CLASSIC-BLA-M&number=mug-enamel`, { auth: { session: sessionId } })).json as { number: string; local: { experience: { key: string }; prices: { key: string; label: string }[] } }[]
    expect(list.map((i) => [i.number, i.local.experience.key, i.local.prices[0]?.label]).sort()).toEqual([
      ['MUG-ENAMEL', 'germany', '19,95 €'],
      ['TEE-CLASSIC-BLA-M', 'germany', '30,95 €'],
    ])
    const one = (await api.call('GET /:organization/experiences/items/:number', `${org}/experiences/items/KNIFE-POCKET?country=GB`, { auth: 'none' })).json as { local: { status: string } }
    expect(one.local.status).toBe('restricted')
    await api.call('GET /:organization/experiences/items/:number', `${org}/experiences/items/NOPE?country=GB`, { auth: 'none', status: 404 })
    await api.call('GET /:organization/experiences/items', `${org}/experiences/items?experience=mars`, { auth: 'none', status: 422 })

    const batch = await api.call('POST /:organization/experiences/items/filters/number', `${org}/experiences/items/filters/number?experience=canada&country=CAN&currency=CAD`, {
      auth: 'none',
      body: { filter: 'number', values: ['CAP-DAD', 'NOPE'] },
    })
    const responses = (batch.json as { responses: { value: string; items: unknown[] }[] }).responses
    expect(responses.map((r) => [r.value, r.items.length])).toEqual([['CAP-DAD', 1], ['NOPE', 0]])
    for (const item of responses[0]?.items ?? []) validator.assertValid(item, 'item')
    const attributes = (responses[0]?.items[0] as { local: { price_attributes: Record<string, { label: string }> } }).local.price_attributes
    expect(Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.label]))).toEqual({
      regular_price: 'CA$32.99', // 24 × 1.36 = 32.64 → pattern .99 up
      final_price: 'CA$27.99', // 19.99 × 1.36 = 27.19
      minimal_price: 'CA$27.99',
    })
  })
})

describe('catalog items and attributes', () => {
  test('create, read, list, update, case-insensitive numbers, delete', async () => {
    const form = { number: 'New-Sku-1', locale: 'en_US', name: 'New thing', currency: 'USD', price: 12.5, attributes: { final_price: '12.5' } }
    const created = await api.call('POST /:organization/catalog/items', `${org}/catalog/items`, { body: form, status: 201 })
    expect((created.json as { price: unknown }).price).toEqual({ amount: 12.5, currency: 'USD', label: 'US$12.50' })
    const clash = await api.call('POST /:organization/catalog/items', `${org}/catalog/items`, { body: { ...form, number: 'NEW-SKU-1' }, status: 422 })
    expect((clash.json as { messages: string[] }).messages[0]).toMatch(/already exists as 'New-Sku-1'/)
    await api.call('GET /:organization/catalog/items/:number', `${org}/catalog/items/new-sku-1`)
    const list = (await api.call('GET /:organization/catalog/items', `${org}/catalog/items?number=NEW-SKU-1`)).json as unknown[]
    expect(list).toHaveLength(1)
    const updated = await api.call('PUT /:organization/catalog/items/:number', `${org}/catalog/items/NEW-SKU-1`, { body: { ...form, number: 'NEW-SKU-1', price: 13 } })
    expect((updated.json as { number: string; id: string }).id).toBe((created.json as { id: string }).id)
    await api.call('PUT /:organization/catalog/items/:number', `${org}/catalog/items/NEW-SKU-2`, { body: { ...form, number: 'NEW-SKU-2' }, status: 201 })
    await api.call('PUT /:organization/catalog/items/:number', `${org}/catalog/items/NEW-SKU-3`, { body: { number: 'NEW-SKU-3' }, status: 422 })
    await api.call('DELETE /:organization/catalog/items/:number', `${org}/catalog/items/NEW-SKU-2`, { status: 204 })
    await api.call('DELETE /:organization/catalog/items/:number', `${org}/catalog/items/NEW-SKU-2`, { status: 404 })
  })

  test('merchant endpoints refuse missing or wrong credentials with 401', async () => {
    await api.call('GET /:organization/catalog/items', `${org}/catalog/items`, { auth: 'none', status: 401 })
    await api.call('GET /:organization/catalog/items', `${org}/catalog/items`, { auth: { header: `Basic ${Buffer.from('wrong:').toString('base64')}` }, status: 401 })
    await api.call('GET /:organization/catalog/items', `${org}/catalog/items`, { auth: { header: `Basic ${Buffer.from(`${emulator.apiKey}:pw`).toString('base64')}` }, status: 401 })
    await api.call('GET /:organization/catalog/items', `${org}/catalog/items`, { auth: { session: sessionId }, status: 401 })
    await api.call('GET /:organization/experiences', `${org}/experiences`, { auth: { session: 'ses-unknown' }, status: 401 })
  })

  test('attributes', async () => {
    const list = (await api.call('GET /:organization/attributes', `${org}/attributes?intent=price`)).json as { key: string }[]
    expect(list.map((a) => a.key)).toEqual(['regular_price', 'final_price', 'minimal_price'])
    const form = { key: 'special_price', intent: 'price', type: 'decimal', options: { required: false, show_in_catalog: false, show_in_harmonization: false } }
    await api.call('POST /:organization/attributes', `${org}/attributes`, { body: { ...form, key: 'msrp_price' }, status: 201 })
    await api.call('POST /:organization/attributes', `${org}/attributes`, { body: { ...form, key: 'msrp_price' }, status: 422 })
    await api.call('PUT /:organization/attributes/:key', `${org}/attributes/special_price`, { body: form, status: 201 })
    await api.call('PUT /:organization/attributes/:key', `${org}/attributes/special_price`, { body: { ...form, position: 9 }, status: 200 })
    await api.call('GET /:organization/attributes/:key', `${org}/attributes/special_price`)
    await api.call('GET /:organization/attributes/:key', `${org}/attributes/nope`, { status: 404 })
  })
})

describe('centers and inventory', () => {
  test('centers', async () => {
    const list = (await api.call('GET /:organization/centers', `${org}/centers`)).json as { key: string }[]
    expect(list.map((c) => c.key)).toEqual(['demo-warehouse'])
    await api.call('GET /:organization/centers/:key', `${org}/centers/demo-warehouse`)
    await api.call('GET /:organization/centers/:key', `${org}/centers/nope`, { status: 404 })
  })

  test('inventory updates honour the idempotency key; stock limits orders', async () => {
    const form = { center: 'demo-warehouse', item_number: 'watch-field', quantity: 1, type: 'set', idempotency_key: 'inv-1' }
    const first = await api.call('POST /:organization/inventory_updates', `${org}/inventory_updates`, { body: form, status: 201 })
    const again = await api.call('POST /:organization/inventory_updates', `${org}/inventory_updates`, { body: form, status: 200 })
    expect(again.json).toEqual(first.json)
    await api.call('POST /:organization/inventory_updates', `${org}/inventory_updates`, { body: { ...form, quantity: 5 }, status: 422 })
    await api.call('POST /:organization/inventory_updates', `${org}/inventory_updates`, { body: { ...form, item_number: 'NOPE', idempotency_key: 'inv-2' }, status: 422 })
    await api.call('POST /:organization/inventory_updates', `${org}/inventory_updates`, { body: { center: 'demo-warehouse' }, status: 422 })
    const tooMany = await api.call('POST /:organization/order-estimates', `${org}/order-estimates?experience=germany`, { body: { items: [{ number: 'WATCH-FIELD', quantity: 2 }] }, status: 422 })
    expect(tooMany.json).toMatchObject({ code: 'item_out_of_stock', numbers: ['WATCH-FIELD'] })
  })
})

describe('order estimates', () => {
  test('create and replace; lines, prices and total add up', async () => {
    const body = { items: [{ number: 'TEE-CLASSIC-BLA-M', quantity: 2 }, { number: 'MUG-ENAMEL', quantity: 1, discounts: { discounts: [{ offer: { discriminator: 'discount_offer_percent', percent: 10 } }] } }] }
    const created = await api.call('POST /:organization/order-estimates', `${org}/order-estimates`, { auth: { session: sessionId }, body, status: 201 })
    const estimate = created.json as { id: string; prices: { key: string; amount: number }[]; total: { amount: number; label: string }; lines: { total: { amount: number } }[] }
    expect(estimate.prices.map((p) => [p.key, p.amount])).toEqual([['subtotal', 81.85], ['duty', 2.65], ['shipping', 7.95], ['discount', -2]])
    expect(estimate.total.label).toBe('90,45 €')
    const cents = (x: number) => Math.round(x * 100)
    expect(estimate.lines.reduce((a, l) => a + cents(l.total.amount), 0)).toBe(cents(81.85))
    expect(estimate.prices.reduce((a, p) => a + cents(p.amount), 0)).toBe(cents(estimate.total.amount))

    await api.call('PUT /:organization/order-estimates/:number', `${org}/order-estimates/cart-1`, { auth: 'none', body: { items: [{ number: 'CAP-DAD', quantity: 1 }] }, status: 201 })
    await api.call('PUT /:organization/order-estimates/:number', `${org}/order-estimates/cart-1`, { auth: 'none', body: { items: [{ number: 'CAP-DAD', quantity: 3 }] }, status: 200 })
  })

  test('bad input: negative quantity, unknown item, missing fields, excluded item', async () => {
    const negative = await api.call('POST /:organization/order-estimates', `${org}/order-estimates`, { auth: 'none', body: { items: [{ number: 'CAP-DAD', quantity: -1 }] }, status: 422 })
    expect((negative.json as { messages: string[] }).messages).toEqual(['order_estimate_form.items[0].quantity must be 1 or more, received -1'])
    const unknown = await api.call('POST /:organization/order-estimates', `${org}/order-estimates`, { auth: 'none', body: { items: [{ number: 'NOPE', quantity: 1 }] }, status: 422 })
    expect(unknown.json).toMatchObject({ code: 'order_item_not_available', numbers: ['NOPE'] })
    const missing = await api.call('POST /:organization/order-estimates', `${org}/order-estimates`, { auth: 'none', body: { items: [{ quantity: 1 }] }, status: 422 })
    expect((missing.json as { messages: string[] }).messages).toEqual(['order_estimate_form.items[0].number is required'])
    const excluded = await api.call('POST /:organization/order-estimates', `${org}/order-estimates?experience=brazil`, { auth: 'none', body: { items: [{ number: 'POWERBANK-10K', quantity: 1 }] }, status: 422 })
    expect(excluded.json).toMatchObject({ code: 'order_item_not_available', numbers: ['POWERBANK-10K'] })
  })
})

let orderNumber = ''

describe('checkout tokens, hosted checkout, orders, identifiers, refunds', () => {
  test('a token opens an order; the page shows it; "Place order" submits it and returns to the confirmation URL', async () => {
    const created = await api.call('POST /:organization/checkout/tokens', `${org}/checkout/tokens`, {
      status: 201,
      body: {
        discriminator: 'checkout_token_order_form',
        session_id: sessionId,
        order_form: { items: [{ number: 'HOODIE-ZIP-NAV-M', quantity: 1 }], attributes: { cart_id: 'c-1' } },
        urls: { confirmation: 'http://localhost:3000/thanks', continue_shopping: 'http://localhost:3000/cart' },
      },
    })
    const token = created.json as { id: string; order: { number: string } }
    orderNumber = token.order.number
    await api.call('GET /checkout/tokens/:id', `/checkout/tokens/${token.id}`)
    await api.call('GET /checkout/tokens/:id', '/checkout/tokens/ctk-nope', { status: 404 })
    const open = await api.call('GET /:organization/orders/:number', `${org}/orders/${orderNumber}`)
    expect((open.json as { submitted_at?: string }).submitted_at).toBeUndefined()

    const page = await fetch(emulator.checkoutUrl(token.id))
    const html = await page.text()
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8'])
    expect(html).toContain('Zip Hoodie — Navy, M')
    expect(html).toContain('>Place order</button>')

    const placed = await fetch(emulator.checkoutUrl(token.id), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'ada@example.com', first: 'Ada', last: '<Lovelace>', street: '1 Main St', city: 'Berlin', postal: '10115' }).toString(),
      redirect: 'manual',
    })
    expect([placed.status, placed.headers.get('location')]).toEqual([303, 'http://localhost:3000/thanks'])
    const order = (await api.call('GET /:organization/orders/:number', `${org}/orders/${orderNumber}?expand=experience`)).json as { submitted_at: string; customer: unknown; experience: { discriminator: string } }
    expect(order.submitted_at).toBeDefined()
    expect(order.customer).toEqual({ name: { first: 'Ada', last: '<Lovelace>' }, email: 'ada@example.com' })
    expect(order.experience.discriminator).toBe('experience')
    const allocation = (await api.call('GET /:organization/orders/:number/allocations', `${org}/orders/${orderNumber}/allocations`)).json as { details: { total: { amount: number } }[]; total: { amount: number } }
    const cents = (x: number) => Math.round(x * 100)
    expect(allocation.details.reduce((a, d) => a + cents(d.total.amount), 0)).toBeLessThanOrEqual(cents(allocation.total.amount))
    await api.call('DELETE /:organization/orders/:number', `${org}/orders/${orderNumber}`, { status: 422 })
    await api.call('GET /:organization/orders/:number', `${org}/orders/ord-nope`, { status: 404 })
  })

  test('the page escapes what it shows', async () => {
    const created = await api.raw('POST', `${org}/checkout/tokens`, {
      body: { discriminator: 'checkout_token_order_form', session_id: sessionId, order_form: { items: [{ number: 'MUG-ENAMEL', quantity: 1 }], customer: { name: { first: '<script>alert(1)</script>' } } } },
    })
    const page = await (await fetch(emulator.checkoutUrl((created.json as { id: string }).id))).text()
    expect(page).not.toContain('<script>')
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  test('a reference token for an open order; deleting an open order', async () => {
    const first = (await api.raw('POST', `${org}/checkout/tokens`, { body: { discriminator: 'checkout_token_order_form', session_id: sessionId, order_form: { number: 'open-1', items: [{ number: 'MUG-ENAMEL', quantity: 1 }] } } })).json as { order: { number: string } }
    expect(first.order.number).toBe('open-1')
    await api.call('POST /:organization/checkout/tokens', `${org}/checkout/tokens`, { status: 201, body: { order_number: 'open-1', session_id: sessionId, urls: {} } })
    await api.call('POST /:organization/checkout/tokens', `${org}/checkout/tokens`, { status: 422, body: { order_number: 'open-1', session_id: 'ses-nope', urls: {} } })
    await api.call('DELETE /:organization/orders/:number', `${org}/orders/open-1`, { status: 204 })
  })

  test('order identifiers', async () => {
    const created = await api.call('POST /:organization/order-identifiers', `${org}/order-identifiers`, { status: 201, body: { order: orderNumber, name: 'magento_id', identifier: '000000042', number: '000000042', primary: true } })
    expect(created.json).toMatchObject({ order: { number: orderNumber }, identifier: '000000042', primary: true })
    await api.call('POST /:organization/order-identifiers', `${org}/order-identifiers`, { status: 422, body: { order: orderNumber, identifier: '000000042' } })
    await api.call('PUT /:organization/order-identifiers/:identifier', `${org}/order-identifiers/ERP-7`, { status: 201, body: { order: orderNumber, name: 'erp' } })
    await api.call('PUT /:organization/order-identifiers/:identifier', `${org}/order-identifiers/ERP-7`, { status: 200, body: { order: orderNumber, primary: false } })
    await api.call('PUT /:organization/order-identifiers/:identifier', `${org}/order-identifiers/ERP-8`, { status: 422, body: { order: 'ord-nope' } })
    const order = (await api.raw('GET', `${org}/orders/${orderNumber}`)).json as { identifiers: string[] }
    expect(order.identifiers).toEqual(['000000042', 'ERP-7'])
  })

  test('refunds: partial, idempotent by key, never more than captured', async () => {
    const order = (await api.raw('GET', `${org}/orders/${orderNumber}`)).json as { total: { amount: number; currency: string } }
    const refund = await api.call('POST /:organization/refunds', `${org}/refunds`, { status: 201, body: { order_number: orderNumber, amount: 10, currency: 'EUR', key: 'rf-1' } })
    expect(refund.json).toMatchObject({ key: 'rf-1', amount: 10, currency: 'EUR', status: 'succeeded' })
    const again = await api.call('POST /:organization/refunds', `${org}/refunds`, { status: 201, body: { order_number: orderNumber, amount: 10, currency: 'EUR', key: 'rf-1' } })
    expect(again.json).toEqual(refund.json)
    const tooMuch = await api.call('POST /:organization/refunds', `${org}/refunds`, { status: 422, body: { order_number: orderNumber, amount: order.total.amount } })
    expect((tooMuch.json as { decline_code: string }).decline_code).toBe('unknown')
    await api.call('POST /:organization/refunds', `${org}/refunds`, { status: 422, body: {} })
  })
})

describe('webhooks, settings, deliveries', () => {
  test('CRUD', async () => {
    const created = (await api.call('POST /:organization/webhooks', `${org}/webhooks`, { status: 201, body: { url: receiver.url, events: ['order_placed'] } })).json as { id: string }
    await api.call('POST /:organization/webhooks', `${org}/webhooks`, { status: 422, body: { url: 'not a url', events: ['order_placed'] } })
    const list = (await api.call('GET /:organization/webhooks', `${org}/webhooks`)).json as { id: string }[]
    expect(list.map((w) => w.id)).toEqual([created.id])
    await api.call('GET /:organization/webhooks/:id', `${org}/webhooks/${created.id}`)
    const updated = await api.call('PUT /:organization/webhooks/:id', `${org}/webhooks/${created.id}`, { body: { url: receiver.url, events: ['order_placed', 'capture_upserted_v2'] } })
    expect((updated.json as { events: string[] }).events).toEqual(['order_placed', 'capture_upserted_v2'])
    const doomed = (await api.raw('POST', `${org}/webhooks`, { body: { url: receiver.url, events: ['label_upserted'] } })).json as { id: string }
    await api.call('DELETE /:organization/webhooks/:id', `${org}/webhooks/${doomed.id}`, { status: 204 })
    await api.call('GET /:organization/webhooks/:id', `${org}/webhooks/${doomed.id}`, { status: 404 })
  })

  test('settings', async () => {
    const settings = await api.call('GET /:organization/webhook/settings', `${org}/webhook/settings`)
    expect(settings.json).toEqual({ secret: 'demo-webhook-secret', retry_max_attempts: 6, retry_sleep_ms: 60000, sleep_ms: 0 })
    const changed = await api.call('PUT /:organization/webhook/settings', `${org}/webhook/settings`, { body: { secret: 'rotated', retry_max_attempts: 6, retry_sleep_ms: 6000, sleep_ms: 0 } })
    expect(changed.json).toEqual({ secret: 'rotated', retry_max_attempts: 6, retry_sleep_ms: 6000, sleep_ms: 0 })
    await api.call('PUT /:organization/webhook/settings', `${org}/webhook/settings`, { body: { retry_max_attempts: 0 }, status: 422 })
  })

  test('placing an order delivers to the subscribed webhook; deliveries are listed and can be redelivered', async () => {
    const since = new Date(Date.now() - 1000).toISOString()
    const token = (await api.raw('POST', `${org}/checkout/tokens`, { body: { discriminator: 'checkout_token_order_form', session_id: sessionId, order_form: { items: [{ number: 'PEN-BRASS', quantity: 1 }] } } })).json as { id: string }
    await fetch(emulator.checkoutUrl(token.id), { method: 'POST', body: '', redirect: 'manual' })
    await receiver.waitFor(2) // order_placed and capture_upserted_v2
    await emulator.webhooksIdle()
    const list = (await api.call('GET /:organization/webhook/deliveries', `${org}/webhook/deliveries?since=${encodeURIComponent(since)}`)).json as { id: string; event_type: string; status: string; body: string }[]
    expect(list.map((d) => [d.event_type, d.status]).sort()).toEqual([['capture_upserted_v2', 'succeeded'], ['order_placed', 'succeeded']])
    for (const d of list) validator.assertValid(JSON.parse(d.body), 'event')
    const request = await api.call('POST /:organization/webhook/deliveries/:id/requests', `${org}/webhook/deliveries/${list[0]?.id ?? ''}/requests`, { status: 201 })
    expect(request.json).toMatchObject({ status: 200 })
    expect(receiver.received).toHaveLength(3)
    await api.call('POST /:organization/webhook/deliveries/:id/requests', `${org}/webhook/deliveries/whd-nope/requests`, { status: 404 })
  })
})

describe('CORS for the browser SDK', () => {
  test('a localhost origin gets a preflight answer and CORS headers; another origin does not', async () => {
    const preflight = await fetch(`${emulator.url}${org}/order-estimates`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    })
    expect([preflight.status, preflight.headers.get('access-control-allow-origin'), preflight.headers.get('access-control-allow-headers')]).toEqual([204, 'http://localhost:5173', 'Authorization, Content-Type'])
    const get = await fetch(`${emulator.url}${org}/experiences`, { headers: { origin: 'http://127.0.0.1:8080' } })
    expect(get.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080')
    const foreign = await fetch(`${emulator.url}${org}/experiences`, { headers: { origin: 'https://evil.example' } })
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('coverage', () => {
  test('every spec operation and every extra call was exercised', () => {
    expect(specOperations).toHaveLength(49)
    const missing = [...specOperations, ...extraOperations].filter((op) => !api.exercised.has(op))
    expect(missing).toEqual([])
  })
})
