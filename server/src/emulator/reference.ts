import { readFileSync } from 'node:fs'

// Flow's reference models, as the typed client has them (generated from the spec).
import type { Country, Currency, Language, Locale } from '../client/index.js'

export type { Country, Currency, Language, Locale }

/** Flow's region: a named group of countries (`region_reference` carries only its id). */
export type Region = { id: string; name: string; countries: string[] }

/** Flow's public reference data, read once from `server/data/reference`, with lookups. */
export type ReferenceData = {
  countries: Country[]
  currencies: Currency[]
  locales: Locale[]
  languages: Language[]
  regions: Region[]
  /** A country by ISO 3166 alpha-2 or alpha-3 code, any case. */
  country(code: string): Country | undefined
  /** A currency by ISO 4217 code, any case. */
  currency(code: string): Currency | undefined
  /** A locale by id ('de', 'en-US'), any case. */
  locale(id: string): Locale | undefined
  /** A language by ISO 639 code, any case. */
  language(code: string): Language | undefined
}

let cached: ReferenceData | undefined

/**
 * Loads Flow's reference data (countries, currencies, locales, languages, regions) shipped in
 * `server/data/reference`. The files are read on the first call only.
 *
 * @example
 * loadReferenceData().country('de')?.iso_3166_3 // 'DEU'
 */
export function loadReferenceData(): ReferenceData {
  if (cached) return cached
  const read = <T>(name: string): T => {
    const file = new URL(`../../data/reference/${name}.json`, import.meta.url)
    return JSON.parse(readFileSync(file, 'utf8')) as T
  }
  const countries = read<Country[]>('countries')
  const currencies = read<Currency[]>('currencies')
  const locales = read<Locale[]>('locales')
  const languages = read<(Language & Record<string, unknown>)[]>('languages').map((l) => ({ name: l.name, iso_639_2: l.iso_639_2 }))
  const regions = read<(Region & Record<string, unknown>)[]>('regions').map((r) => ({ id: r.id, name: r.name, countries: r.countries }))

  const byCountry = new Map<string, Country>()
  for (const c of countries) {
    byCountry.set(c.iso_3166_2.toUpperCase(), c)
    byCountry.set(c.iso_3166_3.toUpperCase(), c)
  }
  const byCurrency = new Map(currencies.map((c) => [c.iso_4217_3.toUpperCase(), c]))
  const byLocale = new Map(locales.map((l) => [l.id.toLowerCase(), l]))
  const byLanguage = new Map(languages.map((l) => [l.iso_639_2.toLowerCase(), l]))

  cached = {
    countries,
    currencies,
    locales,
    languages,
    regions,
    country: (code) => byCountry.get(code.toUpperCase()),
    currency: (code) => byCurrency.get(code.toUpperCase()),
    locale: (id) => byLocale.get(id.toLowerCase()),
    language: (code) => byLanguage.get(code.toLowerCase()),
  }
  return cached
}
