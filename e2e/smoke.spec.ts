// Test what ships: the built UMD file and ESM tree load in Chromium and their core functions give
// the same answers as the source does in Node.
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { formatMoney } from '../src/core/money.js'

const base = () => process.env.E2E_BASE_URL!

async function open(page: Page, path: string): Promise<string[]> {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`)
  })
  await page.goto(base() + path)
  return problems
}

test('the UMD file works from a plain script tag and sets window.FlowStorefront', async ({ page }) => {
  const problems = await open(page, '/e2e/pages/smoke-umd.html')
  await expect(page.locator('#out')).toHaveText(formatMoney(123456, 'EUR', { locale: 'de-DE' }))
  expect(await page.evaluate(() => typeof (window as { FlowStorefront?: unknown }).FlowStorefront)).toBe('object')
  expect(await page.locator('body').getAttribute('data-session')).toBe('undefined')
  expect(problems).toEqual([])
})

test('the ESM build works from <script type="module"> with an import map', async ({ page }) => {
  const problems = await open(page, '/e2e/pages/smoke-esm.html')
  await expect(page.locator('#out')).toHaveText(formatMoney(123456, 'JPY', { locale: 'ja-JP' }))
  const version = await page.locator('body').getAttribute('data-version')
  expect(version).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version)
  expect(await page.locator('body').getAttribute('data-session')).toBe('undefined')
  expect(problems).toEqual([])
})

test('the UMD file loads as a RequireJS module and still sets window.FlowStorefront', async ({ page }) => {
  const problems = await open(page, '/e2e/pages/smoke-requirejs.html')
  await expect(page.locator('#out')).toHaveText(formatMoney(1234567, 'KWD', { locale: 'en-US' }))
  expect(await page.evaluate(() => typeof (window as { FlowStorefront?: unknown }).FlowStorefront)).toBe('object')
  expect(await page.locator('body').getAttribute('data-session')).toBe('undefined')
  expect(problems).toEqual([])
})
