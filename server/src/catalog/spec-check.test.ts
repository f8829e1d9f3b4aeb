import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ITEM_FORM_SPEC, checkSpecType } from './spec-check.js'

type SpecDocument = {
  models: { name: string; fields: { name: string; type: string; required: boolean }[] }[]
  enums: { name: string; values: { name: string }[] }[]
}

const spec = JSON.parse(readFileSync(new URL('../../spec/spec-subset.json', import.meta.url), 'utf8')) as SpecDocument

describe('ITEM_FORM_SPEC', () => {
  it('is exactly what spec-subset.json declares for item_form and every model and enum it reaches', () => {
    const models = Object.fromEntries(
      Object.keys(ITEM_FORM_SPEC.models).map((name) => [name, spec.models.find((model) => model.name === name)?.fields.map((field) => [field.name, field.type, field.required])]),
    )
    const enums = Object.fromEntries(
      Object.keys(ITEM_FORM_SPEC.enums).map((name) => [name, spec.enums.find((entry) => entry.name === name)?.values.map((value) => value.name)]),
    )
    expect({ models, enums }).toEqual(JSON.parse(JSON.stringify(ITEM_FORM_SPEC)))
    // Every type a field names is a primitive, or a model or enum copied here.
    const reached = Object.values(ITEM_FORM_SPEC.models).flatMap((fields) => fields.map(([, type]) => type.replace(/^\[|\]$|^map\[/g, '').replace(/\]$/, '')))
    const unknown = reached.filter((type) => !['string', 'double', 'date-time-iso8601'].includes(type) && !(type in ITEM_FORM_SPEC.models) && !(type in ITEM_FORM_SPEC.enums))
    expect(unknown).toEqual([])
  })
})

describe('checkSpecType', () => {
  it('accepts a valid form and names every problem of an invalid one with its path', () => {
    const valid = { number: 'A', locale: 'en_US', name: 'A', currency: 'USD', price: 1, images: [{ url: 'https://x/a.jpg', tags: ['checkout'] }], dimensions: { product: { weight: { value: '1', units: 'kilogram' } } } }
    const invalid = {
      number: 1,
      locale: 'en_US',
      currency: 'USD',
      price: Number.NaN,
      attributes: { a: 1 },
      images: [{ url: 'https://x/a.jpg', tags: ['hero'] }],
      dimensions: { product: { weight: { value: 1, units: 'kgs' } } },
      deleted_at: 'yesterday',
      colour: 'red',
    }
    expect([checkSpecType(valid, 'item_form'), checkSpecType(invalid, 'item_form')]).toEqual([
      [],
      [
        'item_form.number: expected a string, received 1',
        'item_form.name: required string is missing',
        'item_form.price: expected a finite number, received NaN',
        'item_form.attributes.a: expected a string, received 1',
        'item_form.dimensions.product.weight.value: expected a string, received 1',
        'item_form.dimensions.product.weight.units: expected one of millimeter, centimeter, inch, foot, cubic_inch, cubic_meter, gram, kilogram, meter, ounce, pound, received "kgs"',
        'item_form.images[0].tags[0]: expected one of thumbnail, checkout, received "hero"',
        'item_form.deleted_at: expected an ISO 8601 date-time, received "yesterday"',
        'item_form.colour: not a field of item_form',
      ],
    ])
  })
})
