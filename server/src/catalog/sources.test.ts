import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../store/sqlite.js'
import type { Product } from './product.js'
import { createFileProductSource, createProductSource, loadProductFile, parseProducts, productFileFormat } from './sources.js'
import { PRODUCT_STORE_MIGRATIONS, createStoredProductSource, removeProducts, saveProducts } from './store.js'

const all = async (source: { products(): AsyncIterable<Product> }) => {
  const list: Product[] = []
  for await (const product of source.products()) list.push(product)
  return list
}

describe('product sources', () => {
  it('read the same catalog from JSON, NDJSON and CSV, linking a family’s children to its parent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fss-src-'))
    const products = [
      { sku: 'TEE', name: 'Tee', currency: 'USD', prices: { regular: '30', final: '25' }, categories: ['Apparel > Tees'], options: [{ code: 'size', label: 'Size' }] },
      { sku: 'TEE-S', name: 'Tee, S', currency: 'USD', prices: { final: '25' }, parent_sku: 'TEE', attributes: { size: 'S' }, quantity: 3 },
    ]
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ products }))
    writeFileSync(join(dir, 'a.ndjson'), `${products.map((p) => JSON.stringify(p)).join('\n')}\n\n`)
    writeFileSync(
      join(dir, 'a.csv'),
      '\uFEFFsku,name,currency,regular_price,prices.final,categories,options,parent_sku,attributes.size,quantity\r\nTEE,Tee,USD,30,25,Apparel > Tees,size:Size,,,\r\nTEE-S,"Tee, S",USD,,25,,,TEE,S,3\r\n',
    )
    const expected = [
      { ...products[0], children: ['TEE-S'], options: [{ code: 'size', label: 'Size', values: ['S'] }] },
      products[1],
    ]
    const read = await Promise.all(['a.json', 'a.ndjson', 'a.csv'].map((name) => loadProductFile(join(dir, name))))
    const fileSource = createFileProductSource(join(dir, 'a.csv'))
    expect({
      formats: ['a.json', 'a.ndjson', 'a.csv', 'b.JSONL'].map(productFileFormat),
      read: read.map((r) => r.products),
      problems: read.flatMap((r) => r.problems),
      fileSource: [await fileSource.get('TEE-S'), await fileSource.get('NOPE'), [...(await fileSource.getMany!(['TEE', 'NOPE'])).keys()]],
    }).toEqual({
      formats: ['json', 'ndjson', 'csv', 'ndjson'],
      read: [expected, expected, expected],
      problems: [],
      fileSource: [products[1], undefined, ['TEE']],
    })
  })

  it('reports unreadable records where they are, keeps the last of a repeated SKU, and parses quoted CSV', () => {
    const ndjson = parseProducts('{"sku":"A","name":"A"}\nnot json\n{"name":"no sku"}\n[1]\n{"sku":"A","name":"A2"}', 'ndjson', 'x.ndjson')
    const csv = parseProducts('sku,name,colour,description\nQ,"Quote ""me"", please",red,"two\nlines"\nR,short\n', 'csv', 'x.csv')
    const json = parseProducts('{"items": []}', 'json', 'x.json')
    expect({ ndjson, csv, json }).toEqual({
      ndjson: {
        products: [{ sku: 'A', name: 'A2' }],
        problems: [
          { at: 'x.ndjson:2', message: expect.stringMatching(/^not valid JSON/) },
          { at: 'x.ndjson:3', message: 'sku: required, a non-empty string' },
          { at: 'x.ndjson:4', message: 'expected a product object' },
          { at: 'x.ndjson:5', message: "sku 'A' repeats x.ndjson:1; the later record is kept" },
        ],
      },
      csv: {
        products: [{ sku: 'Q', name: 'Quote "me", please', description: 'two\nlines' }],
        problems: [
          { at: 'x.csv:1', message: "unknown column 'colour' is ignored" },
          { at: 'x.csv:4', message: 'expected 4 cells as in the header, found 2' },
        ],
      },
      json: { products: [], problems: [{ at: 'x.json', message: 'expected an array of products or { "products": [...] }' }] },
    })
  })

  it('programmatic and stored sources answer lookups; the store recognises unchanged products and quantity changes', async () => {
    let calls = 0
    const programmatic = createProductSource(() => {
      calls++
      return [{ sku: 'P', name: 'P' }]
    })
    const db = openDb(':memory:', PRODUCT_STORE_MIGRATIONS)
    const first = saveProducts(db, 'demo', [{ sku: 'A', name: 'A', quantity: 1 }, { sku: 'B', name: 'B' }])
    const second = saveProducts(db, 'demo', [{ sku: 'A', name: 'A', quantity: 2 }, { sku: 'B', name: 'B' }])
    saveProducts(db, 'other', [{ sku: 'A', name: 'Other A' }])
    const removed = removeProducts(db, 'demo', ['B', 'Z'])
    const stored = createStoredProductSource(db, 'demo')
    expect({
      programmatic: [await all(programmatic), await all(programmatic), await programmatic.get('P'), calls],
      first,
      second,
      removed,
      stored: [await all(stored), await stored.get('B'), [...(await stored.getMany!(['A', 'B'])).values()]],
    }).toEqual({
      programmatic: [[{ sku: 'P', name: 'P' }], [{ sku: 'P', name: 'P' }], { sku: 'P', name: 'P' }, 2],
      first: { created: ['A', 'B'], updated: [], unchanged: [], quantityChanged: ['A'] },
      second: { created: [], updated: ['A'], unchanged: ['B'], quantityChanged: ['A'] },
      removed: ['B'],
      stored: [[{ sku: 'A', name: 'A', quantity: 2 }], undefined, [{ sku: 'A', name: 'A', quantity: 2 }]],
    })
  })
})
