import { readFileSync } from 'node:fs'

/** Flow's `country` reference model. */
export type Country = {
  name: string
  iso_3166_2: string
  iso_3166_3: string
  languages: string[]
  measurement_system: string
  default_currency?: string
  default_language?: string
  timezones: string[]
  default_delivered_duty?: string
}

/** Flow's `currency` reference model (with Flow's own `number_decimals`). */
export type Currency = {
  name: string
  iso_4217_3: string
  number_decimals: number
  symbols?: { primary: string; narrow?: string }
  default_locale?: string
}

/** Flow's `locale` reference model. */
export type Locale = { id: string; name: string; country: string; language: string; numbers: { decimal: string; group: string } }

/** Flow's `language` reference model (the files also list countries and locales, which the API omits). */
export type Language = { name: string; iso_639_2: string }

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
