import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEmulator } from '../emulator/index.js'
import { startEmptyCatalogEmulator } from '../../test/adapter-emulator.js'
import { transpileServer } from '../../test/support/transpile.js'

const demoCatalog = new URL('../../../examples/demo/catalog.ndjson', import.meta.url).pathname

let emulator: RunningEmulator
let root: string

beforeAll(async () => {
  root = transpileServer(['.'])
  emulator = await startEmptyCatalogEmulator()
})

afterAll(async () => {
  await emulator.close()
})

/** Runs the CLI in its own process, as `flow-storefront-server ARGS` would. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const entry = `const { runCli } = await import(${JSON.stringify(join(root, 'cli.js'))}); process.exitCode = await runCli(process.argv.slice(1))`
  const child = spawn(process.execPath, ['--input-type=module', '-e', entry, '--', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: env.CWD ?? tmpdir() })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

describe('flow-storefront-server (a process)', () => {
  it('catalog-import of the demo catalog, then catalog-sync-process, shows a progress bar and ends with every item in the emulator', async () => {
    const work = mkdtempSync(join(tmpdir(), 'fss-cli-process-'))
    const env = { FLOW_ORGANIZATION: emulator.organization, FLOW_API_KEY: emulator.apiKey, FLOW_API_URL: emulator.url, FLOW_DB_PATH: join(work, 'a.db'), CWD: work }
    const imported = await cli(['catalog-import', demoCatalog], env)
    const synced = await cli(['catalog-sync-process', '--progress'], env)
    const help = await cli(['--help'], {})
    const unknown = await cli(['catalog-sync-nope'], {})
    const noConfig = await cli(['catalog-sync-process'], { CWD: work })
    expect({
      imported: [imported.code, imported.stdout.split('\n')[0]],
      synced: [synced.code, synced.stdout.split('\n')[0]?.replace(/\(\d+\.\d s\)/, '(…)')],
      progress: synced.stderr.trim().split('\n').at(-1)?.replace(/ +[\d.,]+\/s +in \d+:\d\d$/, ''),
      flow: Object.keys(emulator.state().items).length,
      help: [help.code, ['catalog-import', 'catalog-sync-process', 'integration-initialize', 'inventory-sync-process', 'prices-build', 'cron-cleanup'].every((name) => help.stdout.includes(`  ${name} `))],
      unknown: unknown.code,
      noConfig: [noConfig.code, noConfig.stderr.trim()],
    }).toEqual({
      imported: [0, `Imported 51 products from ${demoCatalog}: 51 new, 0 changed, 0 unchanged.`],
      synced: [0, 'Sent 51 products to Flow, deleted 0, skipped 0 gone and never synced (…).'],
      progress: 'catalog [############################] 51/51 100%',
      flow: 51,
      help: [0, true],
      unknown: 2,
      noConfig: [2, 'flow-storefront-server catalog-sync-process: missing settings: organization (--organization or FLOW_ORGANIZATION), apiKey (--api-key or FLOW_API_KEY). Set it as a flag, in the environment, or in a .env file.'],
    })
  })
})
