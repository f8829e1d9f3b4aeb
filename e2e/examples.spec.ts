// The README's server examples run as written (they need the build, so they run with the e2e stage).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'

const run = promisify(execFile)

test('examples/server/sync.mjs syncs the demo catalog and writes price documents', async () => {
  const { stdout } = await run(process.execPath, ['examples/server/sync.mjs'], { timeout: 60_000 })
  expect(stdout).toMatch(/^queued 51, sent 51, failed 0; price documents in \S+/)
})
