// The seed: the organization, experiences, rates, taxes, geo table, center, attributes and
// catalog the emulator starts with. `server/data/seed/demo.json` is the default; its fields are
// described in `server/data/seed/README.md`.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { roundMinor, toMinor } from 'flow-storefront/money'
import { ApiError } from './http.js'
import { readForm, type FormReader } from './input.js'
import { itemFromForm, readItemForm } from './items.js'
import { optional } from './json.js'
import type { ReferenceData } from './reference.js'
import type { EmulatorState, ExperienceRecord, Json } from './state.js'

/** A seed document, as JSON (see `server/data/seed/README.md`). */
export type Seed = Record<string, unknown>

/** The demo seed shipped with the package. */
export const DEMO_SEED_PATH = new URL('../../data/seed/demo.json', import.meta.url)

const LEVIES = ['included', 'displayed', 'ignored'] as const
const ROUNDING_TYPES = ['pattern', 'multiple'] as const
const ROUNDING_METHODS = ['up', 'down', 'nearest'] as const
const FORMATTERS = ['strip_trailing_zeros', 'symbol_prefix', 'symbol_suffix'] as const
const STATUSES = ['draft', 'active', 'archiving', 'archived'] as const
const DECIMAL = /^\d+(\.\d+)?$/

/**
 * Reads a seed: a path to a JSON file, an already parsed object, or the demo seed by default.
 *
 * @example
 * readSeed() // the demo organization
 * readSeed('./my-seed.json')
 */
export function readSeed(seed?: string | URL | Seed): Seed {
  if (seed !== undefined && typeof seed === 'object' && !(seed instanceof URL)) return seed
  const file = seed ?? DEMO_SEED_PATH
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new TypeError(`startEmulator(): cannot read the seed file ${String(file)}.`, { cause: error })
  }
  try {
    return JSON.parse(text) as Seed
  } catch (error) {
    throw new TypeError(`startEmulator(): the seed file ${String(file)} is not valid JSON.`, { cause: error })
  }
}

/**
 * Builds the emulator's initial state from a seed, checking it on the way: every problem is
 * reported at once in a TypeError naming the field.
 *
 * @example
 * stateFromSeed(readSeed(), loadReferenceData(), new Date()).experiences.map((e) => e.key)
 * // ['united-states', 'canada', 'united-kingdom', 'germany', 'japan', 'kuwait', 'brazil', 'australia']
 */
export function stateFromSeed(seed: Seed, ref: ReferenceData, now: Date): EmulatorState {
  try {
    return buildState(seed, ref, now.toISOString())
  } catch (error) {
    if (error instanceof ApiError) {
      throw new TypeError(`startEmulator(): the seed is invalid:\n  ${error.messages.join('\n  ')}`, { cause: error })
    }
    throw error
  }
}

function buildState(seed: Seed, ref: ReferenceData, now: string): EmulatorState {
  const form = readForm(seed, 'seed')
  const org = form.object('organization')
  const organization = {
    id: org.string('id'),
    name: org.string('name'),
    environment: org.optEnum('environment', ['sandbox', 'production'] as const) ?? 'sandbox',
    api_key: org.string('api_key'),
    base_currency: org.string('base_currency').toUpperCase(),
  }
  const rates = form.optStringMap('rates') ?? {}
  for (const [code, rate] of Object.entries(rates)) {
    if (!ref.currency(code)) form.fail(`seed.rates: '${code}' is not a currency Flow knows`)
    if (!DECIMAL.test(rate) || Number(rate) <= 0) form.fail(`seed.rates.${code} must be a positive decimal string, received '${rate}'`)
  }
  const taxes: EmulatorState['taxes'] = {}
  for (const [code, tax] of Object.entries((form.raw('taxes') ?? {}) as Record<string, unknown>)) {
    const t = readForm(tax, `seed.taxes.${code}`)
    taxes[iso3(form, ref, code, 'seed.taxes')] = { name: t.string('name'), rate: decimal(t, 'rate', `seed.taxes.${code}`) }
    t.done()
  }
  const geo: Record<string, string> = {}
  for (const [ip, code] of Object.entries(form.optStringMap('geo') ?? {})) geo[ip] = iso3(form, ref, code, `seed.geo['${ip}']`)

  const experiences = form.array('experiences').map((e, i) => readExperience(e, i, organization, rates, ref))
  const keys = new Set<string>()
  for (const e of experiences) {
    if (keys.has(e.key)) form.fail(`seed.experiences: the key '${e.key}' is used twice`)
    keys.add(e.key)
  }
  if (experiences.length === 0) form.fail('seed.experiences must list at least one experience')

  const centers: Record<string, Json> = {}
  for (const center of form.optArray('centers') ?? []) {
    const key = center.string('key')
    center.string('name')
    centers[key] = { id: stableId('cen', key), ...centerJson(center) }
  }
  const attributes: Record<string, Json> = {}
  for (const attribute of form.optArray('attributes') ?? []) {
    const key = attribute.string('key')
    attributes[key] = {
      id: stableId('att', key),
      key,
      options: { required: false, show_in_catalog: false, show_in_harmonization: false },
      ...optional('label', attribute.optString('label')),
      ...optional('intent', attribute.optString('intent')),
      ...optional('type', attribute.optString('type')),
      ...optional('position', attribute.optInteger('position')),
    }
  }
  const settings = form.optObject('webhook_settings')
  const webhookSettings = {
    ...optional('secret', settings?.optString('secret')),
    retry_max_attempts: settings?.optInteger('retry_max_attempts') ?? 6,
    retry_sleep_ms: settings?.optInteger('retry_sleep_ms') ?? 60_000,
    sleep_ms: settings?.optInteger('sleep_ms') ?? 0,
  }
  form.done()

  const items: Record<string, Json> = {}
  const rawItems = (form.raw('items') ?? []) as unknown[]
  for (const [i, raw] of (Array.isArray(rawItems) ? rawItems : []).entries()) {
    const item = readItemForm(raw, ref, `seed.items[${i}]`)
    const number = (item.number as string).toLowerCase()
    if (items[number]) throw new ApiError(422, [`seed.items[${i}].number '${String(item.number)}' is used twice (numbers are case-insensitive)`])
    items[number] = itemFromForm(item, undefined, now, stableId('itm', number))
  }

  return {
    version: 1,
    created_at: now,
    organization,
    rates,
    taxes,
    geo,
    experiences,
    items,
    attributes,
    centers,
    inventory: {},
    inventory_updates: {},
    sessions: {},
    order_estimates: {},
    checkout_tokens: {},
    orders: {},
    order_identifiers: {},
    refunds: {},
    webhooks: [],
    webhook_settings: webhookSettings,
    deliveries: [],
  }
}

function readExperience(
  e: FormReader,
  i: number,
  organization: { id: string; base_currency: string },
  rates: Record<string, string>,
  ref: ReferenceData,
): ExperienceRecord {
  const at = `seed.experiences[${i}]`
  const key = e.string('key')
  const currency = e.string('currency').toUpperCase()
  if (currency && !ref.currency(currency)) e.fail(`${at}.currency '${currency}' is not a currency Flow knows`)
  else if (currency && currency !== organization.base_currency && rates[currency] === undefined) {
    e.fail(`${at}.currency '${currency}' has no FX rate in seed.rates`)
  }
  const language = e.string('language')
  if (language && !ref.language(language)) e.fail(`${at}.language '${language}' is not a language Flow knows`)
  const locale = e.string('locale')
  if (locale && !ref.locale(locale)) e.fail(`${at}.locale '${locale}' is not a locale Flow knows`)
  const region = e.string('region')
  if (region && !ref.regions.some((r) => r.id === region)) e.fail(`${at}.region '${region}' is not a Flow region id`)

  const pricing = e.object('pricing')
  const rounding = pricing.optObject('rounding')
  const roundingRule = rounding && {
    type: rounding.enum('type', ROUNDING_TYPES),
    method: rounding.enum('method', ROUNDING_METHODS),
    value: rounding.number('value'),
  }
  if (roundingRule && currency && ref.currency(currency)) {
    try {
      roundMinor(0, currency, roundingRule)
    } catch (error) {
      e.fail(`${at}.pricing.rounding: ${(error as Error).message}`)
    }
  }
  const format = e.object('currency_format')
  const shipping = e.object('shipping')
  const freeOver = shipping.optString('free_over')
  const amount = decimal(shipping, 'amount', `${at}.shipping`)
  if (currency && ref.currency(currency)) {
    for (const [name, value] of [['amount', amount], ['free_over', freeOver]] as const) {
      if (value !== undefined && DECIMAL.test(value)) {
        try {
          toMinor(value, currency)
        } catch (error) {
          e.fail(`${at}.shipping.${name}: ${(error as Error).message}`)
        }
      }
    }
  }
  const statuses = e.optStringMap('item_statuses') ?? {}
  for (const [number, status] of Object.entries(statuses)) {
    if (status !== 'excluded' && status !== 'restricted') e.fail(`${at}.item_statuses.${number} must be 'excluded' or 'restricted', received '${status}'`)
  }
  return {
    id: stableId('exp', `${organization.id}/${key}`),
    key,
    name: e.string('name'),
    country: iso3(e, ref, e.string('country'), `${at}.country`),
    currency,
    language,
    locale,
    region,
    measurement_system: e.enum('measurement_system', ['metric', 'imperial'] as const),
    position: e.optInteger('position') ?? i,
    status: e.optEnum('status', STATUSES) ?? 'active',
    delivered_duty: e.optEnum('delivered_duty', ['paid', 'unpaid'] as const) ?? 'paid',
    subcatalog_id: stableId('sca', `${organization.id}/${key}`),
    pricing: {
      vat: pricing.enum('vat', LEVIES),
      duty: pricing.enum('duty', LEVIES),
      ...optional('rounding', roundingRule),
    },
    duty_rate: decimal(e, 'duty_rate', at),
    currency_format: {
      symbol: format.optEnum('symbol', ['primary', 'narrow'] as const) ?? 'primary',
      label_formatters: (format.optStringArray('label_formatters') ?? []).filter((f): f is (typeof FORMATTERS)[number] => {
        const known = (FORMATTERS as readonly string[]).includes(f)
        if (!known) format.fail(`${at}.currency_format.label_formatters: '${f}' must be one of ${FORMATTERS.join(', ')}`)
        return known
      }),
    },
    shipping: {
      name: shipping.optString('name') ?? 'Standard',
      amount,
      ...optional('free_over', freeOver),
      min_days: shipping.optInteger('min_days') ?? 3,
      max_days: shipping.optInteger('max_days') ?? 7,
    },
    item_statuses: statuses as Record<string, 'excluded' | 'restricted'>,
  }
}

function centerJson(center: FormReader): Json {
  const json: Json = {}
  for (const field of ['key', 'name', 'address', 'packaging', 'services', 'schedule', 'timezone', 'capabilities']) {
    const value = center.raw(field)
    if (value !== undefined) json[field] = value
  }
  return json
}

function decimal(form: FormReader, name: string, at: string): string {
  const value = form.raw(name)
  const text = typeof value === 'number' ? String(value) : value
  if (typeof text !== 'string' || !DECIMAL.test(text)) {
    form.fail(`${at}.${name} must be a decimal string such as '0.19', received ${JSON.stringify(value)}`)
    return '0'
  }
  return text
}

function iso3(form: FormReader, ref: ReferenceData, code: string, at: string): string {
  const country = ref.country(code)
  if (!country) form.fail(`${at}: '${code}' is not an ISO 3166 country code`)
  return country?.iso_3166_3 ?? code
}

/** A stable id for seeded records, so they keep their ids across restarts. */
function stableId(prefix: string, key: string): string {
  return `${prefix}-${createHash('sha256').update(key.toLowerCase()).digest('hex').slice(0, 32)}`
}
