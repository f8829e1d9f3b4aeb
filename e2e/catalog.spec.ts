// Catalog price localization in Chromium against the emulator: what ships (dist/), on real pages.
import { expect, gridNumbers, gridPrices, test, watchProblems } from './support/fixtures.js'

const gridUrl = (site: string, api: string, mode: 'umd' | 'esm' | 'requirejs') => `${site}/e2e/pages/grid.html?mode=${mode}&api=${encodeURIComponent(api)}`

for (const mode of ['umd', 'esm', 'requirejs'] as const) {
  test(`${mode}: a 200-product grid is localized for ?flow_country=DE in one pass of batched requests`, async ({ page, stack }) => {
    const problems = watchProblems(page)
    const requests: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'GET' && request.url().includes('/experiences/items')) requests.push(request.url())
    })
    await page.goto(`${gridUrl(stack.site, stack.emulator.url, mode)}&flow_country=DE`)
    await expect(page.locator('body.flow-catalog-localized')).toBeAttached()
    expect(await gridPrices(page)).toEqual(await stack.labels('germany'))
    expect(requests.map((url) => new URL(url).searchParams.getAll('number').length)).toEqual([100, 100])
    expect(problems).toEqual([])
  })
}

test('warm start: with the API slowed down, prices paint from IndexedDB before any API response', async ({ page, stack }) => {
  const url = `${gridUrl(stack.site, stack.emulator.url, 'umd')}`
  await page.goto(`${url}&flow_country=JP`)
  await expect(page.locator('body.flow-catalog-localized')).toBeAttached()
  const expected = await stack.labels('japan')
  expect(await gridPrices(page)).toEqual(expected)

  // Every API call now takes 5 s; the page must not wait for one.
  stack.emulator.faults.add({ route: '*', latency_ms: 5000 })
  const responses: number[] = []
  page.on('response', (response) => {
    if (response.url().startsWith(stack.emulator.url)) responses.push(Date.now())
  })
  await page.goto(url)
  await expect(page.locator('body.flow-catalog-localized')).toBeAttached({ timeout: 2500 })
  const painted = Date.now()
  expect(await gridPrices(page)).toEqual(expected)
  expect(responses.filter((at) => at <= painted).length).toBe(0)
})

test('switching country updates every price in place, without a reload', async ({ page, stack }) => {
  await page.goto(`${gridUrl(stack.site, stack.emulator.url, 'umd')}&flow_country=DE`)
  await expect(page.locator('body.flow-catalog-localized')).toBeAttached()
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42))
  await page.evaluate(() => (window as unknown as { FlowStorefront: { setCountry(c: string): Promise<unknown> } }).FlowStorefront.setCountry('KW'))
  const expected = await stack.labels('kuwait')
  await expect.poll(() => gridPrices(page)).toEqual(expected)
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42)
})

test('another tab follows a country switch', async ({ context, stack }) => {
  const url = `${gridUrl(stack.site, stack.emulator.url, 'umd')}`
  const first = await context.newPage()
  await first.goto(`${url}&flow_country=DE`)
  await expect(first.locator('body.flow-catalog-localized')).toBeAttached()
  const second = await context.newPage()
  await second.goto(url)
  await expect.poll(() => gridPrices(second)).toEqual(await stack.labels('germany'))
  await first.evaluate(() => (window as unknown as { FlowStorefront: { setCountry(c: string): Promise<unknown> } }).FlowStorefront.setCountry('BR'))
  await expect.poll(() => gridPrices(second)).toEqual(await stack.labels('brazil'))
})

const XSS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '"><svg onload="window.__xss=1">',
  "javascript:window.__xss=1",
  '<iframe srcdoc="<script>parent.__xss=1</script>">',
  '&lt;b&gt;escaped&lt;/b&gt;',
  '{{constructor.constructor("window.__xss=1")()}}',
  '<a href="javascript:window.__xss=1">x</a>',
  '\u202e€ 1,00',
  '<style>body{display:none}</style>',
]

test('API labels with markup render as text, never as HTML', async ({ page, stack }) => {
  await page.route(`${stack.emulator.url}/demo/experiences/items**`, async (route) => {
    // CORS preflights pass untouched; only the GET's body is rewritten.
    if (route.request().method() !== 'GET') return route.continue()
    const response = await route.fetch()
    const items = (await response.json()) as { number: string; local: { prices: { label: string }[] } }[]
    for (const item of items) item.local.prices[0]!.label = XSS[gridNumbers.indexOf(item.number) % XSS.length]!
    await route.fulfill({ response, json: items })
  })
  await page.goto(`${gridUrl(stack.site, stack.emulator.url, 'umd')}&n=20&flow_country=DE`)
  await expect(page.locator('body.flow-catalog-localized')).toBeAttached()
  expect({
    texts: await gridPrices(page),
    injected: await page.evaluate(() => document.querySelectorAll('#grid img, #grid script, #grid svg, #grid iframe, #grid style, #grid a').length),
    xss: await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    errors: await page.evaluate(() => (window as unknown as { __errors?: string[] }).__errors ?? []),
  }).toEqual({ texts: gridNumbers.slice(0, 20).map((_, i) => XSS[i % XSS.length]), injected: 0, xss: undefined, errors: [] })
})

test('the demo store runs under a strict CSP (nonces, no unsafe-inline or unsafe-eval) with no violation', async ({ page, stack }) => {
  const problems = watchProblems(page)
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      ;((window as unknown as { __violations: string[] }).__violations ??= []).push(`${event.violatedDirective} ${event.blockedURI}`)
    })
  })
  const response = await page.goto(`${stack.demo}/?flow_country=DE`)
  const csp = response?.headers()['content-security-policy'] ?? ''
  await expect(page.locator('body.flow-catalog-localized')).toBeAttached()
  const first = await page.locator('[data-flow-localize="item-price"]').first().textContent()
  expect({
    strict: /script-src 'nonce-[^']+'(;|$)/.test(csp) && !csp.includes('unsafe'),
    localized: first?.endsWith('€'),
    violations: await page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []),
    problems,
  }).toEqual({ strict: true, localized: true, violations: [], problems: [] })
})

test('with storage blocked (no localStorage, no IndexedDB) the page still localizes', async ({ page, stack }) => {
  await page.addInitScript(() => {
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError')
    }
    Object.defineProperty(window, 'localStorage', { get: blocked })
    Object.defineProperty(window, 'indexedDB', { get: blocked })
  })
  const problems = watchProblems(page)
  await page.goto(`${gridUrl(stack.site, stack.emulator.url, 'umd')}&n=30&flow_country=BR`)
  await expect(page.locator('body.flow-catalog-localized')).toBeAttached()
  expect(await gridPrices(page)).toEqual(await stack.labels('brazil', gridNumbers.slice(0, 30)))
  expect(problems).toEqual([])
})

// Fail-open: whatever goes wrong with the API, base prices are visible within the pricing timeout,
// nothing is thrown at the page, and the developer gets an `error` event.
const FAILURES = [
  { name: 'a hang', fault: { route: 'GET /:organization/experiences/items', latency_ms: 8000 } },
  { name: 'a 503', fault: { route: 'GET /:organization/experiences/items', status: 503 } },
  { name: 'a 429 with Retry-After', fault: { route: 'GET /:organization/experiences/items', status: 429, retry_after: 30 } },
  { name: 'a malformed JSON body', fault: { route: 'GET /:organization/experiences/items', body: 'malformed_json' as const } },
  { name: 'an HTML page with status 200', fault: { route: 'GET /:organization/experiences/items', body: 'html' as const } },
  { name: 'being offline', fault: undefined },
]

for (const failure of FAILURES) {
  test(`fail-open on ${failure.name}: base prices visible within the pricing timeout, no uncaught error`, async ({ page, stack }) => {
    const problems = watchProblems(page)
    await page.addInitScript(() => {
      window.addEventListener('unhandledrejection', (event) => ((window as unknown as { __unhandled: unknown[] }).__unhandled ??= []).push(String(event.reason)))
    })
    if (failure.fault) stack.emulator.faults.add(failure.fault)
    else await page.route(`${stack.emulator.url}/demo/experiences/items**`, (route) => route.abort('internetdisconnected'))
    const url = `${gridUrl(stack.site, stack.emulator.url, 'umd')}&n=10&flow_country=DE&timeout=1000`
    const started = Date.now()
    await page.goto(url)
    const price = page.locator('[data-flow-localize="item-price"]').first()
    await expect(price).toBeVisible({ timeout: 3000 })
    const visibleAfter = Date.now() - started
    expect({
      text: await price.textContent(),
      visibleWithinTimeout: visibleAfter < 2500,
      uncaught: problems.filter((p) => p.startsWith('pageerror')),
      unhandled: await page.evaluate(() => (window as unknown as { __unhandled?: unknown[] }).__unhandled ?? []),
    }).toEqual({ text: '$10.00', visibleWithinTimeout: true, uncaught: [], unhandled: [] })
    await expect.poll(() => page.evaluate(() => (window as unknown as { __errors?: string[] }).__errors ?? []), { timeout: 15_000 }).toHaveLength(1)
  })
}
