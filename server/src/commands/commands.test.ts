import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEmulator } from '../emulator/index.js'
import { startEmptyCatalogEmulator } from '../../test/adapter-emulator.js'
import { adapterCommands, createProgressBar } from './index.js'
import type { CommandIo } from './index.js'

const demoCatalog = new URL('../../../examples/demo/catalog.ndjson', import.meta.url).pathname

type Captured = { out: string[]; err: string[]; stderr: string }

function testIo(options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean } = {}): CommandIo & { captured: Captured } {
  const captured: Captured = { out: [], err: [], stderr: '' }
  let clock = 0
  return {
    captured,
    out: (line) => void captured.out.push(line),
    err: (line) => void captured.err.push(line),
    stopSignal: () => new Promise(() => {}),
    stderr: { isTTY: options.tty ?? false, write: (chunk: string) => (captured.stderr += chunk) },
    env: options.env ?? {},
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'fss-cwd-')),
    // Each reading of the clock moves it 50 ms, so rates and throttling are deterministic.
    now: () => Date.parse('2026-01-01T00:00:00Z') + (clock += 50),
  }
}

const command = (name: string) => {
  const found = adapterCommands.find((c) => c.name === name)
  if (!found) throw new Error(`no command ${name}`)
  return found
}

let emulator: RunningEmulator
let env: Record<string, string>
let work: string

beforeAll(async () => {
  emulator = await startEmptyCatalogEmulator()
  work = mkdtempSync(join(tmpdir(), 'fss-cli-'))
  env = { FLOW_ORGANIZATION: emulator.organization, FLOW_API_KEY: emulator.apiKey, FLOW_API_URL: emulator.url, FLOW_DB_PATH: join(work, 'adapter.db') }
})

afterAll(async () => {
  await emulator.close()
})

async function run(name: string, args: string[] = [], options: Parameters<typeof testIo>[0] = {}) {
  const io = testIo({ env, cwd: work, ...options })
  const code = await command(name).run(args, io)
  return { code, ...io.captured }
}

const NAMES = [
  'catalog-import',
  'catalog-sync-attributes-save',
  'catalog-sync-queue-all',
  'catalog-sync-process',
  'catalog-sync-status',
  'catalog-sync-requeue',
  'integration-initialize',
  'inventory-center-fetch-keys',
  'inventory-sync-queue-all',
  'inventory-sync-process',
  'webhook-event-process',
  'webhook-register-webhooks',
  'webhook-update-settings',
  'prices-build',
  'cron-cleanup',
]

describe('adapter commands', () => {
  it('has every command the issue names, each with --help (exit 0), and refuses an unknown flag with the usage (exit 2)', async () => {
    const helps = await Promise.all(NAMES.map((name) => run(name, ['--help'])))
    const bad = await run('catalog-sync-process', ['--bogus'])
    expect({
      missing: NAMES.filter((name) => !adapterCommands.some((c) => c.name === name)),
      helps: helps.map((h, i) => [h.code, h.out.join('\n').startsWith(`Usage: flow-storefront-server ${NAMES[i]}`), h.out.join('\n').includes('Exit codes: 0 success, 1 failure')]),
      bad: [bad.code, /^flow-storefront-server catalog-sync-process: Unknown option '--bogus'/.test(bad.err.join('\n')), bad.err.join('\n').includes('Usage: flow-storefront-server catalog-sync-process')],
    }).toEqual({
      missing: [],
      helps: NAMES.map(() => [0, true, true]),
      bad: [2, true, true],
    })
  })

  it('names the missing setting (exit 2), and reads settings from a .env file', async () => {
    const missing = await run('catalog-sync-process', [], { env: { FLOW_ORGANIZATION: 'demo' } })
    const missingJson = await run('inventory-center-fetch-keys', ['--json'], { env: {} })
    const dotenvDir = mkdtempSync(join(tmpdir(), 'fss-dotenv-'))
    writeFileSync(join(dotenvDir, '.env'), Object.entries({ ...env, FLOW_DB_PATH: join(dotenvDir, 'a.db') }).map(([k, v]) => `${k}=${v}`).join('\n'))
    const fromDotenv = await run('inventory-center-fetch-keys', ['--json'], { env: {}, cwd: dotenvDir })
    expect({
      missing: [missing.code, missing.err],
      missingJson: [missingJson.code, missingJson.out],
      fromDotenv: [fromDotenv.code, fromDotenv.out],
    }).toEqual({
      missing: [2, ['flow-storefront-server catalog-sync-process: missing setting: apiKey (--api-key or FLOW_API_KEY). Set it as a flag, in the environment, or in a .env file.']],
      missingJson: [2, [JSON.stringify({ ok: false, error: 'missing settings: organization (--organization or FLOW_ORGANIZATION), apiKey (--api-key or FLOW_API_KEY). Set it as a flag, in the environment, or in a .env file.' })]],
      fromDotenv: [0, [JSON.stringify({ ok: true, key: 'demo-warehouse', keys: ['demo-warehouse'] })]],
    })
  })

  it('imports the demo catalog and syncs it with a progress bar: every item ends in the emulator’s catalog', async () => {
    const imported = await run('catalog-import', [demoCatalog, '--json'])
    const synced = await run('catalog-sync-process', ['--progress'])
    const status = await run('catalog-sync-status', ['--json'])
    const again = await run('catalog-import', [demoCatalog])
    const lines = synced.stderr.trim().split('\n')
    expect({
      imported: [imported.code, JSON.parse(imported.out[0] ?? '{}')],
      synced: [synced.code, synced.out[0]?.replace(/\(\d+\.\d s\)/, '(…)'), synced.err],
      progress: [lines.length > 0, lines.at(-1)?.replace(/\s+in \d+:\d\d$/, '').replace(/ [\d.,]+\/s/, ' N/s')],
      status: JSON.parse(status.out[0] ?? '{}').stats,
      again: again.out,
      flow: Object.keys(emulator.state().items).length,
    }).toEqual({
      imported: [0, { ok: true, file: demoCatalog, read: 51, created: 51, updated: 0, unchanged: 0, removed: 0, queued: 51, conflicts: [], inventoryQueued: 0, problems: [] }],
      synced: [0, 'Sent 51 products to Flow, deleted 0, skipped 0 gone and never synced (…).', []],
      progress: [true, 'catalog [############################] 51/51 100%  N/s'],
      status: { new: 0, processing: 0, error: 0, done: 51, synced: 51, total: 51 },
      again: [`Imported 51 products from ${demoCatalog}: 0 new, 0 changed, 51 unchanged.`, 'Queued 0 for catalog sync and 0 stock levels for inventory sync.'],
      flow: 51,
    })
  })

  it('runs every other command against the emulator with meaningful exit codes', async () => {
    const csv = join(work, 'stock.csv')
    writeFileSync(csv, 'sku,name,currency,final_price,quantity,weight,weight_unit\nCSV-1,"Mug, blue",USD,12.5,4,0.3,kgs\nCSV-2,Bad,USD,,2,,\n,No SKU,USD,1,1,,\n')
    const importCsv = await run('catalog-import', [csv, '--json'])
    const attributes = await run('catalog-sync-attributes-save')
    const queueAll = await run('catalog-sync-queue-all', ['--json'])
    const process = await run('catalog-sync-process', ['--json'])
    const errors = await run('catalog-sync-status', ['--status', 'error'])
    const requeue = await run('catalog-sync-requeue', ['CSV-2', '--json'])
    const centers = await run('inventory-center-fetch-keys')
    const inventoryAll = await run('inventory-sync-queue-all', ['--json'])
    const inventory = await run('inventory-sync-process', ['--json', '--no-wait'])
    const init = await run('integration-initialize', ['--base-url', 'https://shop.example/flow'])
    const initAgain = await run('integration-initialize', ['--base-url', 'https://shop.example/flow', '--json'])
    const register = await run('webhook-register-webhooks', ['--json'], { env: { ...env, FLOW_BASE_URL: 'https://shop.example/flow' } })
    const noBase = await run('webhook-register-webhooks')
    const settings = await run('webhook-update-settings', ['--rotate', '--json'])
    const events = await run('webhook-event-process', ['--json'])
    const out = join(work, 'prices')
    const prices = await run('prices-build', ['--experience', 'germany', '--out', out, '--json'])
    const cleanup = await run('cron-cleanup', ['--json'])
    const wrongKey = await run('inventory-center-fetch-keys', [], { env: { ...env, FLOW_API_KEY: 'wrong' } })
    const json = (r: { out: string[] }) => JSON.parse(r.out.at(-1) ?? '{}') as Record<string, unknown>
    expect({
      importCsv: [importCsv.code, importCsv.err, json(importCsv).read],
      attributes: [attributes.code, attributes.out],
      queueAll: [queueAll.code, json(queueAll).queued, json(queueAll).waiting],
      process: [process.code, json(process).put, json(process).invalid],
      errors: errors.out.slice(1).map((line) => line.split('\t').slice(0, 2)),
      requeue: [requeue.code, json(requeue).queued],
      centers: [centers.code, centers.out],
      inventory: [inventoryAll.code, json(inventoryAll).updated, inventory.code, json(inventory).set, json(inventory).failed],
      stock: Object.values(emulator.state().inventory).map((entry) => [entry.item_number, entry.quantity]),
      init: [init.code, init.out.map((line) => line.split(':')[0])],
      initAgain: [initAgain.code, (json(initAgain).steps as { ok: boolean; detail: string }[]).map((step) => step.detail)],
      register: [register.code, (json(register).webhooks as { action: string }[]).map((w) => w.action)],
      noBase: [noBase.code, noBase.err],
      settings: [settings.code, json(settings)],
      events: [events.code, json(events).ok],
      prices: [prices.code, readdirSync(out).sort(), Object.keys((JSON.parse(readFileSync(join(out, 'germany.json'), 'utf8')) as { items: object }).items).length],
      cleanup: [cleanup.code, json(cleanup).ok],
      wrongKey: [wrongKey.code, wrongKey.err.length],
    }).toEqual({
      importCsv: [1, ['stock.csv:4: sku: required, a non-empty string'], 2],
      attributes: [0, ['Saved 16 of 16 price attributes.']],
      // The two CSV products were already waiting since their import.
      queueAll: [0, 51, 2],
      process: [1, 52, 1],
      errors: [['CSV-2', 'error']],
      requeue: [0, 1],
      centers: [0, ['Default center: demo-warehouse (1 center in Flow: demo-warehouse).']],
      inventory: [0, 2, 1, 1, 1],
      stock: [['CSV-1', 4]],
      init: [0, ['ok      center-keys', 'ok      price-attributes', 'ok      webhook-registration', 'ok      webhook-settings', 'Integration initialized.']],
      initAgain: [
        0,
        ['default center demo-warehouse (1 center)', '16 price attributes saved', '7 webhooks: 7 unchanged', 'secret unchanged (stored)'],
      ],
      register: [0, Array(7).fill('unchanged')],
      noBase: [2, ['flow-storefront-server webhook-register-webhooks: missing setting: baseUrl (--base-url or FLOW_BASE_URL), the public URL of this adapter that Flow sends webhooks to.']],
      settings: [0, { ok: true, secret: 'generated', previousKept: true }],
      events: [0, true],
      prices: [0, ['germany.json', 'index.json'], 52],
      cleanup: [0, true],
      wrongKey: [1, 1],
    })
  })
  it('catalog-import --replace removes what the file lacks, and the next sync deletes it in Flow', async () => {
    const file = join(work, 'one.ndjson')
    writeFileSync(file, `${readFileSync(demoCatalog, 'utf8').split('\n')[0]}\n`)
    const imported = await run('catalog-import', [file, '--replace', '--json'])
    const synced = await run('catalog-sync-process', ['--json'])
    expect({
      imported: [imported.code, JSON.parse(imported.out[0] ?? '{}').removed],
      synced: [synced.code, JSON.parse(synced.out[0] ?? '{}').deleted],
      flow: Object.values(emulator.state().items).map((item) => (item as { number: string }).number),
    }).toEqual({ imported: [0, 52], synced: [0, 51], flow: ['TEE-CLASSIC'] })
  })
})

describe('createProgressBar', () => {
  it('draws in place on a TTY with counts, percent, rate and ETA; stays silent on a pipe unless forced', () => {
    let t = 0
    let tty = ''
    let piped = ''
    const bar = createProgressBar({ label: 'sync', stream: { isTTY: true, write: (s: string) => (tty += s) }, now: () => t, width: 10 })
    const silent = createProgressBar({ label: 'sync', stream: { isTTY: false, write: (s: string) => (piped += s) }, now: () => t })
    t = 1000
    bar.update(250, 1000)
    silent.update(250, 1000)
    t = 1050
    bar.update(300, 1000) // within 100 ms: not drawn
    t = 2000
    bar.update(1000, 1000)
    bar.done()
    expect({ tty: tty.split('\r').filter(Boolean), piped }).toEqual({
      tty: ['sync [###.......] 250/1,000  25%  250/s  ETA 0:03\u001b[K', 'sync [##########] 1,000/1,000 100%  500/s  in 0:02\u001b[K\n'],
      piped: '',
    })
  })
})
