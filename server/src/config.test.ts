import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'

const emptyDir = () => mkdtempSync(join(tmpdir(), 'fs-config-'))

describe('loadConfig', () => {
  it('takes flags over the environment over .env, with defaults', () => {
    const cwd = emptyDir()
    writeFileSync(join(cwd, '.env'), '# comment\nFLOW_ORGANIZATION=from-file\nexport FLOW_API_KEY="file-key"\nFLOW_DB_PATH=file.db\n')
    expect(loadConfig({ cwd, env: { FLOW_API_KEY: 'env-key' }, flags: { dbPath: 'flag.db' } })).toEqual({
      organization: 'from-file',
      apiKey: 'env-key',
      apiUrl: 'https://api.flow.io',
      dbPath: 'flag.db',
    })
  })

  it('names every missing setting with its flag and variable', () => {
    expect(() => loadConfig({ cwd: emptyDir(), env: {} })).toThrow(
      'missing settings: organization (--organization or FLOW_ORGANIZATION), apiKey (--api-key or FLOW_API_KEY).',
    )
  })

  it('rejects an API URL that is not http(s)', () => {
    expect(() => loadConfig({ cwd: emptyDir(), env: { FLOW_ORGANIZATION: 'demo', FLOW_API_KEY: 'k', FLOW_API_URL: 'api.flow.io' } })).toThrow(
      /apiUrl must be an http\(s\) URL/,
    )
  })
})
