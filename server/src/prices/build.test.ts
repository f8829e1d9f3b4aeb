import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { savePriceAttributes } from '../catalog/index.js'
import type { RunningEmulator } from '../emulator/index.js'
import { demoSeed, startEmptyCatalogEmulator, testClient } from '../../test/adapter-emulator.js'
import { buildPriceDocuments, writePriceDocuments } from './index.js'
import type { PriceDocument } from './index.js'

// The rules of the PriceDocument schema (src/price/document.ts, enforced in the browser by
// src/price/validate.ts): every problem, with its path.
function schemaProblems(doc: PriceDocument): string[] {
  const problems: string[] = []
  const code = /^[A-Z]{3}$/
  const time = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/
  const currency = doc.experience.currency
  if (doc.version !== 1) problems.push('version')
  if (typeof doc.organization !== 'string' || doc.organization === '') problems.push('organization')
  if (!doc.experience.key) problems.push('experience.key')
  if (!code.test(doc.experience.country)) problems.push('experience.country')
  if (!code.test(currency)) problems.push('experience.currency')
  for (const field of ['generated_at', 'expires_at'] as const) if (!time.test(doc[field]) || Number.isNaN(Date.parse(doc[field]))) problems.push(field)
  if (Date.parse(doc.expires_at) < Date.parse(doc.generated_at)) problems.push('expires_at before generated_at')
  doc.rates.forEach((rate, i) => {
    if (!code.test(rate.base) || rate.target !== currency || !(rate.value > 0)) problems.push(`rates[${i}]`)
  })
  const price = (value: unknown, path: string, inCurrency?: string) => {
    const p = value as { amount?: unknown; currency?: unknown; label?: unknown; base?: unknown }
    if (typeof p.amount !== 'number' || !Number.isFinite(p.amount)) problems.push(`${path}.amount`)
    if (typeof p.label !== 'string') problems.push(`${path}.label`)
    if (typeof p.currency !== 'string' || (inCurrency ? p.currency !== inCurrency : !code.test(p.currency))) problems.push(`${path}.currency`)
  }
  for (const [sku, item] of Object.entries(doc.items)) {
    if (!item.localized_item_price) problems.push(`items.${sku}.localized_item_price missing`)
    for (const [key, value] of Object.entries(item)) {
      if (key === 'includes') {
        const includes = value as { key: string; label: unknown }
        if (!['vat', 'duty', 'vat_and_duty', 'none'].includes(includes.key) || typeof includes.label !== 'string') problems.push(`items.${sku}.includes`)
        continue
      }
      price(value, `items.${sku}.${key}`, currency)
      const base = (value as { base?: unknown }).base
      if (base !== undefined) price(base, `items.${sku}.${key}.base`)
    }
  }
  return problems
}

let emulator: RunningEmulator

beforeAll(async () => {
  // The demo seed's catalog, as if synced.
  emulator = await startEmptyCatalogEmulator({ keepItems: true })
  await savePriceAttributes(testClient(emulator))
})

afterAll(async () => {
  await emulator.close()
})

const demoSkus = () => Object.values(emulator.state().items).map((item) => (item as { number: string }).number)

describe('price documents', () => {
  it('builds one document per active experience, every synced SKU priced as Flow localizes it, valid under the schema', async () => {
    const client = testClient(emulator)
    const skus = [...demoSkus(), 'NOT-IN-FLOW']
    const built = await buildPriceDocuments({ client, skus, now: () => new Date('2026-12-03T10:00:00.000Z') })
    const germany = built.find((b) => b.document.experience.key === 'germany')!
    const [flowTee] = await client.getLocalizedItems({ experience: 'germany', number: ['TEE-CLASSIC'] })
    const flowPrice = flowTee!.local!.prices.find((p) => p.key === 'localized_item_price')!
    expect({
      experiences: built.map((b) => b.document.experience.key),
      problems: built.flatMap((b) => schemaProblems(b.document)),
      counts: Object.fromEntries(built.map((b) => [b.document.experience.key, Object.keys(b.document.items).sort()])),
      missing: germany.missing,
      header: { ...germany.document, items: undefined },
      tee: germany.document.items['TEE-CLASSIC'],
    }).toEqual({
      experiences: ['united-states', 'canada', 'united-kingdom', 'germany', 'japan', 'kuwait', 'brazil', 'australia'].filter((key) => built.some((b) => b.document.experience.key === key)),
      problems: [],
      // Every synced SKU Flow sells there: not the ones the seed excludes or restricts per experience.
      counts: Object.fromEntries(
        (demoSeed().experiences as { key: string; item_statuses?: Record<string, string> }[]).map((e) => [e.key, demoSkus().filter((sku) => !(sku in (e.item_statuses ?? {}))).sort()]),
      ),
      missing: ['NOT-IN-FLOW'],
      header: {
        version: 1,
        organization: 'demo',
        experience: { key: 'germany', country: 'DEU', currency: 'EUR', language: 'de' },
        format: expect.objectContaining({ label_formatters: expect.any(Array) }),
        generated_at: '2026-12-03T10:00:00.000Z',
        expires_at: '2026-12-03T11:00:00.000Z',
        rates: [{ base: 'USD', target: 'EUR', value: 0.92 }],
        items: undefined,
      },
      tee: {
        localized_item_price: { amount: flowPrice.amount, currency: 'EUR', label: flowPrice.label, base: flowPrice.base },
        includes: { key: flowPrice.includes!.key, label: flowPrice.includes!.label },
        regular_price: expect.objectContaining({ currency: 'EUR' }),
        final_price: expect.objectContaining({ currency: 'EUR' }),
        minimal_price: expect.objectContaining({ currency: 'EUR' }),
      },
    })
    expect(built.length).toBeGreaterThanOrEqual(2)
  })

  it('builds only the asked experience, refuses an unknown one, and writes files atomically with an index', async () => {
    const client = testClient(emulator)
    const dir = mkdtempSync(join(tmpdir(), 'fss-prices-'))
    writeFileSync(join(dir, 'canada.json'), 'old')
    const built = await buildPriceDocuments({ client, skus: demoSkus(), experience: 'canada' })
    const paths = await writePriceDocuments(built.map((b) => b.document), dir)
    const written = JSON.parse(readFileSync(join(dir, 'canada.json'), 'utf8')) as PriceDocument
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { experiences: { key: string; file: string }[] }
    await expect(buildPriceDocuments({ client, skus: ['TEE-CLASSIC'], experience: 'mars' })).rejects.toThrow(/experience 'mars' is not an active experience of 'demo'/)
    expect({
      paths: paths.map((path) => path.slice(dir.length + 1)),
      files: readdirSync(dir).sort(),
      written: written.experience.key,
      same: JSON.stringify(written) === JSON.stringify(built[0]!.document),
      index: index.experiences.map((e) => [e.key, e.file]),
    }).toEqual({
      paths: ['canada.json', 'index.json'],
      files: ['canada.json', 'index.json'],
      written: 'canada',
      same: true,
      index: [['canada', 'canada.json']],
    })
  })
})
