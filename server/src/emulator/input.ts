// Reading request bodies and query strings: every problem is collected, then answered at once
// as a 422 `generic_error` whose messages name the field and what was expected.
import { ApiError } from './http.js'

/**
 * Reads the fields of one JSON object. Getters return `undefined` for a missing or wrong field
 * and record a message; call `done()` to throw them all as one 422.
 */
export type FormReader = {
  string(name: string): string
  optString(name: string): string | undefined
  number(name: string): number
  optNumber(name: string): number | undefined
  integer(name: string): number
  optInteger(name: string): number | undefined
  optBoolean(name: string): boolean | undefined
  /** A string that must be one of `allowed`. */
  optEnum<T extends string>(name: string, allowed: readonly T[]): T | undefined
  enum<T extends string>(name: string, allowed: readonly T[]): T
  stringArray(name: string): string[]
  optStringArray(name: string): string[] | undefined
  optStringMap(name: string): Record<string, string> | undefined
  /** A nested object's reader (absent → undefined, recorded when required). */
  object(name: string): FormReader
  optObject(name: string): FormReader | undefined
  array(name: string): FormReader[]
  optArray(name: string): FormReader[] | undefined
  /** The raw value, unchecked. */
  raw(name: string): unknown
  /** Records a problem found by the caller. */
  fail(message: string): void
  /** Throws a 422 listing every problem recorded by this reader and its children. */
  done(): void
}

/**
 * Starts reading `value` as an object named `what` in messages ('item_form', 'body').
 *
 * @example
 * const form = readForm(body, 'webhook_form')
 * const url = form.string('url')
 * const events = form.stringArray('events')
 * form.done() // throws ApiError 422 ['webhook_form.url is required', …] when invalid
 */
export function readForm(value: unknown, what: string): FormReader {
  const problems: string[] = []
  if (!isObject(value)) problems.push(`${what} must be a JSON object`)
  return createReader(value, what, problems)
}

function createReader(value: unknown, path: string, problems: string[]): FormReader {
  const obj: Record<string, unknown> = isObject(value) ? value : {}
  const at = (name: string) => `${path}.${name}`
  const present = (name: string) => obj[name] !== undefined && obj[name] !== null

  function typed<T>(name: string, required: boolean, check: (v: unknown) => v is T, expected: string): T | undefined {
    if (!present(name)) {
      if (required) problems.push(`${at(name)} is required`)
      return undefined
    }
    const v = obj[name]
    if (check(v)) return v
    problems.push(`${at(name)} must be ${expected}, received ${describe(v)}`)
    return undefined
  }
  const isString = (v: unknown): v is string => typeof v === 'string'
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
  const isInteger = (v: unknown): v is number => Number.isSafeInteger(v)
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean'
  const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString)
  const isStringMap = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every(isString)

  const reader: FormReader = {
    string: (name) => typed(name, true, isString, 'a string') ?? '',
    optString: (name) => typed(name, false, isString, 'a string'),
    number: (name) => typed(name, true, isNumber, 'a number') ?? 0,
    optNumber: (name) => typed(name, false, isNumber, 'a number'),
    integer: (name) => typed(name, true, isInteger, 'an integer') ?? 0,
    optInteger: (name) => typed(name, false, isInteger, 'an integer'),
    optBoolean: (name) => typed(name, false, isBoolean, 'true or false'),
    optEnum(name, allowed) {
      const isAllowed = (v: unknown): v is (typeof allowed)[number] => typeof v === 'string' && (allowed as readonly string[]).includes(v)
      return typed(name, false, isAllowed, `one of ${allowed.join(', ')}`)
    },
    enum(name, allowed) {
      const isAllowed = (v: unknown): v is (typeof allowed)[number] => typeof v === 'string' && (allowed as readonly string[]).includes(v)
      return typed(name, true, isAllowed, `one of ${allowed.join(', ')}`) ?? (allowed[0] as (typeof allowed)[number])
    },
    stringArray: (name) => typed(name, true, isStringArray, 'an array of strings') ?? [],
    optStringArray: (name) => typed(name, false, isStringArray, 'an array of strings'),
    optStringMap: (name) => typed(name, false, isStringMap, 'an object of strings'),
    object(name) {
      const v = typed(name, true, isObject, 'an object')
      return createReader(v, at(name), problems)
    },
    optObject(name) {
      const v = typed(name, false, isObject, 'an object')
      return v === undefined ? undefined : createReader(v, at(name), problems)
    },
    array(name) {
      const v = typed(name, true, Array.isArray, 'an array')
      return (v ?? []).map((item: unknown, i: number) => elementReader(item, `${at(name)}[${i}]`))
    },
    optArray(name) {
      const v = typed(name, false, Array.isArray, 'an array')
      return v?.map((item: unknown, i: number) => elementReader(item, `${at(name)}[${i}]`))
    },
    raw: (name) => obj[name],
    fail: (message) => void problems.push(message),
    done() {
      if (problems.length > 0) throw new ApiError(422, [...problems])
    },
  }
  function elementReader(item: unknown, itemPath: string): FormReader {
    if (!isObject(item)) problems.push(`${itemPath} must be an object, received ${describe(item)}`)
    return createReader(item, itemPath, problems)
  }
  return reader
}

/**
 * Reads a query parameter that may repeat (`?number=a&number=b`) as a list.
 *
 * @example
 * queryList(new URLSearchParams('number=a&number=b'), 'number') // ['a', 'b']
 */
export function queryList(query: URLSearchParams, name: string): string[] {
  return query.getAll(name).filter((v) => v !== '')
}

/**
 * Reads `limit` and `offset` the way Flow does (limit 1–100, default 25; offset ≥ 0) or throws 422.
 *
 * @example
 * readPaging(new URLSearchParams('limit=10')) // { limit: 10, offset: 0 }
 */
export function readPaging(query: URLSearchParams): { limit: number; offset: number } {
  const limit = intParam(query, 'limit', 25)
  const offset = intParam(query, 'offset', 0)
  if (limit < 1 || limit > 100) throw new ApiError(422, [`limit must be between 1 and 100, received ${limit}`])
  if (offset < 0) throw new ApiError(422, [`offset must be 0 or more, received ${offset}`])
  return { limit, offset }
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name)
  if (text === null || text === '') return fallback
  if (!/^-?\d+$/.test(text)) throw new ApiError(422, [`${name} must be an integer, received '${text}'`])
  return Number(text)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'object') return 'an object'
  return String(value)
}
