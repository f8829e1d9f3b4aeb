// The platform-neutral product: what any store (Magento, Shopify export, a headless CMS, a CSV
// from an ERP) can describe, and what the sync maps to Flow's `item_form`. Sources produce it;
// nothing here knows a platform.

/**
 * An image of a product. Tags say where Flow shows it (`thumbnail` in lists, `checkout` in the
 * hosted checkout); an untagged first image is used for both.
 *
 * @example
 * const image: ProductImage = { url: 'https://cdn.example/tee.jpg', tags: ['thumbnail'] }
 */
export type ProductImage = { url: string; tags?: string[] }

/**
 * A configurable product's option (Magento's "super attribute"): its code, label and values.
 * Values default to the distinct `attributes[code]` of the children.
 *
 * @example
 * const option: ProductOption = { code: 'color', label: 'Color', values: ['Black', 'White'] }
 */
export type ProductOption = { code: string; label?: string; values?: string[] }

/**
 * A product in the store's own terms.
 *
 * - `prices` by code: `regular`, `final`, `minimal`, `special`, `msrp`, … (a code may also be given
 *   with its `_price` suffix). Amounts are in `currency`, as numbers or decimal strings.
 * - `categories`: each a path, as an array of names (`['Apparel', 'Tees']`) or already joined
 *   (`'Apparel > Tees'`).
 * - `weight.unit`: a unit name or abbreviation (`kilogram`, `kg`, `kgs`, `lb`, `lbs`, `oz`, `g`, …).
 * - `country_of_origin`: ISO 3166 alpha-2 or alpha-3.
 * - `parent_sku` for a variant; `children` for a configurable (file sources fill it from the
 *   children's `parent_sku`).
 * - `status`: a disabled product is still sent, with `attributes.status = 'disabled'`.
 * - `quantity`: stock at the default center, for inventory sync.
 *
 * @example
 * const tee: Product = {
 *   sku: 'TEE-1', name: 'Tee', currency: 'USD', prices: { regular: 28, final: 22.4 },
 *   categories: [['Apparel', 'Tees']], images: ['https://cdn.example/tee.jpg'],
 *   weight: { value: 0.2, unit: 'kg' }, country_of_origin: 'PT', quantity: 12,
 * }
 */
export type Product = {
  sku: string
  name: string
  description?: string
  prices?: Record<string, number | string>
  currency?: string
  /** Flow locale such as `en_US`; defaults to the sync's locale. */
  locale?: string
  categories?: (string | string[])[]
  attributes?: Record<string, string | number | boolean>
  images?: (string | ProductImage)[]
  weight?: { value: number | string; unit: string }
  country_of_origin?: string
  parent_sku?: string
  children?: string[]
  options?: ProductOption[]
  /** The store's own id of the product, sent as `attributes.product_id`. */
  id?: string | number
  status?: 'enabled' | 'disabled'
  quantity?: number
}

/**
 * True when the product is a configurable parent: it lists children.
 *
 * @example
 * isConfigurable({ sku: 'TEE', name: 'Tee', children: ['TEE-S'] }) // true
 */
export function isConfigurable(product: Product): boolean {
  return Array.isArray(product.children) && product.children.length > 0
}

/**
 * Fills in what a family of products implies: a parent's `children` from the children's
 * `parent_sku` (when the parent does not list them), and each option's `values` from the
 * children's attributes. Returns new objects; the input is untouched.
 *
 * @example
 * linkFamilies([{ sku: 'TEE', name: 'Tee' }, { sku: 'TEE-S', name: 'Tee S', parent_sku: 'TEE' }])[0].children // ['TEE-S']
 */
export function linkFamilies(products: readonly Product[]): Product[] {
  const childrenOf = new Map<string, string[]>()
  for (const product of products) {
    if (typeof product.parent_sku !== 'string' || product.parent_sku === '') continue
    const list = childrenOf.get(product.parent_sku) ?? []
    list.push(product.sku)
    childrenOf.set(product.parent_sku, list)
  }
  if (childrenOf.size === 0) return [...products]
  const bySku = new Map(products.map((product) => [product.sku, product]))
  return products.map((product) => {
    const found = childrenOf.get(product.sku)
    const hasOwn = Array.isArray(product.children) && product.children.length > 0
    if (!found && !(hasOwn && product.options?.some((option) => option.values === undefined))) return product
    const children = hasOwn ? (product.children as string[]) : (found ?? [])
    const options = product.options?.map((option) => {
      if (option.values !== undefined) return option
      const values = new Set<string>()
      for (const sku of children) {
        const value = bySku.get(sku)?.attributes?.[option.code]
        if (value !== undefined && value !== '') values.add(String(value))
      }
      return { ...option, values: [...values] }
    })
    return { ...product, children, ...(options === undefined ? {} : { options }) }
  })
}
