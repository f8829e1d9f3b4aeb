import { describe, expect, it } from 'vitest'
import { toItemForm } from './mapping.js'
import type { Product } from './product.js'
import { linkFamilies } from './product.js'

const makeProduct = (overrides: Partial<Product> = {}): Product => ({
  sku: 'TEE',
  name: 'Classic Tee',
  currency: 'USD',
  prices: { regular: 28, final: 22.4 },
  ...overrides,
})

const ua = 'flow-storefront-server'

describe('toItemForm (connector-behaviour §1.4–1.5)', () => {
  it('maps a simple product: final price, prices as string attributes, categories, first image tagged, weight, alpha-3 origin', () => {
    const result = toItemForm(
      makeProduct({
        description: 'Organic cotton.',
        prices: { regular: '34.20000', final: 27.123456, special: 27.123456, msrp: 0 },
        categories: [['Apparel', 'Tees'], 'Sale >  Summer ', 'Apparel > Tees'],
        images: ['https://cdn.example/tee.jpg', 'https://cdn.example/tee-back.jpg'],
        weight: { value: 0.22, unit: 'kgs' },
        country_of_origin: 'pt',
        attributes: { color: 'Black', organic: true, pack: 1, empty: '' },
        status: 'enabled',
        id: 42,
      }),
    )
    expect(result).toEqual({
      ok: true,
      form: {
        number: 'TEE',
        locale: 'en_US',
        name: 'Classic Tee',
        currency: 'USD',
        price: 27.1235,
        description: 'Organic cotton.',
        categories: ['Apparel > Tees', 'Sale > Summer'],
        attributes: {
          color: 'Black',
          organic: 'true',
          pack: '1',
          sku: 'TEE',
          status: 'enabled',
          product_id: '42',
          user_agent: ua,
          regular_price: '34.2',
          final_price: '27.1235',
          special_price: '27.1235',
          country_of_origin: 'PRT',
          country_of_manufacture: 'PRT',
        },
        dimensions: { product: { weight: { value: '0.22', units: 'kilogram' } } },
        images: [{ url: 'https://cdn.example/tee.jpg', tags: ['thumbnail', 'checkout'] }, { url: 'https://cdn.example/tee-back.jpg' }],
      },
    })
  })

  it('selects the price: regular under the override, minimal for a configurable, final otherwise, regular as a last resort', () => {
    const price = (product: Product, regularPricingOverride = false) => {
      const result = toItemForm(product, { regularPricingOverride })
      return result.ok ? result.form.price : result.errors
    }
    expect({
      final: price(makeProduct({ prices: { regular: 30, final: 25, minimal: 20 } })),
      override: price(makeProduct({ prices: { regular: 30, final: 25 } }), true),
      overrideWithoutRegular: price(makeProduct({ prices: { final: 25 } }), true),
      configurable: price(makeProduct({ prices: { regular: 30, final: 25, minimal: 20 }, children: ['TEE-S'] })),
      configurableWithoutMinimal: price(makeProduct({ prices: { final: 25 }, children: ['TEE-S'] })),
      simpleIgnoresMinimal: price(makeProduct({ prices: { final: 25, minimal: 20 } })),
      regularOnly: price(makeProduct({ prices: { regular: 30 } })),
      none: price(makeProduct({ prices: {} })),
    }).toEqual({
      final: 25,
      override: 30,
      overrideWithoutRegular: 25,
      configurable: 20,
      configurableWithoutMinimal: 25,
      simpleIgnoresMinimal: 25,
      regularOnly: 30,
      none: ['prices: no price to sell at; give prices.final (or prices.regular)'],
    })
  })

  it('maps every weight unit to Flow’s names, kgs and lbs included; no weight or zero weight sends no dimensions', () => {
    const units = ['kg', 'kgs', 'KGS', 'g', 'lb', 'lbs', 'oz', 'pounds', 'kilogram', 'cm', 'cu in', 'cu m'].map((unit) => {
      const result = toItemForm(makeProduct({ weight: { value: '18.0000', unit } }))
      return result.ok ? result.form.dimensions?.product?.weight : result.errors
    })
    expect(units).toEqual([
      { value: '18.0000', units: 'kilogram' },
      { value: '18.0000', units: 'kilogram' },
      { value: '18.0000', units: 'kilogram' },
      { value: '18.0000', units: 'gram' },
      { value: '18.0000', units: 'pound' },
      { value: '18.0000', units: 'pound' },
      { value: '18.0000', units: 'ounce' },
      { value: '18.0000', units: 'pound' },
      { value: '18.0000', units: 'kilogram' },
      { value: '18.0000', units: 'centimeter' },
      { value: '18.0000', units: 'cubic_inch' },
      { value: '18.0000', units: 'cubic_meter' },
    ])
    const none = toItemForm(makeProduct())
    const zero = toItemForm(makeProduct({ weight: { value: 0, unit: 'kg' } }))
    expect([none.ok && 'dimensions' in none.form, zero.ok && 'dimensions' in zero.form]).toEqual([false, false])
  })

  it('sends a configurable’s children and options as JSON arrays, and a variant’s parent_sku', () => {
    const [parent, child] = linkFamilies([
      makeProduct({ sku: 'TEE', options: [{ code: 'color', label: 'Color' }, { code: 'size' }], prices: { final: 20, minimal: 18 } }),
      makeProduct({ sku: 'TEE-BLK-S', parent_sku: 'TEE', attributes: { color: 'Black', size: 'S' }, prices: { final: 18 } }),
      makeProduct({ sku: 'TEE-WHT-S', parent_sku: 'TEE', attributes: { color: 'White', size: 'S' }, prices: { final: 20 } }),
    ]) as [Product, Product]
    const parentForm = toItemForm(parent)
    const childForm = toItemForm(child)
    expect({
      parent: parentForm.ok && { price: parentForm.form.price, attributes: parentForm.form.attributes },
      child: childForm.ok && childForm.form.attributes,
    }).toEqual({
      parent: {
        price: 18,
        attributes: {
          sku: 'TEE',
          children_product_skus: '["TEE-BLK-S","TEE-WHT-S"]',
          children_attribute_codes: '["color","size"]',
          children_attribute_labels: '["Color","size"]',
          children_attribute_color: '["Black","White"]',
          children_attribute_size: '["S"]',
          user_agent: ua,
          final_price: '20',
          minimal_price: '18',
        },
      },
      child: { color: 'Black', size: 'S', sku: 'TEE-BLK-S', parent_sku: 'TEE', user_agent: ua, final_price: '18' },
    })
  })

  it('refuses an invalid product with every problem named, and sends nothing', () => {
    const result = toItemForm({
      sku: ' BAD ',
      name: '',
      currency: 'XXQ',
      prices: { final: -1, regular: 'ten' },
      weight: { value: 2, unit: 'stone' },
      country_of_origin: 'ZZ',
      images: ['ftp://x/y.jpg', { url: 'https://cdn.example/a.jpg', tags: ['hero'] }],
      categories: [42 as unknown as string],
      status: 'archived' as 'enabled',
    })
    expect(result).toEqual({
      ok: false,
      errors: [
        'sku: must not start or end with spaces, received " BAD "',
        'name: required, a non-empty string',
        "currency: 'XXQ' is not an ISO 4217 currency Flow knows",
        "status: expected 'enabled' or 'disabled', received \"archived\"",
        'prices.final: expected an amount of 0 or more, received -1',
        'prices.regular: expected an amount of 0 or more, received "ten"',
        "country_of_origin: 'ZZ' is not an ISO 3166 alpha-2 or alpha-3 country code",
        'prices: no price to sell at; give prices.final (or prices.regular)',
        "categories[0]: expected 'A > B' or ['A', 'B']",
        'weight.unit: "stone" is not a unit Flow knows (millimeter, centimeter, inch, foot, cubic_inch, cubic_meter, gram, kilogram, meter, ounce, pound, or kg, kgs, g, lb, lbs, oz, …)',
        'images[0]: expected an http(s) URL, received "ftp://x/y.jpg"',
        "images[1].tags: 'hero' is not one of thumbnail, checkout",
      ],
    })
  })

  it('uses the sync defaults for currency and locale, and the product’s own when given', () => {
    const defaults = toItemForm({ sku: 'A', name: 'A', prices: { final: 1 } }, { currency: 'eur', locale: 'de_DE' })
    const own = toItemForm({ sku: 'A', name: 'A', prices: { final: 1 }, currency: 'GBP', locale: 'en_GB' }, { currency: 'EUR', locale: 'de_DE' })
    const missing = toItemForm({ sku: 'A', name: 'A', prices: { final: 1 } })
    expect([
      defaults.ok && [defaults.form.currency, defaults.form.locale],
      own.ok && [own.form.currency, own.form.locale],
      missing.ok ? missing.form : missing.errors,
    ]).toEqual([['EUR', 'de_DE'], ['GBP', 'en_GB'], ['currency: required (on the product or as the sync default currency)']])
  })
})
