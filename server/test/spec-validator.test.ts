import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { validator } from './helpers.js'

const { validate } = validator

describe('spec validator', () => {
  test('a valid model has no issues', () => {
    expect(validate({ code: 'generic_error', messages: ['nope'] }, 'generic_error')).toEqual([])
  })

  test('enums, required fields and primitives are checked, with paths', () => {
    expect(validate({ code: 'oops', messages: [1] }, 'generic_error')).toEqual([
      { path: '$.code', message: "'oops' is not a generic_error_code (generic_error, client_error, server_error)" },
      { path: '$.messages[0]', message: 'expected a string (string), got number 1' },
    ])
    expect(validate({ key: 'x' }, 'experience_reference')).toEqual([])
    expect(validate({}, 'experience_reference')).toEqual([{ path: '$.key', message: 'missing required field (type string)' }])
    expect(validate({ month: 1.5, year: 2030 }, 'expiration')).toEqual([{ path: '$.month', message: 'expected an integer (integer), got number 1.5' }])
    expect(validate({ from: 'yesterday', to: '2024-01-01T00:00:00Z' }, 'datetime_range')).toEqual([
      { path: '$.from', message: "expected an ISO 8601 date-time (date-time-iso8601), got 'yesterday'" },
    ])
  })

  test('arrays and maps', () => {
    expect(validate(['a', 'b'], '[string]')).toEqual([])
    expect(validate({ a: 'x', b: 2 }, 'map[string]')).toEqual([{ path: '$["b"]', message: 'expected a string (string), got number 2' }])
    expect(validate('a', '[string]')).toEqual([{ path: '$', message: "expected an array ([string]), got 'a'" }])
  })

  test('unions: the discriminator picks the member; a default member needs none; unknown members are named', () => {
    expect(validate({ discriminator: 'discount_offer_percent', percent: 10 }, 'discount_offer')).toEqual([])
    expect(validate({ discriminator: 'discount_offer_fixed', percent: 10 }, 'discount_offer')).toEqual([
      { path: '$.money', message: 'missing required field (type money)' },
      { path: '$.percent', message: "field 'percent' is not part of discount_offer_fixed" },
    ])
    expect(validate({ percent: 10 }, 'discount_offer')).toEqual([{ path: '$', message: "missing discriminator 'discriminator' of union discount_offer" }])
    expect(validate({ order_number: 'o', session_id: 's', urls: {} }, 'checkout_token_form')).toEqual([])
    expect(validate({ discriminator: 'nope' }, 'delivery')).toEqual([
      { path: '$.discriminator', message: "'nope' is not a member of union delivery (digital_delivery, physical_delivery)" },
    ])
    // localized_price discriminates on `key`
    expect(validate({ key: 'localized_item_duty', currency: 'EUR', amount: 1, label: '1,00 €', base: { amount: 1, currency: 'USD', label: 'US$1.00' } }, 'localized_price')).toEqual([])
  })

  test('webhook events are members of the event union, picked by their top-level discriminator', () => {
    const event = { discriminator: 'fraud_status_changed', event_id: 'evt-1', timestamp: '2024-01-01T00:00:00.000Z', id: 'frd-1', organization: 'demo', order: { id: 'ior-1', number: 'ord-1' }, status: 'approved' }
    expect(validate(event, 'event')).toEqual([])
    expect(validate({ ...event, status: 'maybe' }, 'event')).toHaveLength(1)
  })

  test('strict (default) refuses unknown fields and nulls; lenient ignores them and allows defaulted required fields', () => {
    const value = { key: 'x', extra: 1 }
    expect(validate(value, 'experience_reference')).toEqual([{ path: '$.extra', message: "field 'extra' is not part of experience_reference" }])
    expect(validate(value, 'experience_reference', { strict: false })).toEqual([])
    expect(validate({ code: 'generic_error', messages: null }, 'generic_error')).toEqual([
      { path: '$.messages', message: 'null is not allowed; omit the field instead (type [string])' },
    ])
    expect(validate({ secret: 's' }, 'webhook_settings', { strict: false })).toEqual([])
    expect(validate({ secret: 's' }, 'webhook_settings')).toHaveLength(3)
  })

  test('an unknown type name is a programmer mistake', () => {
    expect(() => validate({}, 'no_such_type')).toThrow(TypeError)
  })
})

// Real payloads Flow sent (shape reference, kept outside the project): resolved as ../shared from
// the repository root. This is the only test allowed to skip, when that folder is absent.
const fixtures = fileURLToPath(new URL('../../../shared/flow-api/fixtures/webhooks', import.meta.url))
const haveFixtures = existsSync(fixtures)
if (!haveFixtures) console.warn(`spec-validator.test: skipping Flow's webhook fixtures: ${fixtures} does not exist (no ../shared checkout).`)

describe.skipIf(!haveFixtures)("Flow's real webhook payloads", () => {
  const files = haveFixtures ? readdirSync(fixtures).filter((f) => f.endsWith('.json')) : []
  test('there are fixtures to check', () => {
    expect(files.length).toBeGreaterThan(0)
  })
  test.each(files)('%s is a valid event', (file) => {
    const payload = JSON.parse(readFileSync(`${fixtures}/${file}`, 'utf8')) as unknown
    expect(validate(payload, 'event', { strict: false })).toEqual([])
  })
})
