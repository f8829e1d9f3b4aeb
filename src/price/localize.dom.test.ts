import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { configure, resetConfig } from '../core/config.js'
import { on } from '../core/events.js'
import { CATALOG, EXPERIENCES, createFakeFlow, type FakeFlow } from '../../test/fake-flow.js'
import { resetSessionState, setCountry } from '../session/session.js'
import { localizePrices, observePrices } from './localize.js'
import { resetPriceState } from './prices.js'

let flow: FakeFlow
const errors: string[] = []
const stops: (() => void)[] = []

beforeEach(() => {
  flow = createFakeFlow()
  configure({ organization: 'demo', apiUrl: 'http://flow.test', fetch: flow.fetch, cache: 'memory', timeoutMs: 500 })
  stops.push(on('error', ({ code }) => errors.push(code)))
})

afterEach(() => {
  stops.splice(0).forEach((stop) => stop())
  errors.length = 0
  resetSessionState()
  resetPriceState()
  resetConfig()
  localStorage.clear()
  document.cookie = '_f60_session=; Max-Age=0; Path=/'
  history.replaceState(null, '', '/')
})

/** A product tile as a Magento theme renders it, built without markup strings. */
function tile(number: string, extra: (root: HTMLElement) => void = () => {}): HTMLElement {
  const root = document.createElement('div')
  root.setAttribute('data-flow-item-number', number)
  const price = document.createElement('span')
  price.setAttribute('data-flow-localize', 'item-price')
  price.textContent = `$${CATALOG[number]?.price ?? '0.00'}`
  const regular = document.createElement('span')
  regular.setAttribute('data-flow-localize', 'item-price-attribute')
  regular.setAttribute('data-flow-item-price-attribute', 'regular_price')
  regular.textContent = `$${CATALOG[number]?.regular ?? '0.00'}`
  const message = document.createElement('span')
  message.setAttribute('data-flow-localize', 'item-tax-duty-message')
  root.append(price, regular, message)
  extra(root)
  document.body.append(root)
  return root
}

const texts = (selector: string) => [...document.querySelectorAll(selector)].map((el) => el.textContent)
const itemRequests = () => flow.calls.filter((call) => call.path === '/demo/experiences/items')

describe('localizePrices', () => {
  it('writes local prices, attributes, tax messages and conversions for the shopper experience', async () => {
    history.replaceState(null, '', '/?flow_country=DE')
    tile('SKU-1')
    tile('SKU-2')
    const conversion = document.createElement('span')
    conversion.setAttribute('data-flow-price-conversion-amount', '100')
    conversion.setAttribute('data-flow-price-conversion-base-currency', 'USD')
    conversion.setAttribute('data-flow-item-prefix', '+')
    conversion.textContent = '+$100.00'
    tile('SKU-3', (root) => root.append(conversion))
    const result = await localizePrices()
    expect({
      prices: texts('[data-flow-localize="item-price"]'),
      regular: texts('[data-flow-item-price-attribute="regular_price"]'),
      messages: [...document.querySelectorAll('[data-flow-localize="item-tax-duty-message"]')].map((el) => `${el.textContent} .${el.className}`),
      conversion: conversion.textContent,
      body: document.body.className,
      requests: itemRequests().map((call) => new URLSearchParams(call.search).getAll('number')),
      counts: { localized: result.localized, fromCache: result.fromCache, unlocalized: result.unlocalized },
    }).toEqual({
      prices: ['11,25 €', '12,32 €', '13,39 €'],
      regular: ['21,42 €', '22,49 €', '23,56 €'],
      messages: ['Includes VAT .flow-price-includes-vat', 'Includes VAT .flow-price-includes-vat', 'Includes VAT .flow-price-includes-vat'],
      conversion: '+90,00 €',
      body: 'flow-catalog-localized',
      requests: [['SKU-1', 'SKU-2', 'SKU-3']],
      // Asked for alongside the session (one round trip), so known when the pass began.
      counts: { localized: 10, fromCache: 10, unlocalized: 0 },
    })
  })

  it('asks for a first visit\'s prices alongside its session, by the URL\'s country, in one round trip', async () => {
    history.replaceState(null, '', '/?flow_country=JP')
    tile('SKU-1')
    await localizePrices()
    expect({
      calls: flow.calls.map((call) => `${call.method} ${call.path}${call.search}`).sort(),
      price: texts('[data-flow-localize="item-price"]'),
    }).toEqual({
      calls: ['GET /demo/experiences/items?country=JP&limit=100&number=SKU-1', 'POST /sessions/organizations/demo'],
      price: ['¥1,575'],
    })
  })

  it('drops early prices for another experience than the session\'s, and asks again', async () => {
    // Geolocation places the session in Japan, but the early price request in the US.
    flow.geo.session = EXPERIENCES[2]!
    tile('SKU-1')
    await localizePrices()
    expect({
      calls: flow.calls.map((call) => `${call.method} ${call.path}${call.search}`).sort(),
      price: texts('[data-flow-localize="item-price"]'),
    }).toEqual({
      calls: [
        'GET /demo/experiences/items?experience=japan&limit=100&number=SKU-1',
        'GET /demo/experiences/items?limit=100&number=SKU-1',
        'POST /sessions/organizations/demo',
      ],
      price: ['¥1,575'],
    })
  })

  it('converts amounts on a page with no item, with the rate Flow gives for their base currency', async () => {
    history.replaceState(null, '', '/?flow_country=JP')
    const banner = document.createElement('p')
    banner.setAttribute('data-flow-price-conversion-amount', '100')
    banner.setAttribute('data-flow-price-conversion-base-currency', 'USD')
    banner.setAttribute('data-flow-item-prefix', 'Free shipping over ')
    banner.textContent = 'Free shipping over $100.00'
    document.body.append(banner)
    const result = await localizePrices()
    expect({
      text: banner.textContent,
      localized: result.localized,
      conversions: flow.calls.filter((call) => call.path.includes('/conversions/')).map((call) => call.path + call.search),
    }).toEqual({
      text: 'Free shipping over ¥15,000',
      localized: 1,
      conversions: ['/demo/experiences/conversions/USD/10000?experience=japan'],
    })
  })

  it('asks for at most 100 item numbers per request', async () => {
    for (let i = 1; i <= 250; i++) tile(`SKU-${i}`)
    await localizePrices()
    expect(itemRequests().map((call) => new URLSearchParams(call.search).getAll('number').length)).toEqual([100, 100, 50])
  })

  it('asks once for numbers already on their way (two passes, or a pass and the watcher)', async () => {
    tile('SKU-1')
    tile('SKU-2')
    await Promise.all([localizePrices(), localizePrices()])
    expect(itemRequests().length).toBe(1)
  })

  it('paints from the cache before any request when warm, then needs none', async () => {
    history.replaceState(null, '', '/?flow_country=JP')
    tile('SKU-1')
    await localizePrices()
    document.body.replaceChildren()
    resetSessionState()
    history.replaceState(null, '', '/')
    tile('SKU-1')
    const release = flow.hold() // Flow answers nothing until released
    const pass = localizePrices()
    const first = await Promise.race([pass, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 50))])
    release()
    const result = await pass
    expect({ painted: texts('[data-flow-localize="item-price"]'), first: typeof first, fromCache: result.fromCache }).toEqual({
      painted: ['¥1,575'],
      first: 'object',
      fromCache: 2, // price and regular price; Japan's prices include no VAT, so no tax message
    })
  })

  it('fails open: with Flow failing, base prices stay, nothing waits, one error is reported', async () => {
    history.replaceState(null, '', '/?flow_country=DE')
    configure({
      fetch: async (input, init) =>
        new Request(input, init).url.includes('/experiences/items')
          ? new Response('<html>maintenance</html>', { status: 200, headers: { 'content-type': 'text/html' } })
          : flow.fetch(input, init),
    })
    tile('SKU-1')
    const before = texts('[data-flow-localize]')
    const result = await localizePrices()
    expect({
      texts: texts('[data-flow-localize]'),
      waiting: document.querySelectorAll('[data-flow-waiting]').length,
      errors,
      localized: result.localized,
    }).toEqual({ texts: before, waiting: 0, errors: ['parse'], localized: 0 })
  })

  it('renders labels as text, never as markup', async () => {
    const evil = '<img src=x onerror="window.__xss=1">'
    configure({
      fetch: async (input, init) => {
        const response = await flow.fetch(input, init)
        if (!new Request(input, init).url.includes('/experiences/items')) return response
        const items = (await response.json()) as { local: { prices: { label: string }[] } }[]
        for (const item of items) item.local.prices[0]!.label = evil
        return new Response(JSON.stringify(items), { headers: { 'content-type': 'application/json' } })
      },
    })
    tile('SKU-1')
    await localizePrices()
    expect({ text: texts('[data-flow-localize="item-price"]'), images: document.querySelectorAll('img').length }).toEqual({ text: [evil], images: 0 })
  })

  it('leaves an item Flow does not sell in base currency and counts it', async () => {
    history.replaceState(null, '', '/?flow_country=DE')
    tile('NOT-IN-FLOW')
    const result = await localizePrices()
    expect({ text: texts('[data-flow-localize="item-price"]'), unlocalized: result.unlocalized }).toEqual({ text: ['$0.00'], unlocalized: 3 })
  })
})

describe('observePrices', () => {
  it('ignores added nodes without prices, and never localizes against a session not known yet', async () => {
    history.replaceState(null, '', '/?flow_country=DE')
    tile('SKU-1')
    const release = flow.hold() // the session request hangs until released
    const passes: number[] = []
    stops.push(on('catalogLocalized', ({ localized }) => passes.push(localized)))
    const stop = observePrices()
    const first = localizePrices()
    document.head.append(document.createElement('style')) // what injectStyle or a theme adds
    tile('SKU-2') // a tile added while the session is unknown
    // Two frames: the watcher batches mutations into the next one.
    for (let frame = 0; frame < 2; frame++) await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)))
    const beforeSession = { passes: [...passes], body: document.body.className }
    release()
    await first
    await expect.poll(() => texts('[data-flow-localize="item-price"]')).toEqual(['11,25 €', '12,32 €'])
    stop()
    expect(beforeSession).toEqual({ passes: [], body: '' })
  })

  it('localizes elements added later, once per frame, and follows a country switch in place', async () => {
    history.replaceState(null, '', '/?flow_country=DE')
    tile('SKU-1')
    await localizePrices()
    const stop = observePrices()
    const localized = new Promise((resolve) => {
      const off = on('catalogLocalized', (result) => {
        off()
        resolve(result)
      })
    })
    tile('SKU-2')
    await localized
    const added = texts('[data-flow-localize="item-price"]')
    const switched = new Promise((resolve) => {
      const off = on('catalogLocalized', (result) => {
        off()
        resolve(result)
      })
    })
    await setCountry('JP')
    await switched
    stop()
    expect({ added, switched: texts('[data-flow-localize="item-price"]') }).toEqual({
      added: ['11,25 €', '12,32 €'],
      switched: ['¥1,575', '¥1,725'],
    })
  })
})
