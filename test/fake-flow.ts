// A scripted stand-in for the Flow API's shopper endpoints, as an injectable `fetch`, for unit
// tests in happy-dom. The e2e suite runs against the real emulator instead.
import { formatMoney, toMinor, convertMinor, type CurrencyFormat } from '../src/core/money.js'

export type FakeExperience = {
  key: string
  country2: string
  country3: string
  currency: string
  locale: string
  rate: number
  vat: number
  format: CurrencyFormat
}

export const EXPERIENCES: FakeExperience[] = [
  { key: 'united-states', country2: 'US', country3: 'USA', currency: 'USD', locale: 'en-US', rate: 1, vat: 0, format: { symbol: 'narrow', label_formatters: [] } },
  { key: 'germany', country2: 'DE', country3: 'DEU', currency: 'EUR', locale: 'de', rate: 0.9, vat: 0.19, format: { symbol: 'primary', label_formatters: ['symbol_suffix'] } },
  { key: 'japan', country2: 'JP', country3: 'JPN', currency: 'JPY', locale: 'ja-JP', rate: 150, vat: 0, format: { symbol: 'primary', label_formatters: [] } },
]

/** Base prices in USD by item number; items not listed are unknown to Flow. */
export const CATALOG: Record<string, { price: string; regular: string }> = Object.fromEntries(
  Array.from({ length: 250 }, (_, i) => [`SKU-${i + 1}`, { price: `${10 + i}.50`, regular: `${20 + i}.00` }]),
)

export type FakeCall = { method: string; path: string; search: string; authorization: string | null }

export type FakeFlow = {
  fetch: typeof fetch
  calls: FakeCall[]
  /** Makes every later request wait for `gate` before answering (to observe what happens meanwhile). */
  hold(): () => void
  /** Answers every later request with this status/body until cleared with `undefined`. */
  fail(reply: { status: number; body: string; contentType?: string } | undefined): void
  sessions: Map<string, FakeExperience>
  /** Where geolocation places a request with no country or experience: sessions and item lookups separately. */
  geo: { session: FakeExperience; items: FakeExperience }
}

export function createFakeFlow(): FakeFlow {
  const calls: FakeCall[] = []
  const sessions = new Map<string, FakeExperience>()
  let gate: Promise<void> | undefined
  let failure: { status: number; body: string; contentType?: string } | undefined
  let nextId = 1

  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  const geo = { session: EXPERIENCES[0]!, items: EXPERIENCES[0]! }
  const pick = (form: { country?: string; experience?: string }): FakeExperience | undefined =>
    form.experience
      ? EXPERIENCES.find((e) => e.key === form.experience)
      : form.country
        ? EXPERIENCES.find((e) => e.country2 === form.country || e.country3 === form.country)
        : geo.session
  const session = (id: string, e: FakeExperience) => ({
    id,
    organization: 'demo',
    local: {
      experience: { key: e.key, name: e.key, country: e.country3, currency: e.currency, language: e.locale.slice(0, 2) },
      country: { iso_3166_3: e.country3 },
      currency: { iso_4217_3: e.currency },
      language: { iso_639_2: e.locale.slice(0, 2) },
      locale: { id: e.locale },
    },
    format: { currency: { symbol: e.format.symbol ?? 'primary', label_formatters: e.format.label_formatters ?? [] } },
  })
  const price = (usd: string, e: FakeExperience, withVat: boolean) => {
    const base = toMinor(usd, 'USD')
    const local = convertMinor(Math.round(base * (withVat ? 1 + e.vat : 1)), 'USD', e.currency, e.rate)
    return {
      amount: Number(local) / 10 ** (e.currency === 'JPY' ? 0 : 2),
      currency: e.currency,
      label: formatMoney(local, e.currency, { locale: e.locale, format: e.format }),
      base: { amount: Number(usd), currency: 'USD', label: formatMoney(base, 'USD', { locale: 'en-US' }) },
    }
  }

  const fakeFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    calls.push({ method: request.method, path: url.pathname, search: url.search, authorization: request.headers.get('authorization') })
    if (gate) await gate
    if (failure) return new Response(failure.body, { status: failure.status, headers: { 'content-type': failure.contentType ?? 'application/json' } })
    const body = request.method === 'GET' ? {} : ((await request.json().catch(() => ({}))) as { country?: string; experience?: string })
    const path = url.pathname
    if (request.method === 'POST' && path === '/sessions/organizations/demo') {
      const e = pick(body)
      if (!e) return json(422, { code: 'generic_error', messages: ['unknown country'] })
      const id = `F51-${nextId++}`
      sessions.set(id, e)
      return json(201, session(id, e))
    }
    const match = /^\/sessions\/([^/]+)$/.exec(path)
    if (match) {
      const id = decodeURIComponent(match[1]!)
      const known = sessions.get(id)
      if (!known) return json(404, {})
      if (request.method === 'PUT') {
        const e = pick(body)
        if (!e) return json(422, { code: 'generic_error', messages: ['unknown country'] })
        sessions.set(id, e)
        return json(200, session(id, e))
      }
      return json(200, session(id, known))
    }
    if (path === '/demo/experiences/items') {
      // Like Flow: the experience named, else the country's, else the session's, else geolocation (here: the first).
      const bySession = sessions.get(request.headers.get('authorization')?.replace('Session ', '') ?? '')
      const e = url.searchParams.get('experience')
        ? EXPERIENCES.find((x) => x.key === url.searchParams.get('experience'))
        : url.searchParams.get('country')
          ? pick({ country: url.searchParams.get('country')! })
          : (bySession ?? geo.items)
      if (!e) return json(422, { code: 'generic_error', messages: ['unknown experience'] })
      const items = url.searchParams
        .getAll('number')
        .filter((n) => Object.hasOwn(CATALOG, n))
        .map((number) => ({
          number,
          local: {
            experience: { key: e.key },
            status: 'included',
            prices: [{ key: 'localized_item_price', ...price(CATALOG[number]!.price, e, true), includes: e.vat ? { key: 'vat', label: 'Includes VAT' } : { key: 'none', label: '' } }],
            price_attributes: { regular_price: price(CATALOG[number]!.regular, e, true) },
            rates: [{ id: 'r', base: 'USD', target: e.currency, value: e.rate, effective_at: '2026-01-01T00:00:00Z' }],
            spot_rates: [],
          },
        }))
      return json(200, items)
    }
    const conversion = /^\/demo\/experiences\/conversions\/([A-Z]{3})\/([0-9.]+)$/.exec(path)
    if (conversion) {
      const e = EXPERIENCES.find((x) => x.key === url.searchParams.get('experience')) ?? geo.items
      const [, base, amount] = conversion
      if (base !== 'USD') return json(422, { code: 'generic_error', messages: [`no rate from ${base}`] })
      const local = convertMinor(toMinor(amount!, 'USD'), 'USD', e.currency, e.rate)
      return json(200, { currency: e.currency, amount: Number(local) / 10 ** (e.currency === 'JPY' ? 0 : 2), label: formatMoney(local, e.currency, { locale: e.locale, format: e.format }) })
    }
    return json(404, { code: 'not_found', path })
  }

  return {
    fetch: fakeFetch,
    calls,
    sessions,
    geo,
    hold() {
      let release!: () => void
      gate = new Promise((resolve) => (release = resolve))
      return () => {
        gate = undefined
        release()
      }
    },
    fail(reply) {
      failure = reply
    },
  }
}
