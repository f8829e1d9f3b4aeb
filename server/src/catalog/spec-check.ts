// A small checker of Flow's `item_form` (and the models it reaches) against the API spec, run on
// every form before it is sent, so an invalid product becomes an error row instead of a 422 (or,
// worse, an item Flow accepts in a shape nobody meant). The models below are the spec's own
// (server/spec/spec-subset.json, apibuilder 0.19.66), copied because the spec file does not ship
// with the package; spec-check.test.ts fails when they drift from it.

/** One field of a spec model: name, apibuilder type, required. */
export type SpecField = readonly [name: string, type: string, required: boolean]

/** The models and enums `item_form` reaches, exactly as the spec declares them. */
export const ITEM_FORM_SPEC = {
  models: {
    item_form: [
      ['number', 'string', true],
      ['locale', 'string', true],
      ['name', 'string', true],
      ['currency', 'string', true],
      ['price', 'double', true],
      ['categories', '[string]', false],
      ['description', 'string', false],
      ['attributes', 'map[string]', false],
      ['dimensions', 'dimensions', false],
      ['images', '[image_form]', false],
      ['deleted_at', 'date-time-iso8601', false],
    ],
    image_form: [
      ['url', 'string', true],
      ['tags', '[image_tag]', false],
      ['attributes', 'map[string]', false],
    ],
    dimensions: [
      ['product', 'dimension', false],
      ['packaging', 'dimension', false],
    ],
    dimension: [
      ['depth', 'measurement', false],
      ['diameter', 'measurement', false],
      ['length', 'measurement', false],
      ['weight', 'measurement', false],
      ['width', 'measurement', false],
    ],
    measurement: [
      ['value', 'string', true],
      ['units', 'unit_of_measurement', true],
    ],
  } satisfies Record<string, readonly SpecField[]>,
  enums: {
    unit_of_measurement: ['millimeter', 'centimeter', 'inch', 'foot', 'cubic_inch', 'cubic_meter', 'gram', 'kilogram', 'meter', 'ounce', 'pound'],
    image_tag: ['thumbnail', 'checkout'],
  } satisfies Record<string, readonly string[]>,
} as const

type Models = Record<string, readonly SpecField[]>
type Enums = Record<string, readonly string[]>

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/

/**
 * Problems of `value` as an instance of the spec type `type` (a model, an enum, `[x]`,
 * `map[x]` or a primitive), each with its path; `[]` when valid. Unknown fields are problems:
 * Flow would ignore them, so they are a mistake in the mapping.
 *
 * @example
 * checkSpecType({ number: 'TEE', locale: 'en_US', name: 'Tee', currency: 'USD' }, 'item_form')
 * // ['item_form.price: required double is missing']
 */
export function checkSpecType(value: unknown, type: string, path: string = type): string[] {
  const problems: string[] = []
  visit(value, type, path, problems, ITEM_FORM_SPEC.models, ITEM_FORM_SPEC.enums)
  return problems
}

function visit(value: unknown, type: string, path: string, problems: string[], models: Models, enums: Enums): void {
  const list = /^\[(.+)\]$/.exec(type)
  if (list) {
    if (!Array.isArray(value)) return void problems.push(`${path}: expected an array of ${list[1]}, received ${show(value)}`)
    value.forEach((entry, i) => visit(entry, list[1] as string, `${path}[${i}]`, problems, models, enums))
    return
  }
  const map = /^map\[(.+)\]$/.exec(type)
  if (map) {
    if (!isObject(value)) return void problems.push(`${path}: expected a map of ${map[1]}, received ${show(value)}`)
    for (const [key, entry] of Object.entries(value)) visit(entry, map[1] as string, `${path}.${key}`, problems, models, enums)
    return
  }
  const model = models[type]
  if (model) {
    if (!isObject(value)) return void problems.push(`${path}: expected ${type}, received ${show(value)}`)
    const known = new Set(model.map(([name]) => name))
    for (const [name, fieldType, required] of model) {
      const field = value[name]
      if (field === undefined) {
        if (required) problems.push(`${path}.${name}: required ${fieldType} is missing`)
        continue
      }
      visit(field, fieldType, `${path}.${name}`, problems, models, enums)
    }
    for (const key of Object.keys(value)) if (!known.has(key)) problems.push(`${path}.${key}: not a field of ${type}`)
    return
  }
  const values = enums[type]
  if (values) {
    if (typeof value !== 'string' || !values.includes(value)) problems.push(`${path}: expected one of ${values.join(', ')}, received ${show(value)}`)
    return
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') problems.push(`${path}: expected a string, received ${show(value)}`)
      return
    case 'double':
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${path}: expected a finite number, received ${show(value)}`)
      return
    case 'date-time-iso8601':
      if (typeof value !== 'string' || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) problems.push(`${path}: expected an ISO 8601 date-time, received ${show(value)}`)
      return
    default:
      problems.push(`${path}: the checker does not know the type ${type}`)
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function show(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  return typeof value === 'object' ? 'an object' : String(value)
}
