/**
 * `{ [key]: value }` when value is defined, else `{}`: spreads an optional field into a JSON
 * object without writing `key: undefined` (the spec's optional fields are absent, never null).
 *
 * @example
 * ({ id: 'x', ...optional('description', undefined) }) // { id: 'x' }
 */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V })
}
