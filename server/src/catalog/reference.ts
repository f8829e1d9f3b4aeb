// Flow's reference data the mapping needs (countries for alpha-2 → alpha-3, currency codes),
// read once from the package's data/reference folder (same path from src/ and dist/).
import { readFileSync } from 'node:fs'

type Country = { iso_3166_2: string; iso_3166_3: string }
type Currency = { iso_4217_3: string }

let countries: Map<string, string> | undefined
let currencies: Set<string> | undefined

function read<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../data/reference/${name}.json`, import.meta.url), 'utf8')) as T
}

/**
 * The ISO 3166 alpha-3 code of a country given as alpha-2 or alpha-3 (any case), or undefined.
 *
 * @example
 * countryAlpha3('pt') // 'PRT'
 * countryAlpha3('PRT') // 'PRT'
 * countryAlpha3('XX') // undefined
 */
export function countryAlpha3(code: string): string | undefined {
  if (!countries) {
    countries = new Map()
    for (const country of read<Country[]>('countries')) {
      countries.set(country.iso_3166_2.toUpperCase(), country.iso_3166_3.toUpperCase())
      countries.set(country.iso_3166_3.toUpperCase(), country.iso_3166_3.toUpperCase())
    }
  }
  return countries.get(code.trim().toUpperCase())
}

/**
 * True for an ISO 4217 code Flow knows (any case).
 *
 * @example
 * isFlowCurrency('usd') // true
 */
export function isFlowCurrency(code: string): boolean {
  currencies ??= new Set(read<Currency[]>('currencies').map((currency) => currency.iso_4217_3.toUpperCase()))
  return currencies.has(code.trim().toUpperCase())
}
