// Public data: Flow's reference lists, geolocation defaults and the country picker.
import type { EmulatorContext } from '../context.js'
import { notFound, ok, route } from '../http.js'

/** Keeps the entries whose listed fields contain `q` (case-insensitive); all of them without `q`. */
function search<T>(list: readonly T[], q: string | null, fields: (x: T) => string[]): T[] {
  if (!q) return [...list]
  const needle = q.toLowerCase()
  return list.filter((x) => fields(x).some((f) => f.toLowerCase().includes(needle)))
}

/** Routes of the `country`, `currency`, `locale`, `country_defaults` and `country_picker` resources. */
export const referenceRoutes = [
  route<EmulatorContext>('GET', '/reference/countries', 'public', (request, context) =>
    ok(search(context.ref.countries, request.query.get('q'), (c) => [c.name, c.iso_3166_2, c.iso_3166_3])),
  ),

  route<EmulatorContext>('GET', '/reference/currencies', 'public', (request, context) =>
    ok(search(context.ref.currencies, request.query.get('q'), (c) => [c.name, c.iso_4217_3])),
  ),

  route<EmulatorContext>('GET', '/reference/locales', 'public', (request, context) =>
    ok(search(context.ref.locales, request.query.get('q'), (l) => [l.id, l.name])),
  ),

  route<EmulatorContext>('GET', '/geolocation/defaults/:country', 'public', (request, context) => {
    const code = request.params.country ?? ''
    const country = context.ref.country(code)
    if (!country) throw notFound(`country '${code}'`)
    return ok({
      country: country.iso_3166_3,
      currency: country.default_currency ?? context.state.organization.base_currency,
      language: country.default_language ?? country.languages[0] ?? 'en',
    })
  }),

  route<EmulatorContext>('GET', '/organizations/:organization_id/country/picker', 'public', (_request, context) =>
    ok({ id: `cpk-${context.state.organization.id}`, source: 'experience' }),
  ),
]
