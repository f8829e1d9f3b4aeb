// Experiences: listing and reading them, their pricing settings, currency format, local items
// and currency conversions.
import { convertMinor, formatMoney, fromMinor, roundMinor, toMinor } from 'flow-storefront/money'
import type { EmulatorContext } from '../context.js'
import { experienceForCountry, geolocate, requireExperience, resolveExperience } from '../geo.js'
import { ApiError, ok, page, route, sortBy } from '../http.js'
import { queryList, readForm, readPaging } from '../input.js'
import { experienceJson, localItemJson, localLabel, pricingJson } from '../localize.js'
import { rateBetween } from '../pricing.js'
import type { ExperienceRecord, Json } from '../state.js'

const LEVIES = ['included', 'displayed', 'ignored'] as const
const STATUSES = ['draft', 'active', 'archiving', 'archived']

function listExperiences(context: EmulatorContext, query: URLSearchParams): ExperienceRecord[] {
  let list = context.state.experiences
  const ids = queryList(query, 'id')
  const keys = queryList(query, 'key')
  const q = query.get('q')?.toLowerCase()
  const status = query.get('status')
  if (status && !STATUSES.includes(status)) throw new ApiError(422, [`status must be one of ${STATUSES.join(', ')}, received '${status}'`])
  if (ids.length > 0) list = list.filter((e) => ids.includes(e.id))
  if (keys.length > 0) list = list.filter((e) => keys.includes(e.key))
  if (q) list = list.filter((e) => e.key.includes(q) || e.name.toLowerCase().includes(q))
  for (const [param, field] of [['name', 'name'], ['region', 'region'], ['currency', 'currency']] as const) {
    const value = query.get(param)
    if (value) list = list.filter((e) => e[field].toLowerCase() === value.toLowerCase())
  }
  const subcatalog = query.get('subcatalog')
  if (subcatalog) list = list.filter((e) => e.subcatalog_id === subcatalog)
  if (status) list = list.filter((e) => e.status === status)
  const ip = query.get('ip')
  if (ip) {
    const match = experienceForCountry(context.state, geolocate(context, ip))
    list = list.filter((e) => e.key === match.key)
  }
  return sortBy(list, query.get('sort') ?? 'position', { position: (e) => e.position, name: (e) => e.name, key: (e) => e.key })
}

/** A price in `experience` for an amount given in `base`: converted at the FX rate, nothing added. */
function conversion(context: EmulatorContext, experience: ExperienceRecord, base: string, amount: string, local: string): Json {
  const { state, ref } = context
  if (!ref.currency(base)) throw new ApiError(422, [`base '${base}' is not a currency Flow knows`])
  if (!ref.currency(local)) throw new ApiError(422, [`local '${local}' is not a currency Flow knows`])
  let minor: number
  let converted: number
  try {
    minor = toMinor(amount, base)
    converted = convertMinor(minor, base, local, rateBetween(state.rates, state.organization.base_currency, base, local))
  } catch (error) {
    throw new ApiError(422, [`cannot convert ${amount} ${base} to ${local}: ${(error as Error).message}`])
  }
  const label =
    local === experience.currency ? localLabel(converted, experience) : formatMoney(converted, local, { locale: experience.locale })
  return {
    currency: local,
    amount: fromMinor(converted, local),
    label,
    base: { amount: fromMinor(minor, base), currency: base, label: formatMoney(minor, base) },
  }
}

/** Routes of the `experience` and `experience_price_conversion` resources (localized items live in localized-items.ts). */
export const experienceRoutes = [
  route<EmulatorContext>('GET', '/:organization/experiences', 'shopper', (request, context) => {
    const list = listExperiences(context, request.query)
    return ok(page(list, readPaging(request.query)).map(experienceJson))
  }),

  route<EmulatorContext>('GET', '/:organization/experiences/:key', 'shopper', (request, context) =>
    ok(experienceJson(requireExperience(context.state, request.params.key ?? ''))),
  ),

  route<EmulatorContext>('GET', '/:organization/experiences/:key/pricing', 'merchant', (request, context) =>
    ok(pricingJson(requireExperience(context.state, request.params.key ?? ''))),
  ),

  route<EmulatorContext>('PUT', '/:organization/experiences/:key/pricing', 'merchant', (request, context) => {
    const experience = requireExperience(context.state, request.params.key ?? '')
    const form = readForm(request.body(), 'pricing')
    const vat = form.enum('vat', LEVIES)
    const duty = form.enum('duty', LEVIES)
    const r = form.optObject('rounding')
    const rounding = r && {
      type: r.enum('type', ['pattern', 'multiple'] as const),
      method: r.enum('method', ['up', 'down', 'nearest'] as const),
      value: r.number('value'),
    }
    form.done()
    if (rounding) {
      try {
        roundMinor(0, experience.currency, rounding)
      } catch (error) {
        throw new ApiError(422, [`pricing.rounding: ${(error as Error).message}`])
      }
    }
    experience.pricing = rounding ? { vat, duty, rounding } : { vat, duty }
    return ok(pricingJson(experience))
  }),

  route<EmulatorContext>('GET', '/:organization/experiences/:experience_key/currency/formats', 'shopper', (request, context) => {
    const { symbol, label_formatters } = requireExperience(context.state, request.params.experience_key ?? '').currency_format
    return ok({ symbol, label_formatters })
  }),

  route<EmulatorContext>('GET', '/:organization/experiences/:experience_key/local/items', 'merchant', (request, context) => {
    const experience = requireExperience(context.state, request.params.experience_key ?? '')
    const currency = request.query.get('currency')
    if (currency && currency.toUpperCase() !== experience.currency) {
      throw new ApiError(422, [`currency '${currency}' is not the currency of experience '${experience.key}' (${experience.currency})`])
    }
    let items = Object.values(context.state.items)
    const q = request.query.get('q')
    if (q) {
      const number = /^number:(.+)$/i.exec(q)?.[1]
      items = number
        ? items.filter((i) => String(i.number).toLowerCase() === number.toLowerCase())
        : items.filter((i) => `${String(i.number)} ${String(i.name)}`.toLowerCase().includes(q.toLowerCase()))
    }
    return ok(items.map((item) => localItemJson(context.state, experience, item)))
  }),

  route<EmulatorContext>('GET', '/:organization/experiences/conversions/:base/:amount', 'shopper', (request, context) => {
    const experience = resolveExperience(context, request)
    const base = (request.params.base ?? '').toUpperCase()
    return ok(conversion(context, experience, base, request.params.amount ?? '', experience.currency))
  }),

  route<EmulatorContext>('GET', '/:organization/experiences/:experience_key/conversions/price', 'shopper', (request, context) => {
    const experience = requireExperience(context.state, request.params.experience_key ?? '')
    const base = (request.query.get('base') ?? context.state.organization.base_currency).toUpperCase()
    const local = (request.query.get('local') ?? experience.currency).toUpperCase()
    const amounts = queryList(request.query, 'amount')
    if (amounts.length > 100) throw new ApiError(422, [`amount may be given at most 100 times, received ${amounts.length}`])
    const prices = amounts.map((amount) => ({
      request: { value: Number(amount), base, local },
      price: conversion(context, experience, base, amount, local),
    }))
    return ok({ prices })
  }),
]
