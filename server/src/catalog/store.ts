// The adapter's own copy of the merchant's products, in SQLite: what `catalog-import` writes and
// what the sync reads when the store itself is not a `ProductSource` the adapter can call (the CLI
// runs each command in its own process). Unchanged products are recognised by a hash, so a
// re-import enqueues only what changed.
import { createHash } from 'node:crypto'
import { immediate } from '../store/sqlite.js'
import type { Db, Migration } from '../store/sqlite.js'
import type { Product } from './product.js'
import type { ProductSource } from './sources.js'

/** The products table. */
export const PRODUCT_STORE_MIGRATIONS: Migration[] = [
  {
    feature: 'catalog_products',
    version: 1,
    sql: `
      CREATE TABLE catalog_products (
        organization TEXT NOT NULL,
        sku TEXT NOT NULL,
        data TEXT NOT NULL,
        hash TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (organization, sku)
      ) WITHOUT ROWID;
    `,
  },
]

/**
 * What saving products changed, by SKU: created, updated (different data), unchanged, and those
 * whose `quantity` is new or different (for the inventory queue).
 *
 * @example
 * const saved: SaveOutcome = { created: ['TEE'], updated: [], unchanged: ['MUG'], quantityChanged: ['TEE'] }
 */
export type SaveOutcome = { created: string[]; updated: string[]; unchanged: string[]; quantityChanged: string[] }

/**
 * Inserts or replaces products (one transaction).
 *
 * @example
 * saveProducts(db, 'demo', [{ sku: 'TEE', name: 'Tee', prices: { final: 20 } }]) // { created: ['TEE'], updated: [], unchanged: [], quantityChanged: [] }
 */
export function saveProducts(db: Db, organization: string, products: Iterable<Product>, now: number = Date.now()): SaveOutcome {
  const select = db.prepare<[string, string], { hash: string; data: string }>('SELECT hash, data FROM catalog_products WHERE organization = ? AND sku = ?')
  const upsert = db.prepare(
    `INSERT INTO catalog_products (organization, sku, data, hash, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (organization, sku) DO UPDATE SET data = excluded.data, hash = excluded.hash, updated_at = excluded.updated_at`,
  )
  const outcome: SaveOutcome = { created: [], updated: [], unchanged: [], quantityChanged: [] }
  immediate(db, () => {
    for (const product of products) {
      const data = JSON.stringify(product)
      const hash = createHash('sha256').update(data).digest('hex')
      const previous = select.get(organization, product.sku)
      if (previous?.hash === hash) {
        outcome.unchanged.push(product.sku)
        continue
      }
      upsert.run(organization, product.sku, data, hash, now)
      ;(previous ? outcome.updated : outcome.created).push(product.sku)
      const before = previous ? (JSON.parse(previous.data) as Product).quantity : undefined
      if (product.quantity !== undefined && product.quantity !== before) outcome.quantityChanged.push(product.sku)
    }
  })
  return outcome
}

/**
 * Removes products; returns the SKUs that were there.
 *
 * @example
 * removeProducts(db, 'demo', ['TEE', 'NOPE']) // ['TEE']
 */
export function removeProducts(db: Db, organization: string, skus: Iterable<string>): string[] {
  const remove = db.prepare('DELETE FROM catalog_products WHERE organization = ? AND sku = ?')
  const removed: string[] = []
  immediate(db, () => {
    for (const sku of skus) if (remove.run(organization, sku).changes > 0) removed.push(sku)
  })
  return removed
}

/**
 * Every stored SKU of an organization.
 *
 * @example
 * storedSkus(db, 'demo') // ['MUG', 'TEE']
 */
export function storedSkus(db: Db, organization: string): string[] {
  return db.prepare<[string], string>('SELECT sku FROM catalog_products WHERE organization = ? ORDER BY sku').pluck().all(organization)
}

/**
 * A `ProductSource` over the stored products.
 *
 * @example
 * const source = createStoredProductSource(db, 'demo')
 * await source.get('TEE') // { sku: 'TEE', … }
 */
export function createStoredProductSource(db: Db, organization: string): ProductSource {
  const one = db.prepare<[string, string], string>('SELECT data FROM catalog_products WHERE organization = ? AND sku = ?').pluck()
  const many = db
    .prepare<[string, string], string>('SELECT data FROM catalog_products WHERE organization = ? AND sku IN (SELECT value FROM json_each(?))')
    .pluck()
  return {
    async *products() {
      // Pages by SKU, so a long iteration holds no read transaction open between pages.
      const page = db.prepare<[string, string], { sku: string; data: string }>('SELECT sku, data FROM catalog_products WHERE organization = ? AND sku > ? ORDER BY sku LIMIT 1000')
      let after = ''
      for (;;) {
        const rows = page.all(organization, after)
        for (const row of rows) yield JSON.parse(row.data) as Product
        if (rows.length < 1000) return
        after = (rows.at(-1) as { sku: string }).sku
      }
    },
    async get(sku) {
      const data = one.get(organization, sku)
      return data === undefined ? undefined : (JSON.parse(data) as Product)
    },
    async getMany(skus) {
      const found = new Map<string, Product>()
      for (const data of many.all(organization, JSON.stringify(skus))) {
        const product = JSON.parse(data) as Product
        found.set(product.sku, product)
      }
      return found
    },
  }
}
