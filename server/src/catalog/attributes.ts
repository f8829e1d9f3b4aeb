// Flow attribute definitions for the price codes the sync sends as item attributes: the
// connector's 15 (connector-behaviour.md §1.6) plus `minimal_price`, which the connector sent as
// a configurable's price but never defined. With `intent: price` Flow localizes them per
// experience (`local.price_attributes`), which is what price documents read.
import type { AttributeForm, FlowClient } from '../client/index.js'

/** The price attribute keys, in the connector's order, then `minimal_price`. */
export const PRICE_ATTRIBUTE_KEYS = [
  'base_price',
  'bundle_option',
  'bundle_selection',
  'catalog_rule_price',
  'configured_price',
  'configured_regular_price',
  'custom_option_price',
  'final_price',
  'link_price',
  'max_price',
  'min_price',
  'msrp_price',
  'regular_price',
  'special_price',
  'tier_price',
  'minimal_price',
] as const

/**
 * The `attribute_form` of a price attribute, exactly as the connector sends it.
 *
 * @example
 * priceAttributeForm('final_price')
 * // { key: 'final_price', intent: 'price', type: 'decimal', options: { required: false, show_in_catalog: false, show_in_harmonization: false } }
 */
export function priceAttributeForm(key: string): AttributeForm {
  return { key, intent: 'price', type: 'decimal', options: { required: false, show_in_catalog: false, show_in_harmonization: false } }
}

/**
 * What saving the attributes did, per key: `saved`, or `failed` with the error message.
 *
 * @example
 * const report: AttributesReport = { ok: true, attributes: [{ key: 'final_price', outcome: 'saved' }] }
 */
export type AttributesReport = { ok: boolean; attributes: { key: string; outcome: 'saved' | 'failed'; error?: string }[] }

/**
 * Creates or updates the 16 price attributes with idempotent `PUT /:organization/attributes/:key`
 * calls (running it twice changes nothing). Every key is tried; `ok` is false if any failed.
 *
 * @example
 * await savePriceAttributes(flow) // { ok: true, attributes: [{ key: 'base_price', outcome: 'saved' }, …] }
 */
export async function savePriceAttributes(client: Pick<FlowClient, 'putAttribute'>): Promise<AttributesReport> {
  const attributes = await Promise.all(
    PRICE_ATTRIBUTE_KEYS.map(async (key) => {
      try {
        await client.putAttribute(priceAttributeForm(key))
        return { key, outcome: 'saved' as const }
      } catch (error) {
        return { key, outcome: 'failed' as const, error: error instanceof Error ? error.message : String(error) }
      }
    }),
  )
  return { ok: attributes.every((attribute) => attribute.outcome === 'saved'), attributes }
}
