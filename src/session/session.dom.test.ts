import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { configure, resetConfig } from '../core/config.js'
import { on } from '../core/events.js'
import { createFakeFlow, type FakeFlow } from '../../test/fake-flow.js'
import { SNAPSHOT_KEY } from './dom.js'
import { $session, resetSessionState, setCountry, setExperience, startSession } from './session.js'

let flow: FakeFlow
const events: string[] = []
const stops: (() => void)[] = []

beforeEach(() => {
  flow = createFakeFlow()
  configure({ organization: 'demo', apiUrl: 'http://flow.test', fetch: flow.fetch })
  stops.push(on('sessionChanged', ({ experience }) => events.push(`sessionChanged ${experience}`)))
  stops.push(on('error', ({ code }) => events.push(`error ${code}`)))
  stops.push(on('ready', ({ experience }) => events.push(`ready ${experience}`)))
})

afterEach(() => {
  stops.splice(0).forEach((stop) => stop())
  events.length = 0
  resetSessionState()
  resetConfig()
  localStorage.clear()
  document.cookie = '_f60_session=; Max-Age=0; Path=/'
  history.replaceState(null, '', '/')
})

const calls = () => flow.calls.map((call) => `${call.method} ${call.path}`)

describe('startSession', () => {
  it('creates a session placed by geolocation for a new visitor, and keeps it in the cookie and snapshot', async () => {
    const session = await startSession()
    expect({
      session,
      cookie: document.cookie,
      snapshot: JSON.parse(localStorage.getItem(SNAPSHOT_KEY) ?? 'null')?.experience,
      calls: calls(),
      events,
    }).toEqual({
      session: {
        id: 'F51-1',
        organization: 'demo',
        experience: 'united-states',
        country: 'USA',
        currency: 'USD',
        language: 'en',
        locale: 'en-US',
        format: { symbol: 'narrow', label_formatters: [] },
      },
      cookie: '_f60_session=F51-1',
      snapshot: 'united-states',
      calls: ['POST /sessions/organizations/demo'],
      events: ['sessionChanged united-states', 'ready united-states'],
    })
  })

  it('starts the session for ?flow_country=DE', async () => {
    history.replaceState(null, '', '/?flow_country=DE')
    expect((await startSession())?.currency).toBe('EUR')
  })

  it('resumes the session of the cookie, and asks Flow only once per page', async () => {
    const first = await startSession()
    resetSessionState()
    const [again, twice] = await Promise.all([startSession(), startSession()])
    expect({ same: again?.id === first?.id && twice === again, calls: calls() }).toEqual({
      same: true,
      calls: ['POST /sessions/organizations/demo', 'GET /sessions/F51-1'],
    })
  })

  it('publishes the snapshot of the last page before Flow answers', async () => {
    await setExperience('japan')
    resetSessionState()
    const release = flow.hold()
    const started = startSession()
    await Promise.resolve()
    await Promise.resolve()
    const before = $session.get()?.experience
    release()
    await started
    expect(before).toBe('japan')
  })

  it('starts a new session when the cookie names one Flow no longer knows', async () => {
    document.cookie = '_f60_session=F51-gone; Path=/'
    const session = await startSession()
    expect({ id: session?.id, calls: calls() }).toEqual({
      id: 'F51-1',
      calls: ['GET /sessions/F51-gone', 'POST /sessions/organizations/demo'],
    })
  })

  it('does nothing for flow_enabled=false', async () => {
    history.replaceState(null, '', '/?flow_enabled=false')
    expect({ session: await startSession(), calls: calls() }).toEqual({ session: undefined, calls: [] })
  })

  it.each([
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'AdsBot-Google (+http://www.google.com/adsbot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  ])('creates no session for the crawler %s', async (userAgent) => {
    Object.defineProperty(navigator, 'userAgent', { configurable: true, value: userAgent })
    try {
      expect({ session: await startSession(), calls: calls() }).toEqual({ session: undefined, calls: [] })
    } finally {
      delete (navigator as { userAgent?: string }).userAgent
    }
  })

  it('honours a configured bot pattern', async () => {
    configure({ botPattern: /HappyDOM/ })
    expect({ session: await startSession(), calls: calls() }).toEqual({ session: undefined, calls: [] })
  })

  it('fails open: Flow down means no session, one error event, and no rejection', async () => {
    flow.fail({ status: 503, body: '{"code":"down"}' })
    configure({ timeoutMs: 200 })
    const session = await startSession()
    expect({ session, events: events.filter((e) => e.startsWith('error')) }).toEqual({ session: undefined, events: ['error http'] })
  }, 10_000)

  it('treats an HTML page with status 200 as an error, not a session', async () => {
    flow.fail({ status: 200, body: '<html>maintenance</html>', contentType: 'text/html' })
    expect({ session: await startSession(), events }).toEqual({ session: undefined, events: ['error parse', 'ready undefined'] })
  })

  it('waits for a prerendered page to be shown', async () => {
    Object.defineProperty(document, 'prerendering', { configurable: true, value: true })
    const started = startSession()
    await new Promise((resolve) => setTimeout(resolve, 0))
    const before = calls().length
    Object.defineProperty(document, 'prerendering', { configurable: true, value: false })
    document.dispatchEvent(new Event('prerenderingchange'))
    await started
    delete (document as { prerendering?: boolean }).prerendering
    expect({ before, after: calls().length }).toEqual({ before: 0, after: 1 })
  })
})

describe('setCountry / setExperience', () => {
  it('switches the experience in place and announces it', async () => {
    await startSession()
    const seen: (string | undefined)[] = []
    const off = $session.listen((session) => seen.push(session?.currency))
    const session = await setCountry('jp')
    off()
    expect({ currency: session.currency, seen, calls: calls(), events }).toEqual({
      currency: 'JPY',
      seen: ['JPY'],
      calls: ['POST /sessions/organizations/demo', 'PUT /sessions/F51-1'],
      events: ['sessionChanged united-states', 'ready united-states', 'sessionChanged japan'],
    })
  })

  it('follows a change made in another tab (storage event)', async () => {
    await startSession()
    const other = { ...$session.get()!, experience: 'germany', currency: 'EUR' }
    window.dispatchEvent(new StorageEvent('storage', { key: SNAPSHOT_KEY, newValue: JSON.stringify(other) }))
    expect({ currency: $session.get()?.currency, last: events.at(-1) }).toEqual({ currency: 'EUR', last: 'sessionChanged germany' })
  })

  it('rejects a malformed country with a TypeError naming it', async () => {
    await expect(setCountry('Germany!')).rejects.toThrow('setCountry(): expected an ISO 3166 country code like "DE" or "DEU", received "Germany!"')
  })

  it("rejects, with Flow's error, a country Flow does not know", async () => {
    await startSession()
    await expect(setCountry('ZZ')).rejects.toMatchObject({ name: 'FlowStorefrontError', code: 'http', status: 422 })
  })
})
