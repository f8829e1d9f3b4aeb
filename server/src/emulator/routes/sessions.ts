// Sessions: the shopper's country, experience, currency, language and locale, found from what
// the form says or from the request's address.
import type { EmulatorContext } from '../context.js'
import { experienceForCountry, findExperience, geolocate, requestIp } from '../geo.js'
import { ApiError, noContent, notFound, ok, route, type RequestContext } from '../http.js'
import { readForm } from '../input.js'
import { optional } from '../json.js'
import { experienceGeo } from '../localize.js'
import { newId, type Json, type SessionRecord } from '../state.js'

const VISIT_MS = 30 * 60_000

/** The parts of `session_form` / `session_put_form` the emulator reads. */
type SessionForm = {
  ip?: string
  experience?: string
  country?: string
  currency?: string
  language?: string
  locale?: string
  attributes?: Record<string, string>
}

function readSessionForm(request: RequestContext, what: string): SessionForm {
  const form = readForm(request.body() ?? {}, what)
  const result: SessionForm = {
    ...optional('ip', form.optString('ip')),
    ...optional('experience', form.optString('experience')),
    ...optional('country', form.optString('country')),
    ...optional('currency', form.optString('currency')),
    ...optional('language', form.optString('language')),
    ...optional('locale', form.optString('locale')),
    ...optional('attributes', form.optStringMap('attributes')),
  }
  form.done()
  return result
}

/**
 * Applies a form to a session: an `experience` or `country` in the form picks the experience;
 * otherwise (or on reset) geolocation of `ip` or of the request decides.
 */
function applyForm(context: EmulatorContext, request: RequestContext, session: SessionRecord, form: SessionForm, reset: boolean): void {
  const { state, ref } = context
  const problems: string[] = []
  const ip = form.ip ?? (reset || !session.ip ? requestIp(request) : session.ip)
  const geoCountry = geolocate(context, ip)
  session.ip = ip
  session.geo_country = geoCountry ?? session.geo_country

  let experience = findExperience(state, session.experience_key)
  let country = session.country
  if (form.experience !== undefined) {
    experience = findExperience(state, form.experience)
    if (!experience) problems.push(`experience '${form.experience}' is not an experience of ${state.organization.id}`)
    else country = experience.country
  } else if (form.country !== undefined) {
    const found = ref.country(form.country)
    if (!found) problems.push(`country '${form.country}' is not an ISO 3166 country code`)
    else {
      country = found.iso_3166_3
      experience = experienceForCountry(state, country)
    }
  } else if (reset || form.ip !== undefined || !experience) {
    experience = experienceForCountry(state, geoCountry)
    country = geoCountry ?? experience.country
  }
  if (experience && form.currency !== undefined && form.currency.toUpperCase() !== experience.currency) {
    problems.push(`currency '${form.currency}' is not the currency of experience '${experience.key}' (${experience.currency})`)
  }
  if (form.language !== undefined && !ref.language(form.language)) problems.push(`language '${form.language}' is not a language Flow knows`)
  if (form.locale !== undefined && !ref.locale(form.locale)) problems.push(`locale '${form.locale}' is not a locale Flow knows`)
  if (problems.length > 0) throw new ApiError(422, problems)
  if (!experience) throw new ApiError(500, ['no experience found for the session'])

  session.experience_key = experience.key
  session.country = country
  if (reset) {
    delete session.language
    delete session.locale
    session.attributes = {}
  }
  if (form.language !== undefined) session.language = form.language
  if (form.locale !== undefined) session.locale = form.locale
  if (form.attributes !== undefined) session.attributes = { ...session.attributes, ...form.attributes }
  session.expires_at = new Date(context.now().getTime() + VISIT_MS).toISOString()
}

/** Flow's `organization_session` (tagged as the `session` union member it is). */
export function sessionJson(context: EmulatorContext, session: SessionRecord): Json {
  const { state, ref } = context
  const experience = findExperience(state, session.experience_key) ?? experienceForCountry(state, undefined)
  const localeId = session.locale ?? experience.locale
  const geoCountry = ref.country(session.geo_country) ?? ref.country(experience.country)
  const geoCurrency = ref.currency(geoCountry?.default_currency ?? experience.currency) ?? ref.currency(experience.currency)
  const geoLanguage = ref.language(geoCountry?.default_language ?? experience.language) ?? ref.language(experience.language)
  const geoLocale = ref.locales.find((l) => l.country === geoCountry?.iso_3166_3 && l.language === geoLanguage?.iso_639_2) ?? ref.locale(experience.locale)
  return {
    discriminator: 'organization_session',
    id: session.id,
    organization: state.organization.id,
    visitor: { id: session.visitor_id },
    visit: { id: session.visit_id, expires_at: session.expires_at },
    environment: state.organization.environment,
    attributes: session.attributes,
    ...optional('ip', session.ip),
    local: {
      country: ref.country(experience.country),
      currency: ref.currency(experience.currency),
      language: ref.language(session.language ?? experience.language),
      locale: ref.locale(localeId),
      experience: experienceGeo(experience),
    },
    geo: { country: geoCountry, currency: geoCurrency, language: geoLanguage, locale: geoLocale },
    experience: experienceGeo(experience),
    format: { currency: { symbol: experience.currency_format.symbol, label_formatters: experience.currency_format.label_formatters } },
  }
}

function requireSession(context: EmulatorContext, id: string): SessionRecord {
  const session = context.state.sessions[id]
  if (!session) throw notFound(`session '${id}'`)
  return session
}

/** Routes of the `session` resource. */
export const sessionRoutes = [
  route<EmulatorContext>('POST', '/sessions/organizations/:organization', 'shopper', (request, context) => {
    const form = readSessionForm(request, 'session_form')
    const session: SessionRecord = {
      id: newId('ses'),
      visitor_id: newId('vis'),
      visit_id: newId('vit'),
      expires_at: '',
      country: '',
      geo_country: '',
      experience_key: '',
      attributes: {},
    }
    applyForm(context, request, session, form, false)
    context.state.sessions[session.id] = session
    return ok(sessionJson(context, session), 201)
  }),

  route<EmulatorContext>('GET', '/sessions/:session', 'shopper', (request, context) =>
    ok(sessionJson(context, requireSession(context, request.params.session ?? ''))),
  ),

  route<EmulatorContext>('PUT', '/sessions/:session', 'shopper', (request, context) => {
    const session = requireSession(context, request.params.session ?? '')
    applyForm(context, request, session, readSessionForm(request, 'session_put_form'), false)
    return ok(sessionJson(context, session))
  }),

  route<EmulatorContext>('PUT', '/sessions/:session/organizations/:organization', 'shopper', (request, context) => {
    const session = requireSession(context, request.params.session ?? '')
    applyForm(context, request, session, readSessionForm(request, 'session_put_form'), false)
    return ok(sessionJson(context, session), 201)
  }),

  route<EmulatorContext>('PUT', '/sessions/:session/reset', 'shopper', (request, context) => {
    const session = requireSession(context, request.params.session ?? '')
    applyForm(context, request, session, readSessionForm(request, 'session_put_form'), true)
    return ok(sessionJson(context, session))
  }),

  route<EmulatorContext>('DELETE', '/sessions/:session', 'shopper', (request, context) => {
    requireSession(context, request.params.session ?? '')
    delete context.state.sessions[request.params.session ?? '']
    return noContent()
  }),
]
