// Where products come from. The sync asks a `ProductSource` for every product (a full sync) or
// for the SKUs of a batch; a SKU the source no longer has is a product that is gone. Built in: a
// programmatic source over an array or a function, and JSON, NDJSON and CSV files.
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { linkFamilies } from './product.js'
import type { Product, ProductOption } from './product.js'

/**
 * A catalog the sync can read. `getMany` is optional: without it the sync calls `get` per SKU.
 *
 * @example
 * const source: ProductSource = {
 *   async *products() { yield* await loadFromMyStore() },
 *   async get(sku) { return lookUpInMyStore(sku) },
 * }
 */
export type ProductSource = {
  /** Every product. */
  products(): AsyncIterable<Product>
  /** One product by its exact SKU; `undefined` when the source no longer has it. */
  get(sku: string): Promise<Product | undefined>
  /** Several products by SKU; missing ones are simply absent from the map. */
  getMany?(skus: readonly string[]): Promise<Map<string, Product>>
}

/**
 * A problem found while reading a file: where (line for NDJSON and CSV, index for JSON) and what.
 * The record is skipped.
 *
 * @example
 * const problem: SourceProblem = { at: 'catalog.ndjson:7', message: 'sku: required, a non-empty string' }
 */
export type SourceProblem = { at: string; message: string }

/**
 * Products read from a file, with the records that could not be read.
 *
 * @example
 * const loaded: LoadedProducts = { products: [{ sku: 'TEE', name: 'Tee' }], problems: [] }
 */
export type LoadedProducts = { products: Product[]; problems: SourceProblem[] }

/** A file format the built-in sources read. */
export type ProductFileFormat = 'json' | 'ndjson' | 'csv'

/**
 * A source over products held in memory (or produced by a function, called on each full read).
 * Families are linked: a parent lists the children that name it in `parent_sku`.
 *
 * @example
 * const source = createProductSource([{ sku: 'TEE', name: 'Tee', currency: 'USD', prices: { final: 20 } }])
 * await source.get('TEE') // { sku: 'TEE', … }
 */
export function createProductSource(products: readonly Product[] | (() => readonly Product[] | Promise<readonly Product[]>)): ProductSource {
  let cached: Promise<Map<string, Product>> | undefined
  const load = (): Promise<Map<string, Product>> => {
    if (typeof products !== 'function' && cached) return cached
    const loading = Promise.resolve(typeof products === 'function' ? products() : products).then(
      (list) => new Map(linkFamilies(list).map((product) => [product.sku, product])),
    )
    // A failed load is not kept, so the next call tries again.
    loading.catch(() => (cached = undefined))
    cached = loading
    return loading
  }
  return {
    async *products() {
      yield* (await load()).values()
    },
    async get(sku) {
      return (await (cached ?? load())).get(sku)
    },
    async getMany(skus) {
      const all = await (cached ?? load())
      const found = new Map<string, Product>()
      for (const sku of skus) {
        const product = all.get(sku)
        if (product) found.set(sku, product)
      }
      return found
    },
  }
}

/**
 * The format of a product file by its extension (`.json`, `.ndjson` / `.jsonl`, `.csv`).
 *
 * @example
 * productFileFormat('examples/demo/catalog.ndjson') // 'ndjson'
 */
export function productFileFormat(path: string): ProductFileFormat {
  const extension = extname(path).toLowerCase()
  if (extension === '.json') return 'json'
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson'
  if (extension === '.csv') return 'csv'
  throw new TypeError(`productFileFormat(): cannot tell the format of ${JSON.stringify(path)}; use a .json, .ndjson, .jsonl or .csv file, or pass the format.`)
}

/**
 * Reads a product file. JSON: an array of products, or `{ "products": [...] }`. NDJSON: one
 * product per line. CSV: a header row, then one product per row (see {@link parseProductCsv}).
 * Records without a SKU, unreadable lines and repeated SKUs are reported in `problems` (a
 * repeated SKU keeps its last record).
 *
 * @example
 * const { products, problems } = await loadProductFile('examples/demo/catalog.ndjson')
 * products.length // 51
 */
export async function loadProductFile(path: string, format: ProductFileFormat = productFileFormat(path)): Promise<LoadedProducts> {
  const text = await readFile(path, 'utf8')
  const name = path.split(/[\\/]/).pop() ?? path
  return parseProducts(text, format, name)
}

/**
 * Parses product file text (see {@link loadProductFile}); `name` prefixes problem locations.
 *
 * @example
 * parseProducts('{"sku":"TEE","name":"Tee"}\n{"name":"no sku"}', 'ndjson', 'x.ndjson').problems
 * // [{ at: 'x.ndjson:2', message: 'sku: required, a non-empty string' }]
 */
export function parseProducts(text: string, format: ProductFileFormat, name: string = format): LoadedProducts {
  const records: { at: string; value: unknown }[] = []
  const problems: SourceProblem[] = []
  const body = text.replace(/^\uFEFF/, '')
  if (format === 'json') {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch (error) {
      return { products: [], problems: [{ at: name, message: `not valid JSON: ${(error as Error).message}` }] }
    }
    const list = Array.isArray(parsed) ? parsed : isObject(parsed) && Array.isArray(parsed.products) ? parsed.products : undefined
    if (!list) return { products: [], problems: [{ at: name, message: 'expected an array of products or { "products": [...] }' }] }
    list.forEach((value: unknown, i: number) => records.push({ at: `${name}[${i}]`, value }))
  } else if (format === 'ndjson') {
    body.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return
      try {
        records.push({ at: `${name}:${i + 1}`, value: JSON.parse(line) })
      } catch (error) {
        problems.push({ at: `${name}:${i + 1}`, message: `not valid JSON: ${(error as Error).message}` })
      }
    })
  } else {
    const csv = parseProductCsv(body, name)
    problems.push(...csv.problems)
    records.push(...csv.records)
  }
  const bySku = new Map<string, { at: string; product: Product }>()
  for (const { at, value } of records) {
    if (!isObject(value)) {
      problems.push({ at, message: 'expected a product object' })
      continue
    }
    if (typeof value.sku !== 'string' || value.sku.trim() === '') {
      problems.push({ at, message: 'sku: required, a non-empty string' })
      continue
    }
    const earlier = bySku.get(value.sku)
    if (earlier) {
      problems.push({ at, message: `sku '${value.sku}' repeats ${earlier.at}; the later record is kept` })
      bySku.delete(value.sku)
    }
    bySku.set(value.sku, { at, product: value as unknown as Product })
  }
  return { products: linkFamilies([...bySku.values()].map((entry) => entry.product)), problems }
}

/**
 * A source over a product file, read on first use and again by `reload()`.
 *
 * @example
 * const source = createFileProductSource('catalog.csv')
 * for await (const product of source.products()) console.log(product.sku)
 */
export function createFileProductSource(path: string, format?: ProductFileFormat): ProductSource & { reload(): void; problems(): Promise<SourceProblem[]> } {
  let loaded: Promise<LoadedProducts & { bySku: Map<string, Product> }> | undefined
  const load = () => {
    if (!loaded) {
      loaded = loadProductFile(path, format).then((file) => ({ ...file, bySku: new Map(file.products.map((product) => [product.sku, product])) }))
      // A failed read is not kept, so the next call tries again.
      loaded.catch(() => (loaded = undefined))
    }
    return loaded
  }
  return {
    async *products() {
      yield* (await load()).products
    },
    async get(sku) {
      return (await load()).bySku.get(sku)
    },
    async getMany(skus) {
      const { bySku } = await load()
      const found = new Map<string, Product>()
      for (const sku of skus) {
        const product = bySku.get(sku)
        if (product) found.set(sku, product)
      }
      return found
    },
    reload() {
      loaded = undefined
    },
    async problems() {
      return (await load()).problems
    },
  }
}

/**
 * Reads product CSV: RFC 4180 (quoted fields, `""` escapes, newlines inside quotes), a header
 * row naming the columns. Columns: `sku`, `name`, `description`, `currency`, `locale`, `status`,
 * `parent_sku`, `country_of_origin`, `id`, `quantity`; `weight` and `weight_unit`;
 * `categories`, `images` and `children` with `|` between entries (a category path as
 * `A > B`); `options` as `code:Label|code:Label`; a price per column, named `prices.<code>` or
 * `<code>_price`; an attribute per column named `attributes.<name>`. Empty cells are absent
 * values; unknown columns are reported once.
 *
 * @example
 * parseProductCsv('sku,name,final_price,categories\nTEE,Tee,20,Apparel > Tees|Sale', 'c.csv').records[0].value
 * // { sku: 'TEE', name: 'Tee', prices: { final: '20' }, categories: ['Apparel > Tees', 'Sale'] }
 */
export function parseProductCsv(text: string, name = 'csv'): { records: { at: string; value: unknown }[]; problems: SourceProblem[] } {
  const rows = parseCsv(text)
  const problems: SourceProblem[] = []
  const header = rows.shift()
  if (!header) return { records: [], problems: [{ at: name, message: 'empty file: expected a header row' }] }
  const columns = header.cells.map((cell) => cell.trim())
  const known = new Set(['sku', 'name', 'description', 'currency', 'locale', 'status', 'parent_sku', 'country_of_origin', 'id', 'quantity', 'weight', 'weight_unit', 'categories', 'images', 'children', 'options'])
  for (const column of columns) {
    if (!known.has(column) && !column.startsWith('prices.') && !column.endsWith('_price') && !column.startsWith('attributes.')) {
      problems.push({ at: `${name}:1`, message: `unknown column '${column}' is ignored` })
    }
  }
  const records: { at: string; value: unknown }[] = []
  for (const row of rows) {
    if (row.cells.every((cell) => cell.trim() === '')) continue
    const at = `${name}:${row.line}`
    if (row.cells.length !== columns.length) {
      problems.push({ at, message: `expected ${columns.length} cells as in the header, found ${row.cells.length}` })
      continue
    }
    const product: Record<string, unknown> = {}
    const prices: Record<string, string> = {}
    const attributes: Record<string, string> = {}
    let weight: string | undefined
    let unit: string | undefined
    columns.forEach((column, i) => {
      const cell = (row.cells[i] ?? '').trim()
      if (cell === '') return
      const list = () => cell.split('|').map((entry) => entry.trim()).filter((entry) => entry !== '')
      if (column.startsWith('prices.')) prices[column.slice('prices.'.length)] = cell
      else if (column.endsWith('_price')) prices[column.slice(0, -'_price'.length)] = cell
      else if (column.startsWith('attributes.')) attributes[column.slice('attributes.'.length)] = cell
      else if (column === 'weight') weight = cell
      else if (column === 'weight_unit') unit = cell
      else if (column === 'categories' || column === 'images' || column === 'children') product[column] = list()
      else if (column === 'options') {
        product.options = list().map((entry): ProductOption => {
          const colon = entry.indexOf(':')
          return colon === -1 ? { code: entry } : { code: entry.slice(0, colon).trim(), label: entry.slice(colon + 1).trim() }
        })
      } else if (column === 'quantity') {
        const quantity = Number(cell)
        if (Number.isInteger(quantity)) product.quantity = quantity
        else problems.push({ at, message: `quantity: expected an integer, received ${JSON.stringify(cell)}` })
      } else if (known.has(column)) product[column] = cell
    })
    if (Object.keys(prices).length > 0) product.prices = prices
    if (Object.keys(attributes).length > 0) product.attributes = attributes
    if (weight !== undefined) product.weight = { value: weight, unit: unit ?? '' }
    records.push({ at, value: product })
  }
  return { records, problems }
}

/** RFC 4180 rows with the line each starts on. */
function parseCsv(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else {
        if (char === '\n') line++
        cell += char
      }
    } else if (char === '"' && cell === '') quoted = true
    else if (char === ',') {
      cells.push(cell)
      cell = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      cells.push(cell)
      rows.push({ line: rowLine, cells })
      cells = []
      cell = ''
      line++
      rowLine = line
    } else cell += char
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell)
    rows.push({ line: rowLine, cells })
  }
  return rows
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
