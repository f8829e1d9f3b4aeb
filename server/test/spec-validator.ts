import { readFileSync } from 'node:fs'

/**
 * Validates JSON values against the types of Flow's apibuilder specification
 * (`server/spec/spec-subset.json`): models, enums, unions with their discriminator, arrays
 * (`[x]`), maps (`map[x]`) and primitives, plus the webhook `event` union (see `eventUnion`). It lives in the test suite on purpose: the emulator
 * never checks its own answers with its own code.
 */

type SpecField = { name: string; type: string; required?: boolean; default?: unknown }
type SpecModel = { name: string; fields: SpecField[] }
type SpecEnum = { name: string; values: { name: string; value?: string }[] }
type SpecUnionType = { type: string; discriminator_value?: string; default?: boolean }
type SpecUnion = { name: string; discriminator?: string; types: SpecUnionType[] }

/** The parts of an apibuilder JSON document the validator reads. */
export type Spec = {
  models: SpecModel[]
  enums: SpecEnum[]
  unions: SpecUnion[]
  resources: {
    type: string
    operations: {
      method: string
      path: string
      body?: { type: string }
      responses: { code: { integer?: { value: number } }; type: string }[]
    }[]
  }[]
}

/** One problem found, with a JSON path such as `$.items[0].local.prices[1].label`. */
export type ValidationIssue = { path: string; message: string }

export type ValidateOptions = {
  /**
   * Strict (the default) is for the emulator's own answers: fields the spec does not know are
   * errors, so are `null` values and required fields left to their default. Lenient is for
   * payloads from elsewhere (Flow's real webhooks): unknown fields are ignored, as apibuilder
   * clients do, `null` counts as absent and a required field with a default may be omitted.
   */
  strict?: boolean
}

/** A validator bound to one spec document. */
export type SpecValidator = {
  /** Problems of `value` as an instance of `type` (`order`, `[item]`, `map[string]`, …); [] when valid. */
  validate(value: unknown, type: string, options?: ValidateOptions): ValidationIssue[]
  /** Throws an Error listing every problem when `value` is not a valid `type`. */
  assertValid(value: unknown, type: string, options?: ValidateOptions): void
  /** True when the spec (or the primitive list) defines `type`. */
  hasType(type: string): boolean
}

const PRIMITIVES = new Set([
  'string',
  'long',
  'integer',
  'double',
  'decimal',
  'boolean',
  'date-time-iso8601',
  'date-iso8601',
  'object',
  'json',
  'uuid',
  'unit',
])

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Reads `server/spec/spec-subset.json`, the contract of the Flow API subset this project uses. */
export function loadSpec(): Spec {
  const file = new URL('../spec/spec-subset.json', import.meta.url)
  return JSON.parse(readFileSync(file, 'utf8')) as Spec
}

/**
 * Builds a validator for `spec`.
 *
 * @example
 * const { validate } = createSpecValidator(loadSpec())
 * validate({ code: 'generic_error', messages: ['nope'] }, 'generic_error') // []
 * validate({ code: 'oops' }, 'generic_error')
 * // [{ path: '$.code', message: "'oops' is not a generic_error_code (generic_error, client_error, server_error)" },
 * //  { path: '$.messages', message: 'missing required field (type [string])' }]
 */
export function createSpecValidator(spec: Spec): SpecValidator {
  const models = new Map(spec.models.map((m) => [m.name, m]))
  const enums = new Map(spec.enums.map((e) => [e.name, e]))
  const unions = new Map([eventUnion(spec), ...spec.unions].map((u) => [u.name, u]))

  // A model that is a member of a union may carry that union's discriminator field.
  const memberTags = new Map<string, { field: string; value: string }[]>()
  for (const union of unions.values()) {
    const field = union.discriminator ?? 'discriminator'
    for (const member of union.types) {
      const tags = memberTags.get(member.type) ?? []
      tags.push({ field, value: member.discriminator_value ?? member.type })
      memberTags.set(member.type, tags)
    }
  }

  function hasType(type: string): boolean {
    const inner = unwrap(type)
    if (inner !== undefined) return hasType(inner.of)
    return PRIMITIVES.has(type) || models.has(type) || enums.has(type) || unions.has(type)
  }

  function check(value: unknown, type: string, path: string, strict: boolean, out: ValidationIssue[]): void {
    const wrapped = unwrap(type)
    if (wrapped?.kind === 'array') {
      if (!Array.isArray(value)) return void out.push({ path, message: `expected an array (${type}), got ${describe(value)}` })
      value.forEach((v, i) => check(v, wrapped.of, `${path}[${i}]`, strict, out))
      return
    }
    if (wrapped?.kind === 'map') {
      if (!isPlainObject(value)) return void out.push({ path, message: `expected an object (${type}), got ${describe(value)}` })
      for (const [k, v] of Object.entries(value)) check(v, wrapped.of, `${path}[${JSON.stringify(k)}]`, strict, out)
      return
    }
    if (PRIMITIVES.has(type)) return checkPrimitive(value, type, path, out)
    const enumType = enums.get(type)
    if (enumType) {
      const allowed = enumType.values.map((v) => v.value ?? v.name)
      if (typeof value !== 'string' || !allowed.includes(value)) {
        out.push({ path, message: `${describe(value)} is not a ${type} (${allowed.join(', ')})` })
      }
      return
    }
    const union = unions.get(type)
    if (union) return checkUnion(value, union, path, strict, out)
    const model = models.get(type)
    if (model) return checkModel(value, model, path, strict, out, undefined)
    out.push({ path, message: `the spec has no type named '${type}'` })
  }

  function checkUnion(value: unknown, union: SpecUnion, path: string, strict: boolean, out: ValidationIssue[]): void {
    const field = union.discriminator ?? 'discriminator'
    if (!isPlainObject(value)) return void out.push({ path, message: `expected an object (union ${union.name}), got ${describe(value)}` })
    const tag = value[field]
    let member: SpecUnionType | undefined
    if (tag === undefined) {
      member = union.types.find((t) => t.default === true)
      if (!member) return void out.push({ path, message: `missing discriminator '${field}' of union ${union.name}` })
    } else {
      member = union.types.find((t) => (t.discriminator_value ?? t.type) === tag)
      if (!member) {
        const allowed = union.types.map((t) => t.discriminator_value ?? t.type).join(', ')
        return void out.push({ path: `${path}.${field}`, message: `${describe(tag)} is not a member of union ${union.name} (${allowed})` })
      }
    }
    const model = models.get(member.type)
    if (!model) return check(value, member.type, path, strict, out)
    checkModel(value, model, path, strict, out, field)
  }

  function checkModel(
    value: unknown,
    model: SpecModel,
    path: string,
    strict: boolean,
    out: ValidationIssue[],
    discriminatorField: string | undefined,
  ): void {
    if (!isPlainObject(value)) return void out.push({ path, message: `expected an object (${model.name}), got ${describe(value)}` })
    for (const field of model.fields) {
      const v = value[field.name]
      const fieldPath = `${path}.${field.name}`
      const absent = v === undefined || (v === null && !strict)
      if (absent) {
        const required = field.required !== false && (strict || field.default === undefined)
        if (required) out.push({ path: fieldPath, message: `missing required field (type ${field.type})` })
        continue
      }
      if (v === null) {
        out.push({ path: fieldPath, message: `null is not allowed; omit the field instead (type ${field.type})` })
        continue
      }
      check(v, field.type, fieldPath, strict, out)
    }
    if (!strict) return
    const known = new Set(model.fields.map((f) => f.name))
    const tags = memberTags.get(model.name) ?? []
    for (const key of Object.keys(value)) {
      if (known.has(key)) continue
      const tag = tags.find((t) => t.field === key)
      if (tag && (discriminatorField === undefined || discriminatorField === key)) {
        if (value[key] !== tag.value) {
          out.push({ path: `${path}.${key}`, message: `discriminator should be '${tag.value}', got ${describe(value[key])}` })
        }
        continue
      }
      out.push({ path: `${path}.${key}`, message: `field '${key}' is not part of ${model.name}` })
    }
  }

  function validate(value: unknown, type: string, options: ValidateOptions = {}): ValidationIssue[] {
    if (!hasType(type)) throw new TypeError(`validate(): the spec has no type named '${type}'`)
    const out: ValidationIssue[] = []
    check(value, type, '$', options.strict ?? true, out)
    return out
  }

  function assertValid(value: unknown, type: string, options: ValidateOptions = {}): void {
    const issues = validate(value, type, options)
    if (issues.length === 0) return
    const lines = issues.slice(0, 20).map((i) => `  ${i.path}: ${i.message}`)
    if (issues.length > 20) lines.push(`  … and ${issues.length - 20} more`)
    throw new Error(`not a valid ${type}:\n${lines.join('\n')}`)
  }

  return { validate, assertValid, hasType }
}

/**
 * Flow's webhook payloads are members of its `event` union (discriminator `discriminator`), which
 * the subset does not carry; every model with `event_id` and `timestamp` is one of its members.
 */
function eventUnion(spec: Spec): SpecUnion {
  const isEvent = (m: SpecModel) => ['event_id', 'timestamp'].every((f) => m.fields.some((x) => x.name === f))
  return { name: 'event', discriminator: 'discriminator', types: spec.models.filter(isEvent).map((m) => ({ type: m.name })) }
}

function checkPrimitive(value: unknown, type: string, path: string, out: ValidationIssue[]): void {
  const fail = (what: string) => out.push({ path, message: `expected ${what} (${type}), got ${describe(value)}` })
  switch (type) {
    case 'string':
      if (typeof value !== 'string') fail('a string')
      return
    case 'uuid':
      if (typeof value !== 'string' || !UUID.test(value)) fail('a UUID string')
      return
    case 'long':
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail('an integer')
      return
    case 'double':
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('a finite number')
      return
    case 'boolean':
      if (typeof value !== 'boolean') fail('a boolean')
      return
    case 'date-time-iso8601':
      if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) fail('an ISO 8601 date-time')
      return
    case 'date-iso8601':
      if (typeof value !== 'string' || !ISO_DATE.test(value)) fail('an ISO 8601 date')
      return
    case 'object':
      if (!isPlainObject(value)) fail('an object')
      return
    case 'unit':
      if (value !== undefined && value !== '') fail('no body')
      return
    default: // json: anything goes
      return
  }
}

function unwrap(type: string): { kind: 'array' | 'map'; of: string } | undefined {
  if (type.startsWith('[') && type.endsWith(']')) return { kind: 'array', of: type.slice(1, -1) }
  if (type === 'map') return { kind: 'map', of: 'string' }
  if (type.startsWith('map[') && type.endsWith(']')) return { kind: 'map', of: type.slice(4, -1) }
  return undefined
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}
