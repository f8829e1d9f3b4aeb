// The demo seed, its platform-neutral twin examples/demo/catalog.ndjson, and seed checking.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { loadReferenceData } from '../src/emulator/reference.js'
import { readSeed, stateFromSeed } from '../src/emulator/seed.js'

const seed = readSeed()
const state = stateFromSeed(seed, loadReferenceData(), new Date('2024-01-01T00:00:00Z'))
const items = Object.values(state.items) as { number: string; name: string; description: string; price: { amount: number }; categories: string[]; images: { url: string }[]; attributes: Record<string, string>; dimensions: { product: { weight: { value: string; units: string } } } }[]

describe('demo seed', () => {
  test('eight experiences with the settings the issue asks for', () => {
    const summary = state.experiences.map((e) => [e.key, e.country, e.currency, e.pricing.vat, e.pricing.duty, e.pricing.rounding ? `${e.pricing.rounding.type} ${e.pricing.rounding.method}` : 'none'])
    expect(summary).toEqual([
      ['united-states', 'USA', 'USD', 'ignored', 'ignored', 'none'],
      ['canada', 'CAN', 'CAD', 'displayed', 'displayed', 'pattern up'],
      ['united-kingdom', 'GBR', 'GBP', 'included', 'ignored', 'pattern down'],
      ['germany', 'DEU', 'EUR', 'included', 'displayed', 'pattern nearest'],
      ['japan', 'JPN', 'JPY', 'displayed', 'ignored', 'multiple up'],
      ['kuwait', 'KWT', 'KWD', 'ignored', 'included', 'multiple nearest'],
      ['brazil', 'BRA', 'BRL', 'included', 'included', 'multiple up'],
      ['australia', 'AUS', 'AUD', 'included', 'displayed', 'multiple down'],
    ])
  })

  test('one center, the price attributes, about fifty items with configurables and their children', () => {
    expect(Object.keys(state.centers)).toEqual(['demo-warehouse'])
    expect(Object.values(state.attributes).filter((a) => a.intent === 'price').map((a) => a.key)).toEqual(['regular_price', 'final_price', 'minimal_price'])
    expect(items.length).toBeGreaterThanOrEqual(45)
    const numbers = new Set(items.map((i) => i.number))
    const parents = new Set(items.flatMap((i) => (i.attributes.parent_sku ? [i.attributes.parent_sku] : [])))
    expect(parents.size).toBeGreaterThanOrEqual(3)
    for (const parent of parents) expect(numbers.has(parent)).toBe(true)
    for (const item of items) expect(Object.keys(item.attributes)).toEqual(expect.arrayContaining(['regular_price', 'final_price', 'minimal_price']))
  })

  test('examples/demo/catalog.ndjson is the same catalog in the platform-neutral shape', () => {
    const lines = readFileSync(new URL('../../examples/demo/catalog.ndjson', import.meta.url), 'utf8').trim().split('\n')
    const products = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    const asProducts = items.map((i) => ({
      sku: i.number,
      name: i.name,
      description: i.description,
      prices: { regular: Number(i.attributes.regular_price), final: Number(i.attributes.final_price), minimal: Number(i.attributes.minimal_price) },
      currency: 'USD',
      categories: i.categories,
      images: i.images.map((image) => image.url),
      weight: { value: Number(i.dimensions.product.weight.value), unit: i.dimensions.product.weight.units },
      country_of_origin: i.attributes.country_of_origin,
      ...(i.attributes.parent_sku ? { parent_sku: i.attributes.parent_sku } : {}),
      status: i.attributes.status,
    }))
    expect(products).toEqual(asProducts)
  })
})

describe('seed checking', () => {
  test('every problem is reported at once, naming the field', () => {
    const broken = structuredClone(seed) as { experiences: Record<string, unknown>[]; rates: Record<string, string> }
    const germany = broken.experiences[3] as Record<string, unknown>
    germany.currency = 'XXX'
    germany.pricing = { vat: 'always', duty: 'ignored' }
    broken.rates.CAD = '-1'
    expect(() => stateFromSeed(broken, loadReferenceData(), new Date())).toThrow(
      [
        'startEmulator(): the seed is invalid:',
        "  seed.rates.CAD must be a positive decimal string, received '-1'",
        "  seed.experiences[3].currency 'XXX' is not a currency Flow knows",
        '  seed.experiences[3].pricing.vat must be one of included, displayed, ignored, received "always"',
      ].join('\n'),
    )
  })
})
